import type { Core } from '@gatehouse/core';
import autocannon from 'autocannon';
import pg from 'pg';
import { productionNodeFlags, type ServerProcess, startServer } from './processes.js';
import { measureScryptLimit } from './scrypt-limit.js';
import { median } from './stats.js';

export interface LoadRow {
  case: string;
  target: 'raw' | 'gatehouse';
  round: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerRequest: number;
  errors: number;
}
/** Sign-ins under load, against the scrypt limit of the machine. */
export interface LoginFlood {
  requestsPerSecond: number;
  scryptLimitPerSecond: number;
  ratio: number;
  p50Ms: number;
  p99Ms: number;
  eventLoopDelayP99Ms: number;
}
export interface Results {
  startedAt: string;
  machine: Record<string, unknown>;
  settings: Record<string, unknown>;
  load: LoadRow[];
  /** Peak RSS of each server process over the read load, MiB. */
  peakRssMiB?: { raw: number; gatehouse: number };
  /** The sign-in flood: medians of its rounds (each against the scrypt limit measured just before it). */
  login: null | (LoginFlood & { peakRssMiB: number; rounds: (LoginFlood & { errors: number })[] });
  /** invites.create and invites.accept, on both servers (rounds interleaved as for the reads). */
  writes: LoadRow[];
  scale: null | {
    seeded: { users: number; invites: number; rowsPerSecond: number };
    cases: { case: string; p50Ms: number; p99Ms: number; total: number | null }[];
  };
}
interface Options {
  smoke: boolean;
  step: (text: string) => void;
}

const STRONG_PASSWORD = 'correct horse battery staple';
const ORIGIN = 'http://bench.test';
const input = (value: unknown) => `input=${encodeURIComponent(JSON.stringify(value))}`;

async function load(
  server: ServerProcess,
  options: autocannon.Options,
): Promise<Omit<LoadRow, 'case' | 'target' | 'round'>> {
  const cpuBefore = server.cpuMs();
  const result = await autocannon({ ...options, url: `${server.url}${options.url ?? ''}` });
  const cpu = server.cpuMs() - cpuBefore;
  const errors = result.non2xx + result.errors + result.timeouts;
  return {
    // Completed requests over the real duration (per-second averages round slow endpoints to 0).
    requestsPerSecond: result.duration > 0 ? result.requests.total / result.duration : 0,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuMsPerRequest: result.requests.total > 0 ? cpu / result.requests.total : 0,
    errors,
  };
}

/** Seeds a realistic small installation and returns what the requests need. */
async function seed(core: Core) {
  const admin = await core.users.create({
    email: 'admin@bench.test',
    password: STRONG_PASSWORD,
    role: 'admin',
  });
  for (let i = 0; i < 200; i += 1) {
    await core.users.create({ email: `user${i}@bench.test`, firstName: `First${i}`, lastName: `Last${i}` });
  }
  for (let i = 0; i < 100; i += 1)
    await core.invites.create({ email: `invitee${i}@bench.test`, sendEmail: false });
  const login = await core.auth.login({ email: admin.email, password: STRONG_PASSWORD }, { ip: '127.0.0.1' });
  const page = await core.users.list({ limit: 10 });
  return { admin, cookie: `gatehouse_session=${login.token}`, cursor: page.nextCursor ?? '' };
}

