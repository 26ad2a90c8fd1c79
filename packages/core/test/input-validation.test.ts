import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { METADATA_LIMITS } from '../src/metadata.js';
import {
  createUserInput,
  cursorSchema,
  emailSchema,
  idSchema,
  inviteTokenInput,
  listInvitesInput,
  listUsersInput,
  tokenSchema,
  updateUserInput,
} from '../src/schemas.js';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { auditRows, countRows, sql } from './helpers.js';

const h = useTestCore();

/** `depth` nested arrays inside one object key, as JSON text (what a hostile client sends). */
const nestedJson = (depth: number) => `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;

/** A metadata object nested `levels` deep, the outer object being level 1. */
const nestedObject = (levels: number): Record<string, unknown> => {
  let value: Record<string, unknown> = { leaf: true };
  for (let level = 1; level < levels; level += 1) value = { next: value };
  return value;
};

/** The zod error of a rejected promise, or a description of what happened instead. */
async function zodErrorOf(promise: Promise<unknown>): Promise<ZodError> {
  const outcome = await promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => ({ error }),
  );
  if ('resolved' in outcome)
    throw new Error(`expected a ZodError, resolved ${JSON.stringify(outcome.resolved)}`);
  if (!(outcome.error instanceof ZodError)) {
    throw new Error(`expected a ZodError, got ${String(outcome.error)}`, { cause: outcome.error });
  }
  return outcome.error;
}

const messages = (error: ZodError) => error.issues.map((issue) => issue.message).join('\n');

const HOSTILE_METADATA: [string, () => Record<string, unknown>, RegExp][] = [
  ['a lone high surrogate in a value', () => ({ a: '\ud800' }), /well-formed/],
  ['a lone low surrogate in a value', () => ({ a: 'x\udc00y' }), /well-formed/],
  ['a reversed surrogate pair in a value', () => ({ a: '\udc00\ud800' }), /well-formed/],
  ['a lone surrogate in a key', () => ({ '\ud800': 1 }), /well-formed/],
  ['a lone surrogate deep down', () => ({ a: [{ b: { c: ['ok', '\udbff'] } }] }), /well-formed/],
  ['~3,900 levels of nesting in 8 KiB', () => JSON.parse(nestedJson(3_900)), /nested at most 8/],
  ['one level too deep', () => nestedObject(METADATA_LIMITS.maxDepth + 1), /nested at most 8/],
  [
    'more keys in total than allowed',
    () => Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`g${i}`, manyKeys(40)])),
    /at most 100 keys in total/,
  ],
  ['too many keys in one object', () => manyKeys(METADATA_LIMITS.maxKeysPerObject + 1), /at most 50 keys/],
  [
    'too many items in one array',
    () => ({ list: Array.from({ length: 101 }, () => 1) }),
    /at most 100 items/,
  ],
  ['a 101-character key', () => ({ ['k'.repeat(101)]: 1 }), /at most 100 characters/],
  ['a 2,001-character string', () => ({ note: 's'.repeat(2_001) }), /at most 2000 characters/],
  ['NUL in a nested value', () => ({ note: { deep: 'x\u0000' } }), /NUL/],
  ['NUL in a nested key', () => ({ note: { 'k\u0000': 1 } }), /control characters/],
  ['ESC in a key', () => ({ 'k\u001b[2J': 1 }), /control characters/],
  [
    'a "__proto__" key (own property, as JSON.parse makes it)',
    () => JSON.parse('{"a":{"__proto__":{"x":1}}}'),
    /__proto__/,
  ],
  ['undefined', () => ({ a: undefined }), /JSON values only/],
  ['a function', () => ({ a: () => 1 }), /JSON values only/],
  ['a bigint', () => ({ a: 1n }), /JSON values only/],
  ['a Date', () => ({ a: new Date(0) }), /JSON values only \(got Date\)/],
  ['a Map', () => ({ a: new Map() }), /JSON values only \(got Map\)/],
  ['NaN', () => ({ a: Number.NaN }), /finite/],
  ['Infinity', () => ({ a: [Number.POSITIVE_INFINITY] }), /finite/],
  ['a sparse array', () => ({ a: new Array<number>(3).fill(1, 0, 1) }), /JSON values only/],
  ['a symbol key', () => ({ a: { [Symbol('s')]: 1 } }), /keys must be strings/],
  ['over 16 KiB of JSON', () => manyStrings(20, 1_000), /16 KiB/],
];

function manyKeys(count: number): Record<string, number> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));
}

function manyStrings(count: number, length: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 'x'.repeat(length)]));
}

const HOSTILE_NAMES: [string, string][] = [
  ['a lone high surrogate', 'Ada\ud800'],
  ['a lone low surrogate', '\udc00Ada'],
  ['ESC (a terminal escape sequence)', 'Ada\u001b[2J\u001b]0;pwned\u0007'],
  ['BEL', 'Ada\u0007'],
  ['NUL', 'A\u0000da'],
  ['DEL', 'Ada\u007f'],
  ['C1 CSI (U+009B)', 'Ada\u009b2J'],
  ['C1 OSC (U+009D)', '\u009d0;pwned'],
  ['a newline inside', 'Ada\nLovelace'],
  ['a tab inside', 'Ada\tLovelace'],
];

describe('users.create / users.update: metadata must be bounded, well-formed JSON', () => {
  it.each(HOSTILE_METADATA)(
    'create refuses %s with a ZodError and writes nothing',
    async (_case, metadata, message) => {
      const error = await zodErrorOf(
        h.core.users.create({ email: 'meta@example.com', metadata: metadata() }),
      );
      expect(messages(error)).toMatch(message);
      expect(error.issues.every((issue) => issue.path[0] === 'metadata')).toBe(true);
      expect(await countRows(h.core, 'user')).toBe(0);
      expect(await countRows(h.core, 'audit_event')).toBe(0);
    },
  );

  it.each(HOSTILE_METADATA)(
    'update refuses %s with a ZodError and changes nothing',
    async (_case, metadata, message) => {
      const user = await h.core.users.create({ email: 'meta@example.com', metadata: { team: 'ops' } });
      const error = await zodErrorOf(h.core.users.update({ id: user.id, metadata: metadata() }));
      expect(messages(error)).toMatch(message);
      expect((await h.core.users.get(user.id)).metadata).toEqual({ team: 'ops' });
      expect(await auditRows(h.core, 'user.updated')).toHaveLength(0);
    },
  );

  it('reports where the problem is, and stops after a few issues', async () => {
    const error = await zodErrorOf(
      h.core.users.create({
        email: 'meta@example.com',
        metadata: { ok: 1, list: ['fine', '\ud800'], many: Array.from({ length: 50 }, () => '\udfff') },
      }),
    );
    expect(error.issues[0]).toMatchObject({
      path: ['metadata', 'list', 1],
      message: expect.stringMatching(/well-formed/),
    });
    expect(error.issues.length).toBeLessThanOrEqual(10);
  });

  it('refuses hostile nesting without looking below the deepest level allowed (no RangeError)', () => {
    const metadata = JSON.parse(nestedJson(100_000)) as { a: unknown[] };
    // The array one level too deep records every look inside it: the check must stop at it.
    const touched: string[] = [];
    const watch: ProxyHandler<unknown[]> = {
      get: (target, key, receiver) => {
        touched.push(`get ${String(key)}`);
        return Reflect.get(target, key, receiver);
      },
      has: (target, key) => {
        touched.push(`has ${String(key)}`);
        return Reflect.has(target, key);
      },
      ownKeys: (target) => {
        touched.push('ownKeys');
        return Reflect.ownKeys(target);
      },
      getPrototypeOf: (target) => {
        touched.push('getPrototypeOf');
        return Reflect.getPrototypeOf(target);
      },
    };
    let deepestAllowed = metadata.a; // level 2: the metadata object itself is level 1
    for (let level = 2; level < METADATA_LIMITS.maxDepth; level += 1) {
      deepestAllowed = deepestAllowed[0] as unknown[];
    }
    deepestAllowed[0] = new Proxy(deepestAllowed[0] as unknown[], watch);

    const result = createUserInput.safeParse({ email: 'a@example.com', metadata });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      expect.stringMatching(/nested at most 8 levels/),
    ]);
    expect(touched).toEqual([]);
  });

  it('accepts metadata at every limit and stores it exactly', async () => {
    const atLimits = {
      deep: nestedObject(METADATA_LIMITS.maxDepth - 1),
      list: Array.from({ length: METADATA_LIMITS.maxArrayItems }, (_, i) => (i % 2 === 0 ? i : null)),
      ['k'.repeat(METADATA_LIMITS.maxKeyLength)]: 's'.repeat(METADATA_LIMITS.maxStringLength),
      text: 'emoji 😀, CJK 漢字, RTL עברית, tab\tand newline\n are fine in values',
      flags: { yes: true, no: false, nothing: null, pi: 3.14, negative: -1 },
      '😀': 'a well-formed surrogate pair in a key',
    };
    const user = await h.core.users.create({ email: 'meta@example.com', metadata: atLimits });
    expect(user.metadata).toEqual(atLimits);
    expect((await h.core.users.get(user.id)).metadata).toEqual(atLimits);
    const [row] = await sql<{ metadata: unknown }>(h.core, 'select metadata from "user" where id = ?', [
      user.id,
    ]);
    expect(row?.metadata).toEqual(atLimits);

    const exactlyMaxKeys = Object.fromEntries(
      Array.from({ length: 2 }, (_, i) => [`g${i}`, manyKeys(METADATA_LIMITS.maxKeysPerObject - 1)]),
    );
    expect(Object.keys(exactlyMaxKeys).length + 2 * 49).toBe(METADATA_LIMITS.maxKeys);
    const updated = await h.core.users.update({ id: user.id, metadata: exactlyMaxKeys });
    expect(updated.metadata).toEqual(exactlyMaxKeys);
    expect((await h.core.users.update({ id: user.id, metadata: null })).metadata).toBeNull();
  });

  it('is a schema of its own that forms reuse: the same result without a database', () => {
    expect(updateUserInput.safeParse({ id: 'usr_x', metadata: { a: '\ud800' } }).success).toBe(false);
    expect(updateUserInput.safeParse({ id: 'usr_x', metadata: { a: '\ud83d\ude00' } }).success).toBe(true);
  });
});

describe('users.create / users.update / invites.accept: names are printable, well-formed text', () => {
  it.each(HOSTILE_NAMES)(
    'create refuses a first or last name with %s and writes nothing',
    async (_case, name) => {
      for (const field of ['firstName', 'lastName'] as const) {
        const error = await zodErrorOf(h.core.users.create({ email: 'name@example.com', [field]: name }));
        expect(error.issues.map((issue) => issue.path[0])).toContain(field);
      }
      expect(await countRows(h.core, 'user')).toBe(0);
      expect(await countRows(h.core, 'audit_event')).toBe(0);
    },
  );

  it.each(HOSTILE_NAMES)('update refuses a name with %s and changes nothing', async (_case, name) => {
    const user = await h.core.users.create({
      email: 'name@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
    });
    for (const field of ['firstName', 'lastName'] as const) {
      await zodErrorOf(h.core.users.update({ id: user.id, [field]: name }));
    }
    expect(await h.core.users.get(user.id)).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace' });
    expect(await auditRows(h.core, 'user.updated')).toHaveLength(0);
  });

  it('refuses such names when an invite is accepted, and the invite stays open', async () => {
    const admin = await h.core.users.create({
      email: 'admin@example.com',
      password: STRONG_PASSWORD,
      role: 'admin',
    });
    const issued = await h.core.invites.create({ email: 'new@example.com' }, { actorId: admin.id });
    for (const [, name] of HOSTILE_NAMES) {
      await zodErrorOf(
        h.core.invites.accept({ token: issued.token, password: STRONG_PASSWORD, firstName: name }),
      );
    }
    expect(await countRows(h.core, 'user')).toBe(1);
    expect((await h.core.invites.get(issued.invite.id)).status).toBe('pending');
  });

  it('keeps accepting real names: accents, scripts, emoji, and trims surrounding whitespace', async () => {
    const user = await h.core.users.create({
      email: 'name@example.com',
      firstName: '  Zoë 😀 ',
      lastName: "O'Brien-Ångström 李 عبد",
    });
    expect(user).toMatchObject({ firstName: 'Zoë 😀', lastName: "O'Brien-Ångström 李 عبد" });
  });
});

describe('other free text that reaches PostgreSQL: a lone surrogate is an input error', () => {
  it('refuses it in emails, search strings, ids, cursors and tokens with a ZodError', async () => {
    const attempts: [string, () => Promise<unknown>][] = [
      ['users.create email', () => h.core.users.create({ email: 'a\ud800@example.com' })],
      ['auth.login email', () => h.core.auth.login({ email: 'a@example.com\udc00', password: 'x' })],
      ['users.list q', () => h.core.users.list({ q: 'ad\ud800' })],
      ['invites.list q', () => h.core.invites.list({ q: '\udc00' })],
      ['users.list cursor', () => h.core.users.list({ cursor: 'YzE6\ud800' })],
      ['users.get id', () => h.core.users.get('usr_\ud800')],
      ['users.update id', () => h.core.users.update({ id: 'usr_\udfff', firstName: 'x' })],
      ['users.delete id', () => h.core.users.delete('usr_\ud800')],
      ['audit.list actorId', () => h.core.audit.list({ actorId: 'usr_\ud800' })],
      [
        'password reset token',
        () => h.core.passwords.reset({ token: '\ud800', newPassword: STRONG_PASSWORD }),
      ],
      ['password reset request email', () => h.core.passwords.requestReset({ email: '\ud800@example.com' })],
    ];
    for (const [name, attempt] of attempts) {
      const error = await zodErrorOf(attempt()).catch((e: Error) => e);
      expect(error instanceof ZodError ? 'zod' : `${name}: ${error.message}`).toBe('zod');
    }
    expect(await countRows(h.core, 'user')).toBe(0);
  });

  it('refuses it in every shared string schema the API declares, NUL too', () => {
    const schemas: [string, { safeParse(value: unknown): { success: boolean } }, (bad: string) => unknown][] =
      [
        ['emailSchema', emailSchema, (bad) => `a${bad}@example.com`],
        ['idSchema', idSchema, (bad) => `usr_${bad}`],
        ['cursorSchema', cursorSchema, (bad) => `YzE6${bad}`],
        ['tokenSchema', tokenSchema, (bad) => `inv_${bad}`],
        ['inviteTokenInput', inviteTokenInput, (bad) => ({ token: `inv_${bad}` })],
        ['listUsersInput q', listUsersInput, (bad) => ({ q: bad })],
        ['listInvitesInput q', listInvitesInput, (bad) => ({ q: bad })],
      ];
    for (const [name, schema, make] of schemas) {
      for (const bad of ['\ud800', '\udfff', '\udc00\ud800', '\u0000']) {
        expect(schema.safeParse(make(bad)).success, `${name} with ${JSON.stringify(bad)}`).toBe(false);
      }
      expect(schema.safeParse(make('\ud83d\ude00')).success, `${name} with an emoji`).toBe(
        name !== 'emailSchema',
      );
    }
  });
});
