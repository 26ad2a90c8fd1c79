import { describe, expect, it } from 'vitest';
import { defaultMaxQueued } from '../src/crypto/password-hasher.js';

describe('default scrypt queue', () => {
  it('holds about eight hash durations per worker: 32 at logN 17 with 4 workers, never a minute of work', () => {
    expect(defaultMaxQueued(17, 4)).toBe(32);
    expect(defaultMaxQueued(16, 4)).toBe(64);
    expect(defaultMaxQueued(18, 4)).toBe(16);
    // Cheap hashes (tests, logN 10) may queue up to 256; a queue never holds fewer than the workers.
    expect(defaultMaxQueued(10, 4)).toBe(256);
    expect(defaultMaxQueued(20, 1)).toBe(1);
  });
});
