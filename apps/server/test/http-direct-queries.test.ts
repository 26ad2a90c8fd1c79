import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildServer } from '../src/build-server.js';
import { createLogger } from '../src/logger.js';
import { STRONG_PASSWORD, useServerCore } from './http-harness.js';

// The host answers single GET queries itself (trpc-host.ts) instead of through tRPC's Fastify
// adapter. Clients must not be able to tell: every request below goes to a server with that
// shortcut and to one without it, on the same database, and both answers must be the same (status,
// body, the headers a client reads, cookies), for successes and for every kind of failure.

const h = useServerCore();
const servers: { direct: FastifyInstance; adapter: FastifyInstance; logs: Record<string, string[]> } = {
  logs: { direct: [], adapter: [] },
} as never;

async function build(name: 'direct' | 'adapter') {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      servers.logs[name]?.push(String(chunk));
      done();
    },
  });
  return buildServer({
    core: h.core,
    logger: createLogger('info', sink),
    adminClientDir: null,
    directQueries: name === 'direct',
  });
}

let admin = { cookie: '', token: '', id: '' };
let member = { cookie: '' };

beforeAll(async () => {
  servers.direct = await build('direct');
  servers.adapter = await build('adapter');
});
// After the harness has emptied the tables for this test.
beforeEach(async () => {
  const created = await h.core.users.create({
    email: 'admin@example.com',
    password: STRONG_PASSWORD,
    role: 'admin',
  });
  await h.core.users.create({ email: 'member@example.com', password: STRONG_PASSWORD, role: 'member' });
  for (let i = 0; i < 5; i += 1) await h.core.users.create({ email: `person${i}+tag@example.com` });
  await h.core.invites.create({ email: 'invitee@example.com', sendEmail: false });
  const adminLogin = await h.core.auth.login({ email: 'admin@example.com', password: STRONG_PASSWORD }, {});
  const memberLogin = await h.core.auth.login({ email: 'member@example.com', password: STRONG_PASSWORD }, {});
  const token = await h.core.apiTokens.generate(created.id);
  admin = { cookie: `gatehouse_session=${adminLogin.token}`, token: token.token, id: created.id };
  member = { cookie: `gatehouse_session=${memberLogin.token}` };
});
afterAll(async () => {
  await servers.direct?.close();
  await servers.adapter?.close();
});

const input = (value: unknown) => `input=${encodeURIComponent(JSON.stringify(value))}`;

interface Case {
  name: string;
  url: () => string;
  headers?: () => Record<string, string>;
  method?: 'GET' | 'HEAD';
}

const asAdmin = () => ({ cookie: admin.cookie });
const cases: Case[] = [
  { name: 'health', url: () => '/trpc/health' },
  { name: 'auth.me signed out', url: () => '/trpc/auth.me' },
  { name: 'auth.me by cookie', url: () => '/trpc/auth.me', headers: asAdmin },
  {
    name: 'auth.me by API token',
    url: () => '/trpc/auth.me',
    headers: () => ({ authorization: `Bearer ${admin.token}` }),
  },
  {
    name: 'auth.me with a garbage bearer',
    url: () => '/trpc/auth.me',
    headers: () => ({ authorization: 'Bearer nope' }),
  },
  {
    name: 'auth.me with a garbage cookie',
    url: () => '/trpc/auth.me',
    headers: () => ({ cookie: 'gatehouse_session=%%%' }),
  },
  { name: 'auth.sessions', url: () => '/trpc/auth.sessions', headers: asAdmin },
  { name: 'users.get', url: () => `/trpc/users.get?${input({ id: admin.id })}`, headers: asAdmin },
  {
    name: 'users.get unknown id',
    url: () => `/trpc/users.get?${input({ id: 'usr_nope' })}`,
    headers: asAdmin,
  },
  { name: 'users.get wrong input type', url: () => `/trpc/users.get?${input({ id: 5 })}`, headers: asAdmin },
  { name: 'users.get without input', url: () => '/trpc/users.get', headers: asAdmin },
  { name: 'users.get input that is not JSON', url: () => '/trpc/users.get?input=%7Bid', headers: asAdmin },
  {
    name: 'users.get input given twice',
    url: () => `/trpc/users.get?${input({ id: admin.id })}&input=1`,
    headers: asAdmin,
  },
  { name: 'users.list', url: () => `/trpc/users.list?${input({})}`, headers: asAdmin },
  { name: 'users.list paged', url: () => `/trpc/users.list?${input({ limit: 2 })}`, headers: asAdmin },
  // A raw "+" in a query string is a space to both parsers (URLSearchParams and Fastify's).
  {
    name: 'users.list q with a raw +',
    url: () => '/trpc/users.list?input={"q":"person1+tag"}',
    headers: asAdmin,
  },
  {
    name: 'users.list q with an encoded +',
    url: () => `/trpc/users.list?${input({ q: 'person1+tag' })}`,
    headers: asAdmin,
  },
  {
    name: 'users.list bad cursor',
    url: () => `/trpc/users.list?${input({ cursor: '!!' })}`,
    headers: asAdmin,
  },
  {
    name: 'users.list bad role',
    url: () => `/trpc/users.list?${input({ role: 'owner' })}`,
    headers: asAdmin,
  },
  {
    name: 'users.list as a member',
    url: () => `/trpc/users.list?${input({})}`,
    headers: () => ({ cookie: member.cookie }),
  },
  { name: 'users.list signed out', url: () => `/trpc/users.list?${input({})}` },
  {
    name: 'invites.list pending',
    url: () => `/trpc/invites.list?${input({ status: 'pending' })}`,
    headers: asAdmin,
  },
  { name: 'invites.preview bad token', url: () => `/trpc/invites.preview?${input({ token: 'inv_nope' })}` },
  {
    name: 'audit.list as a member',
    url: () => `/trpc/audit.list?${input({})}`,
    headers: () => ({ cookie: member.cookie }),
  },
  { name: 'audit.list', url: () => `/trpc/audit.list?${input({ limit: 3 })}`, headers: asAdmin },
  { name: 'setup.status', url: () => '/trpc/setup.status' },
  { name: 'unknown procedure', url: () => '/trpc/users.nothing' },
  { name: 'a mutation by GET', url: () => '/trpc/auth.logout', headers: asAdmin },
  {
    name: 'a batch',
    url: () =>
      `/trpc/auth.me,users.get?batch=1&input=${encodeURIComponent(JSON.stringify({ 1: { id: admin.id } }))}`,
    headers: asAdmin,
  },
  { name: 'HEAD', url: () => '/trpc/auth.me', method: 'HEAD', headers: asAdmin },
];

