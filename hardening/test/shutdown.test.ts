import { get } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateCluster, startPrivateCluster } from './support/cluster.js';
import { call, type Reply, readyz, signIn, sleep, waitFor } from './support/http.js';
import { recordFigure } from './support/record.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, useServerProcesses } from './support/servers.js';

// SIGTERM under load: requests in flight finish (even ones held up in the database), new connections
// are refused, the process exits 0 in bounded time, and every acknowledged write is there. A request
// stuck for good cannot hold the shutdown up for ever.

const startServer = useServerProcesses();
let cluster: PrivateCluster;

beforeAll(async () => {
  cluster = await startPrivateCluster();
});
afterAll(async () => {
  await cluster?.destroy();
});

/** A transaction holding an exclusive lock on the user table: every query on it waits. */
/** How many statements wait on a lock in the cluster now. */
async function lockWaiters(): Promise<number> {
  const [row] = await cluster.query<{ n: number }>(
    "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock'",
  );
  return row?.n ?? 0;
}

async function lockUsers() {
  const locker = new pg.Client({ connectionString: cluster.url });
  locker.on('error', () => {});
  await locker.connect();
  await locker.query('begin');
  await locker.query('lock table "user" in access exclusive mode');
  return async () => {
    await locker.query('rollback').catch(() => {});
    await locker.end().catch(() => {});
  };
}

type Outcome = { email: string; reply?: Reply; error?: string };

describe('graceful shutdown', () => {
  it('SIGTERM under load: in-flight calls finish, then exit 0 in bounded time, acknowledged writes present', async () => {
    const server = await startServer({ DATABASE_URL: cluster.url, LOG_LEVEL: 'warn' });
    const admin = await signIn(server.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    const outcomes: Outcome[] = [];
    let running = true;
    const worker = async (w: number) => {
      for (let i = 0; running; i += 1) {
        const email = `shutdown-${w}-${i}@example.com`;
        try {
          outcomes.push({ email, reply: await call(server.url, 'users.create', { email }, { as: admin }) });
        } catch (error) {
          outcomes.push({ email, error: String((error as Error).cause ?? error) });
          await sleep(20);
        }
      }
    };
    const WORKERS = 6;
    const workers = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    // Until writes flow (a loaded CI machine may take a while for the first ones).
    expect(
      await waitFor(async () => outcomes.filter((o) => o.reply?.status === 200).length >= 5, 60_000),
      'writes flow',
    ).toBe(true);

    // Hold the next calls inside the database, so some are surely in flight when the signal comes.
    const unlock = await lockUsers();
    const held = Array.from({ length: 5 }, (_, i) =>
      call(server.url, 'users.create', { email: `held-${i}@example.com` }, { as: admin }),
    );
    // Until they and the workers' calls (one each) are all waiting on the lock inside PostgreSQL. Five
    // waiters were not enough: they could be the workers', with a held call still on its way, which
    // then reached the closing server and got its 503.
    expect(
      await waitFor(async () => (await lockWaiters()) >= WORKERS + held.length, 60_000),
      'calls held by the lock',
    ).toBe(true);
    const signalled = performance.now();
    server.child.kill('SIGTERM');
    recordFigure('faults: SIGTERM under load', 1);
    await sleep(1_000);
    // New connections are refused while the held calls are still running (a fresh connection, not
    // one kept alive from before).
    const late = await new Promise<string>((resolve) => {
      const request = get(`${server.url}/healthz`, { agent: false }, (response) => {
        response.resume();
        resolve(`status ${response.statusCode}`);
      });
      request.on('error', () => resolve('refused'));
    });
    expect(server.child.exitCode, 'still finishing its in-flight calls').toBeNull();
    await unlock();

    const heldReplies = await Promise.all(held);
    const exit = await server.exited;
    const exitMs = performance.now() - signalled;
    running = false;
    await workers;

    expect(late).toBe('refused');
    expect(heldReplies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitMs).toBeLessThan(15_000);
    const bad = outcomes.filter((o) => o.reply && o.reply.status !== 200 && o.reply.status !== 503);
    expect(bad.map((o) => `${o.reply?.status} ${o.reply?.text.slice(0, 200)}`)).toEqual([]);

    const acknowledged = [
      ...outcomes.filter((o) => o.reply?.status === 200).map((o) => o.email),
      ...Array.from({ length: 5 }, (_, i) => `held-${i}@example.com`),
    ];
    const rows = await cluster.query<{ email: string }>('select email from "user" where email = any($1)', [
      acknowledged,
    ]);
    expect(rows.length).toBe(acknowledged.length);
    recordFigure('writes acknowledged', acknowledged.length);
    recordFigure('acknowledged writes found', rows.length);
    console.log(
      `[shutdown] ${outcomes.length + 5} calls, ${acknowledged.length} acknowledged, ${rows.length} found, ` +
        `${outcomes.filter((o) => o.error).length} refused after close; exit ${exit.code} after ${Math.round(exitMs)} ms`,
    );
  });

  it('a call stuck in the database does not hold the shutdown up for ever', async () => {
    const server = await startServer({ DATABASE_URL: cluster.url, LOG_LEVEL: 'warn' });
    const admin = await signIn(server.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    const unlock = await lockUsers();
    try {
      const stuck = call(server.url, 'users.list', {}, { kind: 'query', as: admin }).catch(() => null);
      expect(await waitFor(async () => (await lockWaiters()) >= 1, 60_000), 'the call is stuck').toBe(true);
      const signalled = performance.now();
      server.child.kill('SIGTERM');
      recordFigure('faults: SIGTERM with a call stuck on a lock', 1);
      const exited = await waitFor(
        async () => server.child.exitCode !== null || server.child.signalCode !== null,
        30_000,
      );
      const exitMs = performance.now() - signalled;
      console.log(
        `[shutdown] with a call stuck on a lock: exited ${exited} (code ${server.child.exitCode}) after ${Math.round(exitMs)} ms`,
      );
      expect(exited).toBe(true);
      expect(server.child.signalCode).toBeNull();
      await stuck;
    } finally {
      await unlock();
    }
    expect(await readyz(server.url)).toBe(0);
  });
});
