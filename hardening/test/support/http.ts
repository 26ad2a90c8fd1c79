import { recordBody, recordSecret } from './record.js';

/** Origin of PUBLIC_URL in every server these tests start: cookie mutations must come from it. */
export const APP_ORIGIN = 'http://gatehouse.test';

export interface Reply {
  status: number;
  /** The parsed body (null when it was not JSON). */
  json: {
    result?: { data?: unknown };
    error?: { message?: string; data?: { code?: string; httpStatus?: number; domainCode?: string } };
  } | null;
  text: string;
  headers: Headers;
  ms: number;
}

export interface Caller {
  cookie?: string | undefined;
  bearer?: string | undefined;
}

/**
 * One tRPC call over plain HTTP (no batching): queries as GET, mutations as POST, from the allowed
 * Origin. Every body is recorded for the secrets scan; session cookies it receives are recorded
 * as secrets and kept on `as` (a one-cookie jar).
 */
export async function call(
  base: string,
  procedure: string,
  input: unknown,
  options: {
    kind?: 'query' | 'mutation';
    as?: Caller;
    timeoutMs?: number;
    /** Sent as X-Forwarded-For (the servers trust 127.0.0.1 as a proxy where a test needs distinct clients). */
    ip?: string;
  } = {},
): Promise<Reply> {
  const kind = options.kind ?? 'mutation';
  const headers: Record<string, string> = { origin: APP_ORIGIN };
  if (options.ip) headers['x-forwarded-for'] = options.ip;
  if (options.as?.cookie) headers.cookie = options.as.cookie;
  if (options.as?.bearer) headers.authorization = `Bearer ${options.as.bearer}`;
  const url =
    kind === 'query'
      ? `${base}/trpc/${procedure}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`
      : `${base}/trpc/${procedure}`;
  if (kind === 'mutation') headers['content-type'] = 'application/json';
  const started = performance.now();
  const response = await fetch(url, {
    method: kind === 'query' ? 'GET' : 'POST',
    headers,
    ...(kind === 'mutation' ? { body: JSON.stringify(input ?? null) } : {}),
    signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  recordBody(procedure, text);
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';')[0] ?? '';
    if (pair.startsWith('gatehouse_session=') && options.as) {
      const value = pair.slice('gatehouse_session='.length);
      options.as.cookie = value ? pair : undefined;
      if (value) recordSecret('session', decodeURIComponent(value));
    }
  }
  let json: Reply['json'] = null;
  try {
    json = JSON.parse(text) as Reply['json'];
  } catch {
    // not JSON
  }
  return { status: response.status, json, text, headers: response.headers, ms };
}

export const domainCode = (reply: Reply) => reply.json?.error?.data?.domainCode;
export const data = <T>(reply: Reply): T => {
  if (reply.status !== 200) throw new Error(`expected 200, got ${reply.status}: ${reply.text.slice(0, 500)}`);
  return reply.json?.result?.data as T;
};

export async function readyz(base: string): Promise<number> {
  const response = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(30_000) }).catch(() => null);
  await response?.text();
  return response?.status ?? 0;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds or `ms` pass; resolves with whether it held. */
export async function waitFor(check: () => Promise<boolean>, ms: number, every = 100): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(every);
  }
  return check();
}

/** Signs in by password; the returned caller carries the session cookie. */
export async function signIn(base: string, email: string, password: string, ip?: string): Promise<Caller> {
  const caller: Caller = {};
  recordSecret('password', password);
  data(await call(base, 'auth.login', { email, password }, { as: caller, ...(ip ? { ip } : {}) }));
  return caller;
}
