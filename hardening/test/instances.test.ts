import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateCluster, startPrivateCluster } from './support/cluster.js';
import { type Caller, call, data, domainCode, type Reply, signIn, sleep } from './support/http.js';
import { recordFigure, recordSecret } from './support/record.js';
import { type PrivateRedis, redisServerAvailable, startPrivateRedis } from './support/redis.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type ServerProcess, useServerProcesses } from './support/servers.js';

// Two server processes on one database and one Redis (their own, killed mid-run at the end). Tests
// tell clients apart by X-Forwarded-For (127.0.0.1 is a trusted proxy here), so each has fresh limits.

const PASSWORD = 'a sturdy passphrase for hardening';
const CEILING = 60;
const startServer = useServerProcesses();
let cluster: PrivateCluster;
let redis: PrivateRedis | undefined;
let a: ServerProcess;
let b: ServerProcess;
let admin: Caller;
let clients = 0;
/** A fresh client address (documentation range). */
const newIp = () => `198.51.100.${++clients}`;

const env = (redisUrl?: string): Record<string, string> => ({
  DATABASE_URL: cluster.url,
  TRUST_PROXY: '127.0.0.1',
  RATE_LIMIT_PER_MINUTE: String(CEILING),
  HASH_RATE_PER_MINUTE: '1000',
  LOGIN_MAX_FAILURES: '10',
  LOG_LEVEL: 'warn',
  ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
});

if (!redisServerAvailable) {
  console.warn('[instances] redis-server is not installed: the shared-store tests are skipped');
}

beforeAll(async () => {
  cluster = await startPrivateCluster();
  recordSecret('password', PASSWORD);
});
afterAll(async () => {
  await a?.stop(5_000);
  await b?.stop(5_000);
  await redis?.kill();
  await cluster?.destroy();
});