export async function runLoad(core: Core, env: Record<string, string>, results: Results, options: Options) {
  const duration = options.smoke ? 0.5 : Number(process.env.BENCH_SECONDS ?? 5);
  // A smoke run waits for a few answers rather than a time: a loaded CI machine may answer nothing
  // in half a second (writes and hashing above all), and the smoke run only proves every step works.
  const budget = (answers: number, seconds: number) =>
    options.smoke ? { amount: answers } : { duration: seconds };
  const rounds = options.smoke ? 1 : 3;
  const connections = 10;
  options.step('seeding 200 users, 100 invites, an admin session');
  const { admin, cookie, cursor } = await seed(core);

  options.step('starting both servers');
  // The baseline runs with Node's defaults; Gatehouse with the heap sizes its start script sets.
  const raw = await startServer('raw-server', {
    DATABASE_URL: env.DATABASE_URL as string,
    PASSWORD_HASH_LOGN: env.PASSWORD_HASH_LOGN as string,
  });
  const gatehouse = await startServer('gatehouse-server', env, productionNodeFlags);
  try {
    const headers = { cookie };
    const reads: { name: string; path: string }[] = [
      { name: '/healthz', path: '/healthz' },
      { name: 'auth.me', path: '/trpc/auth.me' },
      { name: 'users.get', path: `/trpc/users.get?${input({ id: admin.id })}` },
      { name: 'users.list', path: `/trpc/users.list?${input({})}` },
      { name: 'users.list q', path: `/trpc/users.list?${input({ q: 'user1' })}` },
      { name: 'users.list cursor', path: `/trpc/users.list?${input({ cursor })}` },
      { name: 'invites.list', path: `/trpc/invites.list?${input({})}` },
    ];
    for (const read of reads) {
      for (let round = 1; round <= rounds; round += 1) {
        // Interleaved, and alternating who goes first, so drift in the machine hits both.
        const order: ('raw' | 'gatehouse')[] = round % 2 ? ['raw', 'gatehouse'] : ['gatehouse', 'raw'];
        for (const target of order) {
          const server = target === 'raw' ? raw : gatehouse;
          const row = await load(server, { url: read.path, headers, connections, ...budget(20, duration) });
          results.load.push({ case: read.name, target, round, ...row });
          options.step(
            `${read.name} ${target} round ${round}: ${Math.round(row.requestsPerSecond)} req/s, p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, ${row.cpuMsPerRequest.toFixed(3)} ms CPU/req${row.errors ? `, ${row.errors} errors` : ''}`,
          );
        }
      }
    }
    results.peakRssMiB = { raw: raw.peakRssMiB(), gatehouse: gatehouse.peakRssMiB() };

    // Writes, on both servers in interleaved rounds like the reads. Each accept spends one invite:
    // enough fresh links for each run, at well above what this machine can hash.
    const acceptSeconds = options.smoke ? 1 : duration;
    const linksPerRun = Math.ceil(acceptSeconds * 40);
    const tokens: string[] = [];
    for (let i = 0; i < linksPerRun * rounds * 2; i += 1) {
      if (i % 100 === 0) options.step(`writes: preparing invite links ${i}/${linksPerRun * rounds * 2}`);
      const issued = await core.invites.create({ email: `accepter${i}@bench.test`, sendEmail: false });
      tokens.push(issued.token);
    }
    let counter = 0;
    const writes: { name: string; run: (server: ServerProcess) => ReturnType<typeof load> }[] = [
      {
        name: 'invites.create',
        run: (server) =>
          load(server, {
            url: '/trpc/invites.create',
            method: 'POST',
            headers: { ...headers, origin: ORIGIN, 'content-type': 'application/json' },
            connections,
            ...budget(connections, duration),
            requests: [
              {
                setupRequest: (request) => {
                  counter += 1;
                  const body = JSON.stringify({ email: `load${counter}@bench.test`, sendEmail: false });
                  return { ...request, body };
                },
              },
            ],
          }),
      },
      {
        name: 'invites.accept (scrypt, logN 15)',
        run: (server) => {
          const mine = tokens.splice(0, linksPerRun);
          return load(server, {
            url: '/trpc/invites.accept',
            method: 'POST',
            headers: { origin: ORIGIN, 'content-type': 'application/json' },
            connections: 4,
            ...budget(4, acceptSeconds),
            requests: [
              {
                setupRequest: (request) => {
                  const token = mine.pop();
                  if (!token) throw new Error('the bench ran out of invite links: prepare more');
                  return { ...request, body: JSON.stringify({ token, password: STRONG_PASSWORD }) };
                },
              },
            ],
          });
        },
      },
    ];
    for (const write of writes) {
      for (let round = 1; round <= rounds; round += 1) {
        const order: ('raw' | 'gatehouse')[] = round % 2 ? ['raw', 'gatehouse'] : ['gatehouse', 'raw'];
        for (const target of order) {
          const row = await write.run(target === 'raw' ? raw : gatehouse);
          results.writes.push({ case: write.name, target, round, ...row });
          options.step(
            `${write.name} ${target} round ${round}: ${Math.round(row.requestsPerSecond)} req/s, p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms${row.errors ? `, ${row.errors} errors` : ''}`,
          );
        }
      }
    }

    // The scrypt limit drifts with the machine's load (±10 % between minutes here), so each round
    // measures it right before its flood, and the ratio is the median of the rounds' ratios.
    const floods: NonNullable<Results['login']>['rounds'] = [];
    for (let round = 1; round <= rounds; round += 1) {
      options.step(`login flood (logN 15) round ${round}: the scrypt limit of this machine, then the flood`);
      const limit = await measureScryptLimit(15, Number(env.MAX_CONCURRENT_HASHES), duration);
      gatehouse.child.send({ type: 'eld-reset' });
      const login = await load(gatehouse, {
        url: '/trpc/auth.login',
        method: 'POST',
        headers: { origin: ORIGIN, 'content-type': 'application/json' },
        body: JSON.stringify({ email: admin.email, password: STRONG_PASSWORD }),
        connections: 8,
        ...budget(8, duration * 2),
      });
      const eld = await gatehouse.ask<{ p99Ms: number }>('eld-read', 'eld');
      const flood = {
        requestsPerSecond: login.requestsPerSecond,
        scryptLimitPerSecond: limit,
        ratio: limit > 0 ? login.requestsPerSecond / limit : 0,
        p50Ms: login.p50Ms,
        p99Ms: login.p99Ms,
        eventLoopDelayP99Ms: eld.p99Ms,
        errors: login.errors,
      };
      floods.push(flood);
      options.step(
        `login round ${round}: ${flood.requestsPerSecond.toFixed(1)} logins/s, limit ${limit.toFixed(1)}/s, ratio ${flood.ratio.toFixed(2)}, event-loop delay p99 ${eld.p99Ms.toFixed(1)} ms`,
      );
    }
    const middle = (pick: (flood: (typeof floods)[number]) => number) => median(floods.map(pick));
    results.login = {
      requestsPerSecond: middle((flood) => flood.requestsPerSecond),
      scryptLimitPerSecond: middle((flood) => flood.scryptLimitPerSecond),
      ratio: middle((flood) => flood.ratio),
      p50Ms: middle((flood) => flood.p50Ms),
      p99Ms: middle((flood) => flood.p99Ms),
      eventLoopDelayP99Ms: middle((flood) => flood.eventLoopDelayP99Ms),
      peakRssMiB: gatehouse.peakRssMiB(),
      rounds: floods,
    };
  } finally {
    await raw.stop();
    await gatehouse.stop();
  }
}

