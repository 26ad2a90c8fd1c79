import { appRouter } from '@gatehouse/api/server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { APP_ORIGIN, type Caller, call, data, readyz, signIn } from './support/http.js';
import { recordBody, recordFigure, recordSecret } from './support/record.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type ServerProcess, useServerProcesses } from './support/servers.js';

// Generated hostile input (fast-check) to every procedure of the router, through the real HTTP
// server: wrong types, huge and deep values, prototype-pollution keys, lone surrogates, invalid UTF-8
// bytes, bad cursors, garbage cookies and bearer headers, oversized batches, duplicate query
// parameters, wrong methods and content types. Every answer must be a 4xx or a success, never a 5xx,
// and /readyz stays green throughout.

const RUNS = Number(process.env.HARDENING_HOSTILE_RUNS ?? 1500);

type Kind = 'query' | 'mutation';
interface Procedure {
  path: string;
  kind: Kind;
  fields: string[];
  /** Inputs of the right shape, derived from the procedure's zod schema (through JSON Schema). */
  valid: fc.Arbitrary<unknown> | null;
}

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
};

/** Strings that pass the schema's bounds, including ones no form would send (any Unicode). */
const boundedString = (schema: JsonSchema) => {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 64, 64));
  return fc.oneof(fc.string({ minLength, maxLength }), fc.string({ unit: 'binary', minLength, maxLength }));
};

/** Values a field of this name takes in real use, so a valid-shaped input gets past the first check. */
const byName: Record<string, fc.Arbitrary<unknown>> = {
  email: fc.oneof(
    fc.emailAddress(),
    fc.constantFrom(ADMIN_EMAIL, 'ÄDMIN@Example.com', 'new.user+tag@example.com'),
  ),
  password: fc.oneof(
    fc.constant('a sturdy passphrase for hardening'),
    fc.string({ minLength: 8, maxLength: 40 }),
  ),
  newPassword: fc.oneof(
    fc.constant('another sturdy passphrase 7'),
    fc.string({ minLength: 8, maxLength: 40 }),
  ),
  token: fc.oneof(
    fc
      .constantFrom('ghi_', 'ghr_', 'ghsetup_')
      .chain((prefix) =>
        fc
          .string({ unit: fc.constantFrom(...'ABCxyz019-_'), minLength: 43, maxLength: 43 })
          .map((rest) => prefix + rest),
      ),
    fc.string({ minLength: 1, maxLength: 80 }),
  ),
};

function arbitraryOf(schema: JsonSchema, name?: string): fc.Arbitrary<unknown> {
  if (name && byName[name]) return byName[name];
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => arbitraryOf(s, name)));
  switch (schema.type) {
    case 'string':
      return boundedString(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 1_000 });
    case 'number':
      return fc.double({ noNaN: true, min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6 });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'object': {
      const properties = Object.entries(schema.properties ?? {});
      if (properties.length === 0)
        return fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 });
      return fc.record(Object.fromEntries(properties.map(([key, value]) => [key, arbitraryOf(value, key)])), {
        requiredKeys: schema.required ?? [],
      });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function validInputsOf(schema: unknown): fc.Arbitrary<unknown> | null {
  if (!schema) return null;
  try {
    return arbitraryOf(
      z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }) as JsonSchema,
    );
  } catch {
    return null;
  }
}

/** The field names of a procedure's zod input (through defaults/optionals), to aim values at them. */
function fieldsOf(schema: unknown): string[] {
  let current = schema as
    | {
        shape?: Record<string, unknown>;
        _zod?: { def?: { innerType?: unknown; shape?: Record<string, unknown> } };
      }
    | undefined;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const shape = current.shape ?? current._zod?.def?.shape;
    if (shape) return Object.keys(shape);
    current = current._zod?.def?.innerType as typeof current;
  }
  return [];
}

const procedures: Procedure[] = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: Kind; inputs: unknown[] } }>,
).map(([path, procedure]) => ({
  path,
  kind: procedure._def.type,
  fields: fieldsOf(procedure._def.inputs[0]),
  valid: validInputsOf(procedure._def.inputs[0]),
}));