const statuses = (replies: Reply[]) => {
  const counts: Record<string, number> = {};
  for (const reply of replies) {
    const key = `${reply.status} ${domainCode(reply) ?? ''}`.trim();
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};

describe.skipIf(!redisServerAvailable)('two instances on one database and one Redis', () => {
  beforeAll(async () => {
    redis = await startPrivateRedis();
    a = await startServer(env(redis.url));
    b = await startServer(env(redis.url));
    admin = await signIn(a.url, ADMIN_EMAIL, ADMIN_PASSWORD, newIp());
  });

  it('25-way invite-accept races across both: exactly one winner, 4xx for the others', async () => {
    const rounds = 4;
    for (let round = 0; round < rounds; round += 1) {
      const email = `race-${round}@example.com`;
      const ip = newIp();
      const { token } = data<{ token: string }>(
        await call(a.url, 'invites.create', { email, sendEmail: false }, { as: admin, ip }),
      );
      recordSecret('invite', token);
      const replies = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          call(i % 2 ? a.url : b.url, 'invites.accept', { token, password: PASSWORD }, { ip: newIp() }),
        ),
      );
      const winners = replies.filter((r) => r.status === 200);
      const losers = replies.filter((r) => r.status !== 200);
      expect(statuses(replies), `round ${round}`).toMatchObject({ 200: 1 });
      expect(winners).toHaveLength(1);
      for (const loser of losers) expect(loser.status, loser.text).toBeGreaterThanOrEqual(400);
      for (const loser of losers) expect(loser.status, loser.text).toBeLessThan(500);
      const users = await cluster.query<{ n: number }>(
        'select count(*)::int as n from "user" where email = $1',
        [email],
      );
      expect(users[0]?.n).toBe(1);
      if (round === 0) console.log(`[instances] accept race: ${JSON.stringify(statuses(replies))}`);
    }
    recordFigure('races: 25-way invite accepts across two instances', rounds);
    console.log(`[instances] ${rounds} accept races of 25 across two instances: one winner each`);
  });

  it('25 duplicate user creates across both: one created, EMAIL_TAKEN for the others', async () => {
    const rounds = 3;
    for (let round = 0; round < rounds; round += 1) {
      const email = `duplicate-${round}@example.com`;
      const replies = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          call(i % 2 ? a.url : b.url, 'users.create', { email }, { as: admin, ip: newIp() }),
        ),
      );
      expect(statuses(replies)).toEqual({ 200: 1, '409 EMAIL_TAKEN': 24 });
    }
    recordFigure('races: 25-way duplicate user creates across two instances', rounds);
    console.log(`[instances] ${rounds} duplicate-create races of 25: one winner each, 24 × 409 EMAIL_TAKEN`);
  });

  it('a session made on one works on the other; signing out on one ends it on both', async () => {
    const email = 'roaming@example.com';
    data(await call(a.url, 'users.create', { email, password: PASSWORD }, { as: admin, ip: newIp() }));
    const user = await signIn(b.url, email, PASSWORD, newIp());
    for (const server of [a, b]) {
      const me = await call(server.url, 'auth.me', undefined, { kind: 'query', as: user, ip: newIp() });
      expect(data<{ email: string }>(me).email).toBe(email);
    }
    const cookie = user.cookie;
    data(await call(a.url, 'auth.logout', undefined, { as: user, ip: newIp() }));
    for (const server of [a, b]) {
      const me = await call(server.url, 'auth.me', undefined, { kind: 'query', as: { cookie }, ip: newIp() });
      expect(me.status).toBe(401);
    }
  });

  it('login throttling is shared: failures on both count together', async () => {
    const email = 'throttled@example.com';
    data(await call(a.url, 'users.create', { email, password: PASSWORD }, { as: admin, ip: newIp() }));
    const ip = newIp();
    const failures: Reply[] = [];
    for (let i = 0; i < 10; i += 1) {
      failures.push(
        await call(i % 2 ? a.url : b.url, 'auth.login', { email, password: 'wrong password!' }, { ip }),
      );
    }
    expect(statuses(failures)).toEqual({ '401 INVALID_CREDENTIALS': 10 });
    // Five failures on each: both now refuse, even the right password.
    for (const server of [a, b]) {
      const refused = await call(server.url, 'auth.login', { email, password: PASSWORD }, { ip });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    }
  });

  it('the request ceiling is shared: calls on both count together', async () => {
    const ip = newIp();
    const replies: Reply[] = [];
    for (let i = 0; i < CEILING + 5; i += 1) {
      replies.push(await call(i % 2 ? a.url : b.url, 'health', undefined, { kind: 'query', ip }));
    }
    // Alone, neither instance saw more than half the ceiling: the 429s come from the shared count.
    expect(replies.slice(0, CEILING).every((r) => r.status === 200)).toBe(true);
    expect(replies.slice(CEILING).every((r) => r.status === 429)).toBe(true);
  });

  it('Redis going away mid-run: requests keep working (fail open to per-instance limits), fast', async () => {
    await redis?.kill();
    recordFigure('faults: Redis killed mid-run', 1);
    const ip = newIp();
    const replies: Reply[] = [];
    for (let i = 0; i < 20; i += 1) {
      replies.push(await call(i % 2 ? a.url : b.url, 'users.list', {}, { kind: 'query', as: admin, ip }));
      await sleep(50);
    }
    const slowest = Math.max(...replies.map((r) => r.ms));
    const median = replies.map((r) => r.ms).sort((x, y) => x - y)[10] ?? 0;
    console.log(
      `[instances] Redis killed: ${JSON.stringify(statuses(replies))}, median ${Math.round(median)} ms, slowest ${Math.round(slowest)} ms`,
    );
    expect(statuses(replies)).toEqual({ 200: 20 });
    expect(slowest).toBeLessThan(5_000);

    // Never to no limit at all: each instance now counts on its own, so one alone stops this client.
    const alone = newIp();
    const flood: Reply[] = [];
    for (let i = 0; i < CEILING + 5; i += 1) {
      flood.push(await call(a.url, 'health', undefined, { kind: 'query', ip: alone }));
    }
    expect(flood.slice(CEILING).every((r) => r.status === 429)).toBe(true);
    // Said once in the log, not a stack trace per reconnect attempt.
    for (const server of [a, b]) {
      expect(server.output()).toContain('Redis is unreachable');
      expect(server.output()).not.toContain('Unhandled error event');
    }
    // Logins still work too.
    await signIn(b.url, ADMIN_EMAIL, ADMIN_PASSWORD, newIp());

    // Back again: the instances share counts again without a restart.
    await redis?.start();
    const ip2 = newIp();
    const back: Reply[] = [];
    await sleep(2_500);
    for (let i = 0; i < CEILING + 5; i += 1) {
      back.push(await call(i % 2 ? a.url : b.url, 'health', undefined, { kind: 'query', ip: ip2 }));
    }
    expect(back.slice(CEILING).every((r) => r.status === 429)).toBe(true);
  });
});