/** Seeds 1,000,000 users and 100,000 invites in the database (server-side generate_series). */
export async function seedScale(databaseUrl: string, users: number, invites: number): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const started = performance.now();
    await client.query('alter table "user" disable trigger user_count_on_insert_delete');
    await client.query(
      `insert into "user" (id, email, first_name, last_name, role, created_at, updated_at)
       select 'usr_00' || lpad(to_hex(n), 24, '0'),
              'person' || n || case when n % 100 = 0 then '@rare.example' else '@shop.example' end,
              'First' || n, 'Last' || n,
              case when n % 10 = 0 then 'admin' when n % 3 = 0 then 'developer' else 'member' end,
              now() - make_interval(secs => ($1::int - n)::float8), now()
         from generate_series(1, $1::int) as n`,
      [users],
    );
    await client.query('alter table "user" enable trigger user_count_on_insert_delete');
    await client.query(
      `update "user_count" c set active = (select count(*) from "user" u where u.role = c.role and u.deleted_at is null)`,
    );
    await client.query('alter table "invite" disable trigger invite_count_on_insert_delete');
    await client.query(
      `insert into "invite" (id, user_email, role, accepted, accepted_at, token, expires_at, revoked_at, created_at, updated_at)
       select 'inv_00' || lpad(to_hex(n), 24, '0'), 'invitee' || n || '@shop.example', 'member',
              n % 5 = 0, case when n % 5 = 0 then now() end, md5(n::text) || md5((n * 7)::text),
              now() + make_interval(hours => (n % 14) * 24 - 96), case when n % 7 = 0 and n % 5 <> 0 then now() end,
              now() - make_interval(secs => ($1::int - n)::float8), now()
         from generate_series(1, $1::int) as n`,
      [invites],
    );
    await client.query('alter table "invite" enable trigger invite_count_on_insert_delete');
    await client.query(
      `update "invite_count" c set n = case c.kind
         when 'all' then (select count(*) from "invite")
         when 'accepted' then (select count(*) from "invite" where accepted)
         else (select count(*) from "invite" where not accepted and revoked_at is not null) end`,
    );
    // As autovacuum would soon after such a load: statistics, and a visibility map for index-only counts.
    await client.query('vacuum analyze "user"');
    await client.query('vacuum analyze "invite"');
    return (users + invites) / ((performance.now() - started) / 1000);
  } finally {
    await client.end();
  }
}