/** Raw JSON text pieces that JSON.stringify would never produce. */
const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '\ud800',
    'a\udfffb',
    '\udc00\ud800',
    '\u0000',
    '\u001b[2J\u001b]0;pwned\u0007',
    "' OR 1=1 --",
    '"; drop table "user"; --',
    '%00',
    '../../../etc/passwd',
    '__proto__',
    'constructor',
    '<script>alert(1)</script>',
    'admin',
    'usr_00000000000000000000000000',
    'inv_01h455vb4pex5vsknk084sn02q',
    `ghi_${'A'.repeat(43)}`,
    `ghr_${'-'.repeat(43)}`,
    `ghs_${'_'.repeat(43)}`,
    'x@example.com',
    `${'a'.repeat(300)}@example.com`,
    'ADMIN@EXAMPLE.COM ',
    Buffer.from('{"id":"\' or 1=1","createdAt":"x"}').toString('base64url'),
    Buffer.from('not a cursor').toString('base64'),
  ),
  fc.integer({ min: 1, max: 6 }).map((n) => 'x'.repeat(10 ** n)),
);

const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.constantFrom(null, true, false, 0, -1, -0, 1.5, 1e308, -1e308, 2 ** 53 + 1, 101, 1_000_000),
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'prototype')),
      tie('value'),
      {
        maxKeys: 4,
      },
    ),
  ),
})).value;

/**
 * An input of the right shape (derived from the zod schema, so it reaches the services), one aimed at
 * the procedure's fields (any subset, any values), or anything at all.
 */
const inputFor = (procedure: Procedure): fc.Arbitrary<unknown> =>
  fc.oneof(
    procedure.valid ?? fc.constant(undefined),
    procedure.fields.length > 0
      ? fc.record(Object.fromEntries(procedure.fields.map((field) => [field, hostileValue])), {
          requiredKeys: [],
        })
      : fc.constant(undefined),
    hostileValue,
  );

/** JSON text of an input, sometimes spiked with what JSON.stringify cannot make. */
const rawJson = (input: unknown) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constant(JSON.stringify(input ?? null)) },
    fc.constantFrom(
      '{"__proto__":{"role":"admin","isAdmin":true},"constructor":{"prototype":{"polluted":true}}}',
      `{"email":"x@example.com","metadata":${nestedObjects(3_000)}}`,
      `{"id":${nestedArrays(5_000)}}`,
      String.raw`{"email":"\ud800@example.com","password":"\udfff\ud800xxxxxxxx"}`,
      '{"a":1,"a":2}',
      '{',
      'null',
      '[]',
      '"\\u0000"',
      `{"token":"${'z'.repeat(900_000)}"}`,
    ),
  );

/** Bytes that are not UTF-8 at all (overlong, lone continuation, 0xff) inside a JSON string. */
const invalidUtf8Body = fc
  .constantFrom([0xff, 0xfe], [0xc0, 0xaf], [0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80])
  .map((bytes) =>
    Buffer.concat([
      Buffer.from('{"email":"a'),
      Buffer.from(bytes),
      Buffer.from('@example.com","password":"x"}'),
    ]),
  );

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 80,
});

type Auth =
  | { kind: 'none' }
  | { kind: 'admin' }
  | { kind: 'bearer' }
  | { kind: 'cookie'; value: string }
  | { kind: 'header'; value: string };
const authArb: fc.Arbitrary<Auth> = fc.oneof(
  fc.constant<Auth>({ kind: 'none' }),
  fc.constant<Auth>({ kind: 'admin' }),
  fc.constant<Auth>({ kind: 'bearer' }),
  fc
    .oneof(printable, fc.constant(`ghs_${'A'.repeat(43)}`), fc.constant('x'.repeat(8_000)))
    .map<Auth>((value) => ({ kind: 'cookie', value })),
  fc
    .oneof(
      printable.map((v) => `Bearer ${v}`),
      fc.constant(`Bearer gha_${'A'.repeat(43)}`),
      fc.constant('Bearer'),
      fc.constant('Basic YWRtaW46YWRtaW4='),
      fc.constant(`Bearer ${'gha_'.repeat(2_000)}`),
    )
    .map<Auth>((value) => ({ kind: 'header', value })),
);

type Request = {
  transport: 'get' | 'post' | 'batch' | 'duplicate' | 'utf8' | 'wrong-method' | 'content-type';
  procedure: Procedure;
  body: string | Buffer;
  batch: Procedure[];
  contentType: string;
  auth: Auth;
};

