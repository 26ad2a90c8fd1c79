import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateCluster, startPrivateCluster } from './support/cluster.js';
import {
  type Caller,
  call,
  data,
  domainCode,
  type Reply,
  readyz,
  signIn,
  sleep,
  waitFor,
} from './support/http.js';
import { recordFigure, recordSecret } from './support/record.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type ServerProcess, useServerProcesses } from './support/servers.js';

// PostgreSQL goes away under a running server (a private cluster this file owns, stopped and started
// on the same port): calls fail fast with 503 / DB_UNAVAILABLE, /readyz turns 503, the same server
// process recovers by itself, and every write acknowledged with a 2xx is in the database.

const startServer = useServerProcesses();
let cluster: PrivateCluster;
let server: ServerProcess;
let admin: Caller;
const PASSWORD = 'a sturdy passphrase for hardening';

beforeAll(async () => {
  cluster = await startPrivateCluster();
  server = await startServer({ DATABASE_URL: cluster.url, LOG_LEVEL: 'warn' });
  admin = await signIn(server.url, ADMIN_EMAIL, ADMIN_PASSWORD);
  recordSecret('password', PASSWORD);
});

// A failed test must not leave the next one without a database.
afterEach(async () => {
  await cluster?.start();
});

afterAll(async () => {
  await server?.stop(5_000);
  await cluster?.destroy();
});

/** Every 5xx must be a 503 with DB_UNAVAILABLE; anything else is a defect. */
function classify(replies: Reply[]) {
  const counts = { ok: 0, unavailable: 0, client: 0, other: [] as string[] };
  for (const reply of replies) {
    if (reply.status === 200) counts.ok += 1;
    else if (reply.status === 503 && domainCode(reply) === 'DB_UNAVAILABLE') counts.unavailable += 1;
    else if (reply.status >= 400 && reply.status < 500) counts.client += 1;
    else counts.other.push(`${reply.status} ${reply.text.slice(0, 200)}`);
  }
  return counts;
}

/** Workers creating users until told to stop; acknowledged emails are kept. */
function createLoop(prefix: string, workers: number) {
  const state = { running: true, acknowledged: [] as string[], replies: [] as Reply[], slowest: 0, sent: 0 };
  const worker = async (w: number) => {
    for (let i = 0; state.running; i += 1) {
      const email = `${prefix}-${w}-${i}@example.com`;
      state.sent += 1;
      const reply = await call(server.url, 'users.create', { email, role: 'member' }, { as: admin }).catch(
        (error: Error) => ({ status: 0, text: String(error), json: null }) as unknown as Reply,
      );
      state.slowest = Math.max(state.slowest, reply.ms ?? 0);
      state.replies.push(reply);
      if (reply.status === 200) state.acknowledged.push(email);
      if (reply.status !== 200) await sleep(50);
    }
  };
  const done = Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  return {
    state,
    async stop() {
      state.running = false;
      await done;
    },
  };
}

async function missingOf(emails: string[]): Promise<string[]> {
  const rows = await cluster.query<{ email: string }>('select email from "user" where email = any($1)', [
    emails,
  ]);
  const found = new Set(rows.map((row) => row.email));
  return emails.filter((email) => !found.has(email));
}

