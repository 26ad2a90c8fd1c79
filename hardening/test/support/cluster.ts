import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type RunningDatabase, startEmbeddedPostgres } from '@gatehouse/core/testing';
import pg from 'pg';

export const CLUSTER_PREFIX = 'gatehouse-hardening-pg-';

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/**
 * A PostgreSQL cluster this test owns (core's embedded launcher, durable settings, a fixed port),
 * so it can be stopped and started again under a running server: the server's DATABASE_URL stays
 * valid across restarts. `destroy` stops it and removes every file.
 */
export interface PrivateCluster {
  /** The application role's URL (what the server gets as DATABASE_URL). */
  url: string;
  /** Fast shutdown (SIGINT): connections are cut, the postmaster exits. */
  stop(): Promise<void>;
  /** Immediate shutdown (SIGQUIT): no checkpoint, as after a crash; the next start recovers from WAL. */
  crash(): Promise<void>;
  start(): Promise<void>;
  /** A query on a fresh connection (for checks after a run). */
  query<T extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  destroy(): Promise<void>;
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const dataDir = await mkdtemp(path.join(tmpdir(), CLUSTER_PREFIX));
  const port = await freePort();
  const launch = () => startEmbeddedPostgres({ dataDir, database: 'gatehouse', port });
  let running: RunningDatabase | null = await launch();
  const url = running.url;
  const clusterDir: string =
    running.clusterDir ??
    (await readFile(path.join(dataDir, 'credentials.json'), 'utf8').then(
      (text) => (JSON.parse(text) as { clusterDir?: string }).clusterDir ?? path.join(dataDir, 'pg'),
    ));
  return {
    url,
    async stop() {
      await running?.stop();
      running = null;
    },
    async crash() {
      const pid = Number((await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGQUIT');
      // The launcher's own stop() waits for the exit (and finds it already gone).
      await running?.stop();
      running = null;
    },
    async start() {
      running ??= await launch();
    },
    async query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
      client.on('error', () => {});
      await client.connect();
      try {
        return (await client.query<T>(text, values)).rows;
      } finally {
        await client.end().catch(() => {});
      }
    },
    async destroy() {
      await running?.stop();
      running = null;
      await rm(clusterDir, { recursive: true, force: true });
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
