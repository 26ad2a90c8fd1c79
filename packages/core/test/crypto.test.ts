import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createPasswordHasher, DEFAULT_PASSWORD_HASH_LOGN } from '../src/crypto/password-hasher.js';
import {
  displayPrefix,
  hashToken,
  hasTokenShape,
  randomTokenGenerator,
  TOKEN_PREFIXES,
} from '../src/crypto/tokens.js';
import { hashParams, sha256Hex } from './helpers.js';

const STRONG = 'correct horse battery staple';

describe('password hasher (scrypt-kdf wrapper)', () => {
  const hasher = createPasswordHasher({ logN: 10 });

  it('round-trips: the right password verifies, a wrong one does not', async () => {
    const hash = await hasher.hash(STRONG);
    expect(hash).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(hashParams(hash)).toEqual({ logN: 10, r: 8, p: 1 });
    expect(await hasher.verify(hash, STRONG)).toBe(true);
    expect(await hasher.verify(hash, `${STRONG} `)).toBe(false);
    expect(await hasher.verify(hash, '')).toBe(false);
  });

  it('salts: the same password hashes differently each time, both verify', async () => {
    const [a, b] = await Promise.all([hasher.hash(STRONG), hasher.hash(STRONG)]);
    expect(a).not.toBe(b);
    expect(await hasher.verify(a as string, STRONG)).toBe(true);
    expect(await hasher.verify(b as string, STRONG)).toBe(true);
  });

  it('never matches a malformed stored hash, and never throws for one', async () => {
    for (const bad of ['', 'not-a-hash', 'c2NyeXB0', Buffer.from('scrypt\0\x0agarbage').toString('base64')]) {
      await expect(hasher.verify(bad, STRONG)).resolves.toBe(false);
      expect(hasher.needsRehash(bad)).toBe(true);
    }
  });

  it('verifies hashes of any cost (cost-independent verify)', async () => {
    const cheaper = await createPasswordHasher({ logN: 11 }).hash(STRONG);
    expect(await hasher.verify(cheaper, STRONG)).toBe(true);
  });

  it('with maxConcurrent 1, concurrent hashes and verifies all complete', async () => {
    const serial = createPasswordHasher({ logN: 10, maxConcurrent: 1 });
    const passwords = Array.from({ length: 8 }, (_, i) => `passphrase number ${i}`);
    const hashes = await Promise.all(passwords.map((password) => serial.hash(password)));
    expect(new Set(hashes).size).toBe(8);
    const checks = await Promise.all(
      hashes.flatMap((hash, i) => [serial.verify(hash, passwords[i] as string), serial.verify(hash, 'nope')]),
    );
    expect(checks).toEqual(Array.from({ length: 8 }, () => [true, false]).flat());
  });
});

describe('default scrypt cost', () => {
  it('is logN 17 in config and in the hasher; lower-cost hashes need a re-hash', async () => {
    expect(DEFAULT_PASSWORD_HASH_LOGN).toBe(17);
    expect(loadConfig({}).passwordHashLogN).toBe(17);
    expect(loadConfig({ NODE_ENV: 'production' }).passwordHashLogN).toBe(17);

    const defaultHasher = createPasswordHasher();
    const hash17 = await defaultHasher.hash(STRONG);
    expect(hashParams(hash17)).toEqual({ logN: 17, r: 8, p: 1 });
    expect(defaultHasher.needsRehash(hash17)).toBe(false);

    const hash16 = await createPasswordHasher({ logN: 16 }).hash(STRONG);
    expect(hashParams(hash16).logN).toBe(16);
    expect(defaultHasher.needsRehash(hash16)).toBe(true);
    // A hasher configured lower than the stored cost never asks to downgrade.
    expect(createPasswordHasher({ logN: 10 }).needsRehash(hash16)).toBe(false);
  }, 60_000);
});

describe('bearer tokens', () => {
  it('have a prefix per kind and 32 random bytes (256 bits) in base64url', () => {
    expect(TOKEN_PREFIXES).toEqual({
      session: 'ghs_',
      apiToken: 'gha_',
      invite: 'ghi_',
      passwordReset: 'ghr_',
      mfaChallenge: 'ghc_',
    });
    for (const [kind, prefix] of Object.entries(TOKEN_PREFIXES)) {
      const token = randomTokenGenerator.generate(kind as keyof typeof TOKEN_PREFIXES);
      expect(token.startsWith(prefix)).toBe(true);
      const body = token.slice(prefix.length);
      expect(body).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(body, 'base64url')).toHaveLength(32);
      expect(hasTokenShape(token, kind as keyof typeof TOKEN_PREFIXES)).toBe(true);
    }
  });

  it('never repeat', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => randomTokenGenerator.generate('session')));
    expect(tokens.size).toBe(1000);
  });

  it('are stored as SHA-256 hex', () => {
    const token = randomTokenGenerator.generate('apiToken');
    expect(hashToken(token)).toBe(sha256Hex(token));
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(`${token}x`)).not.toBe(hashToken(token));
  });

  it('shape check rejects other kinds, wrong lengths and foreign characters', () => {
    const session = randomTokenGenerator.generate('session');
    expect(hasTokenShape(session, 'apiToken')).toBe(false);
    expect(hasTokenShape(`${session}A`, 'session')).toBe(false);
    expect(hasTokenShape(session.slice(0, -1), 'session')).toBe(false);
    expect(hasTokenShape(`ghs_${'+'.repeat(43)}`, 'session')).toBe(false);
  });

  it('display prefix is too short to use', () => {
    const token = randomTokenGenerator.generate('apiToken');
    const prefix = displayPrefix(token);
    expect(token.startsWith(prefix)).toBe(true);
    expect(prefix.length).toBeLessThanOrEqual(12);
    // At most 8 of the 43 random characters are shown.
    expect(prefix.length - 'gha_'.length).toBeLessThanOrEqual(8);
  });
});

describe('scrypt queue bound', () => {
  it('answers BUSY at once when the queue is full, and works again once it drains', async () => {
    const hasher = createPasswordHasher({ logN: 10, maxConcurrent: 1, maxQueued: 2 });
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => hasher.hash('a long enough passphrase')),
    );
    const busy = results.filter((r) => r.status === 'rejected' && r.reason.code === 'BUSY');
    const done = results.filter((r) => r.status === 'fulfilled');
    expect(busy.length).toBeGreaterThan(0);
    expect(done.length).toBeGreaterThan(0);
    expect(busy.length + done.length).toBe(6);
    const hash = await hasher.hash('a long enough passphrase');
    expect(await hasher.verify(hash, 'a long enough passphrase')).toBe(true);
  });
});