export async function runScale(core: Core, env: Record<string, string>, results: Results, options: Options) {
  const users = options.smoke ? 20_000 : 1_000_000;
  const invites = options.smoke ? 2_000 : 100_000;
  const samples = options.smoke ? 5 : 50;
  options.step(`scale: seeding ${users} users and ${invites} invites`);
  const rowsPerSecond = await seedScale(env.DATABASE_URL as string, users, invites);
  options.step(`seeded at ${Math.round(rowsPerSecond)} rows/s`);
  const login = await core.auth.login(
    { email: 'admin@bench.test', password: STRONG_PASSWORD },
    { ip: '127.0.0.1' },
  );
  const gatehouse = await startServer('gatehouse-server', env, productionNodeFlags);
  const deep = `c1:usr_00${(users / 2).toString(16).padStart(24, '0')}`;
  const deepCursor = Buffer.from(deep).toString('base64url');
  const cases: { name: string; procedure: string; value: unknown }[] = [
    { name: 'users.list first page', procedure: 'users.list', value: {} },
    { name: 'users.list deep cursor', procedure: 'users.list', value: { cursor: deepCursor } },
    { name: 'users.list role=admin', procedure: 'users.list', value: { role: 'admin' } },
    { name: 'users.list q 1 %', procedure: 'users.list', value: { q: 'rare.example' } },
    { name: 'users.list q no match', procedure: 'users.list', value: { q: 'zzqqxx' } },
    { name: 'invites.list first page', procedure: 'invites.list', value: {} },
    { name: 'invites.list status=pending', procedure: 'invites.list', value: { status: 'pending' } },
    { name: 'invites.list q', procedure: 'invites.list', value: { q: 'invitee12' } },
  ];
  try {
    const scaleCases: NonNullable<Results['scale']>['cases'] = [];
    for (const item of cases) {
      const timings: number[] = [];
      let total: number | null = null;
      for (let i = 0; i < samples + 3; i += 1) {
        const started = performance.now();
        const response = await fetch(`${gatehouse.url}/trpc/${item.procedure}?${input(item.value)}`, {
          headers: { cookie: `gatehouse_session=${login.token}` },
        });
        const body = (await response.json()) as { result?: { data?: { total?: number } } };
        if (i >= 3) timings.push(performance.now() - started); // the first ones warm caches
        total = body.result?.data?.total ?? null;
        if (!response.ok) throw new Error(`${item.name}: HTTP ${response.status}`);
      }
      timings.sort((a, b) => a - b);
      const at = (q: number) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))] ?? 0;
      scaleCases.push({ case: item.name, p50Ms: at(0.5), p99Ms: at(0.99), total });
      options.step(
        `${item.name}: p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms (total ${total})`,
      );
    }
    results.scale = { seeded: { users, invites, rowsPerSecond }, cases: scaleCases };
  } finally {
    await gatehouse.stop();
  }
}