describe('PostgreSQL stopped and started under a running server', () => {
  it('fails fast with 503 DB_UNAVAILABLE, /readyz 503, recovers by itself, loses no acknowledged write', async () => {
    const loop = createLoop('outage', 4);
    // Until writes flow (a loaded CI machine may take a while for the first ones).
    expect(await waitFor(async () => loop.state.acknowledged.length >= 5, 60_000), 'writes flow').toBe(true);

    await cluster.stop();
    recordFigure('faults: PostgreSQL stopped under load', 1);
    const stoppedAt = performance.now();
    // /readyz sees it (it caches the answer for a second).
    expect(await waitFor(async () => (await readyz(server.url)) === 503, 10_000)).toBe(true);
    // Calls made now fail fast with the contract's error.
    const probes = await Promise.all([
      call(server.url, 'users.list', {}, { kind: 'query', as: admin }),
      call(server.url, 'auth.me', undefined, { kind: 'query', as: admin }),
      call(server.url, 'users.create', { email: 'probe@example.com' }, { as: admin }),
      call(server.url, 'auth.login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
      call(server.url, 'invites.preview', { token: `ghi_${'a'.repeat(43)}` }, { kind: 'query' }),
      call(server.url, 'health', undefined, { kind: 'query' }),
    ]);
    for (const probe of probes) {
      expect({ status: probe.status, code: domainCode(probe) }).toEqual({
        status: 503,
        code: 'DB_UNAVAILABLE',
      });
      expect(probe.ms).toBeLessThan(10_000);
    }
    await sleep(1_000);
    const outageMs = performance.now() - stoppedAt;

    await cluster.start();
    // The same process recovers by itself.
    expect(await waitFor(async () => (await readyz(server.url)) === 200, 30_000)).toBe(true);
    const afterRestart = loop.state.acknowledged.length;
    expect(
      await waitFor(async () => loop.state.acknowledged.length > afterRestart + 3, 30_000),
      'writes succeed again after the restart',
    ).toBe(true);
    await loop.stop();
    expect(server.child.exitCode).toBeNull();

    const counts = classify(loop.state.replies);
    expect(counts.other, 'every failure is a 503 DB_UNAVAILABLE (or a 4xx)').toEqual([]);
    expect(counts.unavailable).toBeGreaterThan(0);
    const missing = await missingOf(loop.state.acknowledged);
    expect(missing).toEqual([]);
    // No half-written rows: every user has the audit event of its creation (same transaction).
    const orphans = await cluster.query<{ n: number }>(
      `select count(*)::int as n from "user" u where u.email like 'outage-%'
         and not exists (select 1 from audit_event a where a.target_id = u.id and a.action = 'user.created')`,
    );
    expect(orphans[0]?.n).toBe(0);
    recordFigure('writes acknowledged', counts.ok);
    recordFigure('acknowledged writes found', counts.ok - missing.length);
    console.log(
      `[db-faults] outage ${Math.round(outageMs)} ms: sent ${loop.state.sent}, acknowledged ${counts.ok}, ` +
        `503 DB_UNAVAILABLE ${counts.unavailable}, 4xx ${counts.client}, found ${counts.ok - missing.length}/${counts.ok}, ` +
        `slowest ${Math.round(loop.state.slowest)} ms`,
    );
  });

  it('a crash and restart during a burst of invite accepts and user creates: one outcome per invite, nothing lost', async () => {
    const invites: { email: string; token: string }[] = [];
    for (let i = 0; i < 30; i += 1) {
      const email = `burst-invitee-${i}@example.com`;
      const issued = data<{ token: string }>(
        await call(server.url, 'invites.create', { email, role: 'member', sendEmail: false }, { as: admin }),
      );
      recordSecret('invite', issued.token);
      invites.push({ email, token: issued.token });
    }
    const creates = createLoop('burst', 3);
    const accepts: Promise<{ email: string; reply: Reply }>[] = [];
    const acceptAll = (async () => {
      for (const invite of invites) {
        accepts.push(
          call(server.url, 'invites.accept', { token: invite.token, password: PASSWORD }).then((reply) => ({
            email: invite.email,
            reply,
          })),
        );
        await sleep(60);
      }
    })();
    // Until the burst is under way (some accepts and creates answered), however slow the machine.
    expect(
      await waitFor(async () => accepts.length >= 5 && creates.state.acknowledged.length >= 3, 60_000),
      'the burst is under way',
    ).toBe(true);
    // A crash, not a clean stop: only what PostgreSQL made durable before answering may survive.
    await cluster.crash();
    recordFigure('faults: PostgreSQL crashed and restarted during a burst', 1);
    await sleep(1_000);
    await cluster.start();
    await acceptAll;
    const accepted = await Promise.all(accepts);
    expect(await waitFor(async () => (await readyz(server.url)) === 200, 30_000)).toBe(true);
    await sleep(500);
    await creates.stop();

    // Invites whose accept failed for the outage can be accepted now (nothing half-done blocks them).
    const retried: Reply[] = [];
    for (const { email, reply } of accepted) {
      if (reply.status === 200) continue;
      const invite = invites.find((i) => i.email === email);
      retried.push(await call(server.url, 'invites.accept', { token: invite?.token, password: PASSWORD }));
    }

    const acceptReplies = [...accepted.map((a) => a.reply), ...retried];
    const counts = classify([...acceptReplies, ...creates.state.replies]);
    if (counts.other.length > 0) {
      // What the server logged of them (kind and SQLSTATE only: never the query).
      console.log(
        server
          .output()
          .split('\n')
          .filter((line) => line.includes('procedure failed'))
          .slice(0, 5)
          .join('\n'),
      );
    }
    expect(counts.other).toEqual([]);
    const acknowledgedAccepts = accepted.filter((a) => a.reply.status === 200).map((a) => a.email);
    const burstAcknowledged = [...acknowledgedAccepts, ...creates.state.acknowledged];
    const burstMissing = await missingOf(burstAcknowledged);
    expect(burstMissing).toEqual([]);
    recordFigure('writes acknowledged', burstAcknowledged.length);
    recordFigure('acknowledged writes found', burstAcknowledged.length - burstMissing.length);
    // Each invite is accepted exactly when its user exists (the two happen in one transaction).
    const mismatched = await cluster.query<{ email: string }>(
      `select i.user_email as email from invite i
        where i.user_email like 'burst-invitee-%'
          and i.accepted <> exists (select 1 from "user" u where u.email = i.user_email and u.deleted_at is null)`,
    );
    expect(mismatched).toEqual([]);
    const acceptedNow = await cluster.query<{ n: number }>(
      `select count(*)::int as n from invite where user_email like 'burst-invitee-%' and accepted`,
    );
    // An accept whose answer was lost in the outage may have committed; a retry then answers 4xx.
    expect(acceptedNow[0]?.n).toBe(invites.length);
    console.log(
      `[db-faults] burst: accepts ${accepted.length} (+${retried.length} retried), creates sent ${creates.state.sent}, ` +
        `acknowledged ${counts.ok}, 503 ${counts.unavailable}, 4xx ${counts.client}, lost 0`,
    );
  });

  it('pool exhaustion (every connection held by a blocked query) gives prompt 503s, not a pile-up', async () => {
    const { Client } = (await import('pg')).default;
    const locker = new Client({ connectionString: cluster.url });
    locker.on('error', () => {});
    await locker.connect();
    const calls = 40;
    let replies: Promise<Reply>[] = [];
    try {
      await locker.query('begin');
      await locker.query('lock table "user" in access exclusive mode');
      recordFigure('faults: connection pool exhausted', 1);
      // Twice the pool's 20 connections: the first ones hold every connection, waiting on the lock;
      // the rest must be refused promptly rather than queue behind them for as long as it lasts.
      replies = Array.from({ length: calls }, () =>
        call(server.url, 'users.list', {}, { kind: 'query', as: admin, timeoutMs: 90_000 }),
      );
      const answered: Reply[] = [];
      for (const reply of replies) void reply.then((r) => answered.push(r));
      const started = performance.now();
      await waitFor(async () => answered.length >= calls / 2, 25_000);
      const elapsed = performance.now() - started;
      const counts = classify(answered);
      console.log(
        `[db-faults] pool exhaustion: ${calls} calls while a lock holds every connection: ${answered.length} ` +
          `answered in ${Math.round(elapsed)} ms (503 DB_UNAVAILABLE ${counts.unavailable}, other ${counts.other.length})`,
      );
      expect(counts.other).toEqual([]);
      // The ones beyond the pool are refused within the pool's wait (seconds), lock or no lock.
      expect(counts.unavailable).toBeGreaterThanOrEqual(calls / 2 - 2);
    } finally {
      await locker.query('rollback').catch(() => {});
      await locker.end().catch(() => {});
    }
    // Once the lock goes, the held calls finish and the server is ready again.
    const all = await Promise.all(replies);
    expect(classify(all).other).toEqual([]);
    expect(await waitFor(async () => (await readyz(server.url)) === 200, 15_000)).toBe(true);
    data(await call(server.url, 'users.list', {}, { kind: 'query', as: admin }));
  });
});