const procedureArb = fc.constantFrom(...procedures);
const requestArb: fc.Arbitrary<Request> = fc
  .record({
    transport: fc.constantFrom(
      'get',
      'post',
      'post',
      'batch',
      'duplicate',
      'utf8',
      'wrong-method',
      'content-type',
    ),
    procedure: procedureArb,
    batch: fc.array(procedureArb, { minLength: 1, maxLength: 14 }),
    contentType: fc.constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
      '',
    ),
    auth: authArb,
  })
  .chain((r) =>
    (r.transport === 'utf8' ? invalidUtf8Body : inputFor(r.procedure).chain(rawJson)).map(
      (body) => ({ ...r, body }) as Request,
    ),
  );

const startServer = useServerProcesses();
let server: ServerProcess;
let admin: Caller;
let apiToken: string;

beforeAll(async () => {
  server = await startServer({ LOG_LEVEL: 'warn' });
  admin = await signIn(server.url, ADMIN_EMAIL, ADMIN_PASSWORD);
  apiToken = data<{ token: string }>(await call(server.url, 'apiToken.generate', {}, { as: admin })).token;
  recordSecret('apiToken', apiToken);
});
afterAll(async () => {
  await server?.stop(5_000);
});

/** Sign-outs would end the admin's session the other runs use: those get neither its cookie nor its API token. */
const ENDS_SESSION = new Set(['auth.logout', 'auth.logoutAll']);

async function send(request: Request) {
  const headers: Record<string, string> = { origin: APP_ORIGIN };
  const { auth, procedure } = request;
  const ends =
    ENDS_SESSION.has(procedure.path) ||
    (request.transport === 'batch' && request.batch.some((p) => ENDS_SESSION.has(p.path)));
  if (auth.kind === 'admin' && !ends && admin.cookie) headers.cookie = admin.cookie;
  if (auth.kind === 'bearer' && !ends) headers.authorization = `Bearer ${apiToken}`;
  if (auth.kind === 'cookie') headers.cookie = `gatehouse_session=${auth.value}`;
  if (auth.kind === 'header') headers.authorization = auth.value;
  const base = `${server.url}/trpc`;
  const text = typeof request.body === 'string' ? request.body : '';
  let url: string;
  let init: RequestInit;
  switch (request.transport) {
    case 'get':
    case 'post':
      // As a client sends it: queries by GET, mutations by POST.
      if (procedure.kind === 'query') {
        url = `${base}/${procedure.path}?input=${encodeURIComponent(text)}`;
        init = { method: 'GET' };
      } else {
        url = `${base}/${procedure.path}`;
        init = { method: 'POST', body: text };
        headers['content-type'] = 'application/json';
      }
      break;
    case 'duplicate':
      url = `${base}/${procedure.path}?input=${encodeURIComponent(text)}&input=${encodeURIComponent('{"id":1}')}&batch=1&batch=0`;
      init = {
        method: procedure.kind === 'query' ? 'GET' : 'POST',
        body: procedure.kind === 'query' ? null : text,
      };
      break;
    case 'batch': {
      const names = request.batch.map((p) => p.path).join(',');
      const kind = request.batch[0]?.kind ?? 'query';
      const inputs = Object.fromEntries(request.batch.map((_, i) => [String(i), i === 0 ? text : '{}']));
      const json = `{${Object.entries(inputs)
        .map(([k, v]) => `"${k}":${v || 'null'}`)
        .join(',')}}`;
      url =
        kind === 'query'
          ? `${base}/${names}?batch=1&input=${encodeURIComponent(json)}`
          : `${base}/${names}?batch=1`;
      init = kind === 'query' ? { method: 'GET' } : { method: 'POST', body: json };
      headers['content-type'] = 'application/json';
      break;
    }
    case 'utf8':
      url = `${base}/${procedure.path}`;
      init = { method: 'POST', body: new Uint8Array(request.body as Buffer) };
      headers['content-type'] = 'application/json';
      break;
    case 'wrong-method':
      url = `${base}/${procedure.path}${procedure.kind === 'mutation' ? `?input=${encodeURIComponent(text)}` : ''}`;
      init = procedure.kind === 'mutation' ? { method: 'GET' } : { method: 'POST', body: text };
      headers['content-type'] = 'application/json';
      break;
    case 'content-type':
      url = `${base}/${procedure.path}`;
      init = { method: 'POST', body: text };
      if (request.contentType) headers['content-type'] = request.contentType;
      break;
    default:
      url = `${base}/${procedure.path}`;
      init = { method: 'POST', body: text };
      headers['content-type'] = 'application/json';
  }
  if (init.method === 'POST' && !('content-type' in headers) && request.transport !== 'content-type')
    headers['content-type'] = 'application/json';
  const bodyBytes = init.body ? Buffer.byteLength(init.body as string | Uint8Array) : 0;
  // Node refuses request heads over 16 KiB (431) and Fastify bodies over 1 MiB (413); either may
  // close the connection before the client has finished writing, which the client sees as a reset.
  const oversized = url.length > 16_000 || bodyBytes > 1_048_576;
  try {
    const response = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(30_000) });
    const body = await response.text();
    recordBody(
      request.transport === 'batch' ? request.batch.map((p) => p.path).join(',') : procedure.path,
      body,
    );
    return { status: response.status, body, url: url.slice(0, 200), oversized };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { status: 0, body: `${String(error)} (${cause?.code ?? ''})`, url: url.slice(0, 200), oversized };
  }
}

