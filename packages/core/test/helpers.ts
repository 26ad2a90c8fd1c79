import { createHash } from 'node:crypto';
import type { Core } from '../src/core.js';
import { createPasswordHasher, type PasswordHasher } from '../src/crypto/password-hasher.js';
import { DomainError } from '../src/errors.js';
import { newId } from '../src/ids.js';
import { STRONG_PASSWORD, sql, type TestCoreHarness } from '../src/testing/index.js';

export { sql, warmPool } from '../src/testing/index.js';

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

export const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

/**
 * A real hasher (logN 10) that, once armed, holds its next `method` call until the test releases it:
 * this freezes a sign-in between "password verified" and "session issued". `alwaysRehash` makes
 * every stored hash look outdated, so sign-ins take the rehashing path.
 */
export function gatedHasher(method: 'hash' | 'verify', options: { alwaysRehash?: boolean } = {}) {
  const inner = createPasswordHasher({ logN: 10 });
  let gate: { reached: () => void; release: Promise<void> } | null = null;
  const pass = async () => {
    const current = gate;
    gate = null;
    if (current) {
      current.reached();
      await current.release;
    }
  };
  const hasher: PasswordHasher = {
    logN: inner.logN,
    costOf: (hash) => inner.costOf(hash),
    needsRehash: (hash) => options.alwaysRehash === true || inner.needsRehash(hash),
    async hash(password, cost) {
      if (method === 'hash') await pass();
      return inner.hash(password, cost);
    },
    async verify(hash, password) {
      const result = await inner.verify(hash, password);
      if (method === 'verify') await pass();
      return result;
    },
  };
  const arm = () => {
    let release!: () => void;
    let reached!: () => void;
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    gate = { reached, release: new Promise<void>((resolve) => (release = resolve)) };
    return { reached: reachedPromise, release };
  };
  return { hasher, arm };
}

/** Every row of every domain table, as JSON text: for "this secret is stored nowhere" checks. */
export async function dumpAllTables(core: Core): Promise<string> {
  const parts: string[] = [];
  for (const table of [
    'user',
    'invite',
    'session',
    'password_reset',
    'audit_event',
    'totp_factor',
    'passkey',
    'recovery_code',
    'mfa_challenge',
    'webauthn_challenge',
  ]) {
    const rows = await sql<{ row: unknown }>(core, `select row_to_json(t) as row from "${table}" t`);
    parts.push(JSON.stringify(rows));
  }
  return parts.join('\n');
}

export async function auditRows(core: Core, action?: string) {
  return sql<{
    id: string;
    action: string;
    actor_id: string | null;
    target_type: string | null;
    target_id: string | null;
    ip: string | null;
    metadata: Record<string, unknown> | null;
  }>(
    core,
    action
      ? 'select * from audit_event where action = ? order by id'
      : 'select * from audit_event order by id',
    action ? [action] : [],
  );
}

export async function countRows(core: Core, table: string, where = 'true', params: unknown[] = []) {
  const [row] = await sql<{ n: string }>(
    core,
    `select count(*)::int as n from "${table}" where ${where}`,
    params,
  );
  return Number(row?.n);
}

/** Creates an admin with a password; the usual actor of admin operations in tests. */
export async function makeAdmin(h: TestCoreHarness, email = 'admin@example.com') {
  return h.core.users.create({ email, password: STRONG_PASSWORD, role: 'admin' });
}

/** Classifies settled promises: how many fulfilled, and the domain codes (or other errors) of the rest. */
export function outcomes<T>(results: PromiseSettledResult<T>[]) {
  const fulfilled = results.filter((r): r is PromiseFulfilledResult<T> => r.status === 'fulfilled');
  const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  const codes = rejected.map((r) => (r.reason instanceof DomainError ? r.reason.code : 'UNEXPECTED'));
  const unexpected = rejected.filter((r) => !(r.reason instanceof DomainError)).map((r) => r.reason);
  return { fulfilled: fulfilled.map((r) => r.value), codes, unexpected };
}

/** A real scrypt hasher (logN 10) that counts its calls. */
export function countingHasher(logN = 10): PasswordHasher & { calls: { hash: number; verify: number } } {
  const inner = createPasswordHasher({ logN });
  const calls = { hash: 0, verify: 0 };
  return {
    calls,
    logN: inner.logN,
    async hash(password, cost) {
      calls.hash += 1;
      return inner.hash(password, cost);
    },
    async verify(hash, password) {
      calls.verify += 1;
      return inner.verify(hash, password);
    },
    costOf: (hash) => inner.costOf(hash),
    needsRehash: (hash) => inner.needsRehash(hash),
  };
}

/** logN of a stored scrypt-kdf hash, read from its header ("scrypt", version, logN, r, p, …). */
export function hashParams(base64Hash: string): { logN: number; r: number; p: number } {
  const raw = Buffer.from(base64Hash, 'base64');
  if (raw.subarray(0, 6).toString('latin1') !== 'scrypt') throw new Error('not a scrypt-kdf hash');
  return { logN: raw.readUInt8(7), r: raw.readUInt32BE(8), p: raw.readUInt32BE(12) };
}

/**
 * Inserts an active user row straight into the table, the way a concurrent transaction (or an
 * operator) would, bypassing UserService (which would also close that email's open invites).
 */
export async function insertUserRow(core: Core, email: string): Promise<void> {
  await sql(
    core,
    `insert into "user" (id, email, role, created_at, updated_at) values (?, ?, 'member', now(), now())`,
    [newId('user'), email],
  );
}
