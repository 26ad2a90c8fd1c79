import { sql } from '@gatehouse/core/testing';
import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  browserLike,
  adminInBrowser as signInAdmin,
  useHttpServer,
  useServerCore,
} from './http-harness.js';

// Hostile JSON as a client really sends it: raw bodies with `\ud800` escapes (JSON.parse turns them
// into lone surrogates) and nesting no ORM should recurse through. Each must be a 400 with zod
// issues, never a 500, and nothing may be written.

const h = useServerCore();
const http = useHttpServer(h);

/** An admin signed in by cookie in a "browser" that sends the allowed Origin. */
async function adminInBrowser() {
  const { browser } = await signInAdmin(h, http);
  expect(browser.state.cookie).toMatch(/^gatehouse_session=/);
  return browser;
}

type Browser = Awaited<ReturnType<typeof adminInBrowser>>;

/** What tRPC answers for one call (the error shape is the API's errorFormatter). */
interface Reply {
  error: {
    message: string;
    data: {
      code: string;
      httpStatus: number;
      domainCode: string;
      zodError: { fieldErrors: Record<string, string[]> } | null;
    };
  };
  result: { data: { email: string } };
}

/** POSTs `body` exactly as given (not re-serialised) to a tRPC procedure. */
async function postRaw(browser: Browser, path: string, body: string) {
  const response = await browser.fetch(`${http.url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, json: (await response.json()) as Reply };
}

async function getRaw(browser: Browser, path: string, inputJson: string) {
  const response = await browser.fetch(`${http.url}/trpc/${path}?input=${encodeURIComponent(inputJson)}`);
  return { status: response.status, json: (await response.json()) as Reply };
}

const userCount = async () => {
  const [row] = await sql<{ n: number }>(h.core, 'select count(*)::int as n from "user"');
  return Number(row?.n);
};

/** `depth` nested arrays: ~3,900 levels fit in 8 KiB. */
const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

// `String.raw` keeps `\ud800` as the six characters of a JSON escape, as on the wire.
const HOSTILE_METADATA: [string, string, string][] = [
  ['a lone high surrogate in a value', String.raw`{"a":"\ud800"}`, 'well-formed'],
  ['a lone low surrogate in a value', String.raw`{"note":"x\udc00y"}`, 'well-formed'],
  ['a reversed surrogate pair', String.raw`{"a":"\udc00\ud800"}`, 'well-formed'],
  ['a lone surrogate in a key', String.raw`{"\ud800":1}`, 'well-formed'],
  ['a lone surrogate deep down', String.raw`{"a":[{"b":{"c":["ok","\udbff"]}}]}`, 'well-formed'],
  ['3,900 levels of arrays in 8 KiB', `{"a":${nestedArrays(3_900)}}`, 'nested at most 8'],
  ['3,900 levels of objects', `{"a":${nestedObjects(3_900)}}`, 'nested at most 8'],
  ['a JSON NUL escape in a nested key', String.raw`{"a":{"k\u0000":1}}`, 'control characters'],
];

const HOSTILE_NAMES: [string, string][] = [
  ['a lone surrogate', String.raw`"Eve\ud800"`],
  ['terminal escape sequences', String.raw`"Eve\u001b[2J\u001b]0;pwned\u0007"`],
  ['a C1 CSI (U+009B)', String.raw`"Eve\u009b2J"`],
  ['DEL', String.raw`"Eve\u007f"`],
];

describe('hostile input over real HTTP: 400 with zod issues, never 500, nothing written', () => {
  it('sends 8 KiB or less for 3,900 levels (the case from the review)', () => {
    expect(`{"email":"deep@example.com","metadata":{"a":${nestedArrays(3_900)}}}`.length).toBeLessThanOrEqual(
      8 * 1024,
    );
  });

  it.each(HOSTILE_METADATA)('users.create refuses metadata with %s', async (_case, metadata, message) => {
    const browser = await adminInBrowser();
    const { status, json } = await postRaw(
      browser,
      'users.create',
      `{"email":"hostile@example.com","metadata":${metadata}}`,
    );
    expect(status).toBe(400);
    expect(json.error.data).toMatchObject({
      code: 'BAD_REQUEST',
      httpStatus: 400,
      domainCode: 'INVALID_INPUT',
    });
    expect(json.error.data.zodError?.fieldErrors.metadata?.join('\n')).toContain(message);
    expect(await userCount()).toBe(1);
    expect(await h.core.users.findByEmail('hostile@example.com')).toBeNull();
  });

  it.each(HOSTILE_METADATA)('users.update refuses metadata with %s', async (_case, metadata, message) => {
    const browser = await adminInBrowser();
    const member = await h.core.users.create({ email: 'member@example.com', metadata: { team: 'ops' } });
    const { status, json } = await postRaw(
      browser,
      'users.update',
      `{"id":"${member.id}","metadata":${metadata}}`,
    );
    expect(status).toBe(400);
    expect(json.error.data).toMatchObject({ code: 'BAD_REQUEST', domainCode: 'INVALID_INPUT' });
    expect(json.error.data.zodError?.fieldErrors.metadata?.join('\n')).toContain(message);
    expect((await h.core.users.get(member.id)).metadata).toEqual({ team: 'ops' });
  });

  it.each(HOSTILE_NAMES)('users.create and users.update refuse a name with %s', async (_case, name) => {
    const browser = await adminInBrowser();
    for (const field of ['firstName', 'lastName']) {
      const created = await postRaw(
        browser,
        'users.create',
        `{"email":"named@example.com","${field}":${name}}`,
      );
      expect(created.status).toBe(400);
      expect(created.json.error.data).toMatchObject({ code: 'BAD_REQUEST', domainCode: 'INVALID_INPUT' });
      expect(Object.keys(created.json.error.data.zodError?.fieldErrors ?? {})).toEqual([field]);
    }
    expect(await userCount()).toBe(1);

    const admin = await h.core.users.findByEmail('admin@example.com');
    const updated = await postRaw(browser, 'users.update', `{"id":"${admin?.id}","firstName":${name}}`);
    expect(updated.status).toBe(400);
    expect((await h.core.users.get(admin?.id ?? '')).firstName).toBeNull();
  });

  it('refuses one hostile call of a batch and runs the other', async () => {
    const browser = await adminInBrowser();
    const { status, json } = await postRaw(
      browser,
      'users.create,users.create?batch=1',
      String.raw`{"0":{"email":"bad@example.com","metadata":{"a":"\ud800"}},"1":{"email":"good@example.com"}}`,
    );
    expect(status).not.toBe(500);
    const [bad, good] = json as unknown as Reply[];
    expect(bad?.error.data).toMatchObject({ httpStatus: 400, domainCode: 'INVALID_INPUT' });
    expect(good?.result.data.email).toBe('good@example.com');
    expect(await userCount()).toBe(2);
  });

  it('refuses a lone surrogate in a search string, an id or a cursor with 400', async () => {
    const browser = await adminInBrowser();
    for (const [path, input] of [
      ['users.list', String.raw`{"q":"ad\ud800"}`],
      ['users.get', String.raw`{"id":"usr_\udc00"}`],
      ['users.list', String.raw`{"cursor":"YzE6\ud800"}`],
      ['invites.list', String.raw`{"q":"\ud800"}`],
      ['audit.list', String.raw`{"actorId":"usr_\ud800"}`],
    ] as const) {
      const { status, json } = await getRaw(browser, path, input);
      expect({ path, input, status }).toEqual({ path, input, status: 400 });
      expect(json.error.data).toMatchObject({ domainCode: 'INVALID_INPUT' });
    }
    const login = await postRaw(
      browserLike({ origin: APP_ORIGIN }),
      'auth.login',
      String.raw`{"email":"admin@example.com\ud800","password":"x"}`,
    );
    expect(login.status).toBe(400);
  });

  it('logged no internal error for any of it', async () => {
    const browser = await adminInBrowser();
    for (const [, metadata] of HOSTILE_METADATA) {
      const { status } = await postRaw(
        browser,
        'users.create',
        `{"email":"x@example.com","metadata":${metadata}}`,
      );
      expect(status).toBe(400);
    }
    expect(http.logs.filter((line) => line.includes('procedure failed'))).toEqual([]);
  });
});