/** A short description of a request (the generated values can be megabytes). */
const describeRequest = (request: Request) =>
  `${request.transport} ${request.procedure.path} auth=${request.auth.kind} body[${request.body.length}]=${String(request.body).slice(0, 120)}`;

describe('generated hostile input through the real HTTP server', () => {
  // 1,500 requests one after another through a real server: 89 s on the embedded database and over
  // 120 s (the suite's default timeout) with Redis on a slower, loaded CI machine.
  it(`never answers 5xx, to ${RUNS} generated requests over every procedure`, async () => {
    expect(procedures.length).toBeGreaterThan(20);
    const statuses: Record<number, number> = {};
    const seenProcedures = new Set<string>();
    let runs = 0;
    const failures: string[] = [];
    const recent: string[] = [];
    const result = await fc.check(
      fc.asyncProperty(requestArb, async (request) => {
        runs += 1;
        seenProcedures.add(request.procedure.path);
        const answer = await send(request);
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        const fail = (why: string) => {
          failures.push(
            `${why}: ${describeRequest(request)} -> ${answer.status} ${answer.body.slice(0, 300)}`,
          );
          return false;
        };
        if (answer.status === 0) return answer.oversized || fail('connection failed');
        if (answer.status >= 500) return fail('5xx');
        // Every answer is JSON (tRPC's result or error shape, or the host's error for what it refused).
        try {
          JSON.parse(answer.body);
        } catch {
          return fail('not JSON');
        }
        recent.push(describeRequest(request));
        if (recent.length > 25) recent.shift();
        if (runs % 100 === 0 && (await readyz(server.url)) !== 200) return fail('/readyz not green');
        if (runs % 25 === 0) {
          const me = await call(server.url, 'auth.me', undefined, { kind: 'query', as: admin });
          if (me.status !== 200) return fail(`the admin's session ended during: ${recent.join(' | ')}`);
        }
        return true;
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    recordFigure('generated hostile inputs', runs);
    // The counterexample can be megabytes: report it short.
    expect(failures.slice(0, 3), `seed ${result.seed}`).toEqual([]);
    expect(result.failed).toBe(false);
    expect(await readyz(server.url)).toBe(200);
    // The admin's session and the server itself are still fine.
    data(await call(server.url, 'auth.me', undefined, { kind: 'query', as: admin }));
    // No prototype was polluted: a plain answer has exactly its fields, and a `__proto__` key in
    // the input gives the new user no role it was not given.
    expect(data(await call(server.url, 'health', undefined, { kind: 'query' }))).toEqual({
      status: 'ok',
      db: 'up',
    });
    const polluted = await fetch(`${server.url}/trpc/users.create`, {
      method: 'POST',
      headers: { origin: APP_ORIGIN, cookie: admin.cookie ?? '', 'content-type': 'application/json' },
      body: '{"email":"proto@example.com","__proto__":{"role":"admin"},"constructor":{"prototype":{"role":"admin"}}}',
    }).then((r) => r.json() as Promise<{ result?: { data?: { role?: string; isAdmin?: unknown } } }>);
    expect(polluted.result?.data?.role).toBe('member');
    expect(polluted.result?.data?.isAdmin).toBeUndefined();
    console.log(
      `[hostile] ${runs} generated requests over ${seenProcedures.size}/${procedures.length} procedures: ` +
        `statuses ${JSON.stringify(statuses)}; /readyz green, no 5xx`,
    );
  }, 360_000);
});