/** What a client can observe of an answer. */
async function observe(app: FastifyInstance, item: Case) {
  const response = await app.inject({
    method: item.method ?? 'GET',
    url: item.url(),
    headers: item.headers?.(),
  });
  const body = response.body === '' ? null : JSON.parse(response.body);
  // Outside production an error carries its stack, which names the code path: only its presence counts.
  if (body?.error?.data?.stack) body.error.data.stack = 'present';
  return {
    status: response.statusCode,
    contentType: response.headers['content-type'] ?? null,
    vary: response.headers.vary ?? null,
    retryAfter: response.headers['retry-after'] ?? null,
    setCookie: response.headers['set-cookie'] ?? null,
    body,
  };
}

describe('single GET queries answered by the host directly', () => {
  it.each(cases.map((item) => [item.name, item] as const))(
    '%s: the same answer as tRPC’s adapter',
    async (_name, item) => {
      const direct = await observe(servers.direct, item);
      const adapter = await observe(servers.adapter, item);
      expect(direct).toEqual(adapter);
    },
  );

  it('covers successes and failures alike (the comparison is not vacuous)', async () => {
    const statuses = new Set<number>();
    for (const item of cases) statuses.add((await observe(servers.direct, item)).status);
    expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 204, 400, 401, 403, 404, 405]));
    const me = await observe(servers.direct, cases[2] as Case);
    expect(me.body).toMatchObject({ result: { data: { email: 'admin@example.com', role: 'admin' } } });
  });

  it('answers with a Content-Length in one piece, where the adapter streams chunks', async () => {
    const direct = await servers.direct.inject({ url: '/trpc/auth.me', headers: asAdmin() });
    expect(direct.headers['content-length']).toBe(String(Buffer.byteLength(direct.body)));
    expect(direct.headers['transfer-encoding']).toBeUndefined();
  });

  it('fails the same way when the context or the procedure throws, and logs it once on both', async () => {
    // The same core, except that looking a session up and listing users throw unexpected errors.
    const failure = () => Promise.reject(new Error('connection lost while running select * from "user"'));
    const failing = {
      ...h.core,
      auth: Object.assign(Object.create(h.core.auth), { authenticateSession: failure }),
      users: Object.assign(Object.create(h.core.users), { list: failure }),
    };
    const pair = await Promise.all(
      (['direct', 'adapter'] as const).map(async (name) => {
        const logs: string[] = [];
        const sink = new Writable({
          write(chunk, _encoding, done) {
            logs.push(String(chunk));
            done();
          },
        });
        const app = await buildServer({
          core: failing,
          logger: createLogger('info', sink),
          adminClientDir: null,
          directQueries: name === 'direct',
        });
        return { app, logs };
      }),
    );
    try {
      const [direct, adapter] = pair as [(typeof pair)[0], (typeof pair)[0]];
      for (const item of [
        { name: 'context', url: () => '/trpc/auth.me', headers: asAdmin },
        {
          name: 'procedure',
          url: () => `/trpc/users.list?${input({})}`,
          headers: () => ({ authorization: `Bearer ${admin.token}` }),
        },
      ]) {
        const fromDirect = await observe(direct.app, item);
        expect(fromDirect.status).toBeGreaterThanOrEqual(500);
        expect(fromDirect).toEqual(await observe(adapter.app, item));
      }
      const failures = (logs: string[]) => logs.filter((line) => line.includes('"procedure failed"')).length;
      expect(failures(direct.logs)).toBe(failures(adapter.logs));
      expect(failures(direct.logs)).toBeGreaterThanOrEqual(1);
    } finally {
      for (const { app } of pair) await app.close();
    }
  });
});