describe('two instances without Redis', () => {
  let c: ServerProcess;
  let d: ServerProcess;
  let owner: Caller;
  beforeAll(async () => {
    if (!cluster) throw new Error('no cluster');
    c = await startServer(env());
    d = await startServer(env());
    owner = await signIn(c.url, ADMIN_EMAIL, ADMIN_PASSWORD, newIp());
  });
  afterAll(async () => {
    await c?.stop(5_000);
    await d?.stop(5_000);
  });

  it('throttle each on their own (documented in SECURITY.md)', async () => {
    const email = 'solo-throttle@example.com';
    data(await call(c.url, 'users.create', { email, password: PASSWORD }, { as: owner, ip: newIp() }));
    const ip = newIp();
    for (let i = 0; i < 10; i += 1) {
      expect((await call(c.url, 'auth.login', { email, password: 'wrong password!' }, { ip })).status).toBe(
        401,
      );
    }
    expect((await call(c.url, 'auth.login', { email, password: PASSWORD }, { ip })).status).toBe(429);
    // The other instance has seen none of those failures.
    expect((await call(d.url, 'auth.login', { email, password: PASSWORD }, { ip })).status).toBe(200);
  });

  // Every request reads the session and the user's role afresh (no cache in either process), so a
  // change written through one instance rules the other's very next request.
  it('a role change and a deletion made on one apply on the other from the very next request', async () => {
    const email = 'changing-rights@example.com';
    const { id } = data<{ id: string }>(
      await call(
        c.url,
        'users.create',
        { email, password: PASSWORD, role: 'admin' },
        { as: owner, ip: newIp() },
      ),
    );
    const user = await signIn(d.url, email, PASSWORD, newIp());
    const { token } = data<{ token: string }>(
      await call(d.url, 'apiToken.generate', {}, { as: user, ip: newIp() }),
    );
    recordSecret('apiToken', token);
    const machine: Caller = { bearer: token };
    const create = (as: Caller, made: string) =>
      call(d.url, 'users.create', { email: `${made}@example.com` }, { as, ip: newIp() });
    expect((await create(user, 'made-while-admin')).status).toBe(200);
    expect((await create(machine, 'made-by-token-while-admin')).status).toBe(200);

    data(await call(c.url, 'users.update', { id, role: 'member' }, { as: owner, ip: newIp() }));
    for (const as of [user, machine]) {
      const refused = await create(as, 'made-after-demotion');
      expect(refused.status, refused.text).toBe(403);
      const me = await call(d.url, 'auth.me', undefined, { kind: 'query', as, ip: newIp() });
      expect(data<{ role: string }>(me).role).toBe('member');
    }

    data(await call(c.url, 'users.delete', { id }, { as: owner, ip: newIp() }));
    for (const as of [user, machine]) {
      const me = await call(d.url, 'auth.me', undefined, { kind: 'query', as, ip: newIp() });
      expect(me.status, me.text).toBe(401);
    }
  });
});
