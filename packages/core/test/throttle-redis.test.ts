import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createLoginThrottle, type LoginThrottle } from '../src/throttle/login-throttle.js';

// Runs where a Redis is given (CI's second pass sets REDIS_URL to the machine's service); the
// in-process store is covered by the login tests everywhere.
const redisUrl = process.env.REDIS_URL;

describe.runIf(redisUrl)('login throttling shared through Redis', () => {
  const opened: LoginThrottle[] = [];
  afterEach(async () => {
    for (const throttle of opened.splice(0)) await throttle.close();
  });
  const instance = () => {
    const throttle = createLoginThrottle({ maxFailures: 3, windowMinutes: 15, redisUrl });
    opened.push(throttle);
    return throttle;
  };

  it('counts attempts from every instance against one key, and a success clears it everywhere', async () => {
    const [a, b] = [instance(), instance()];
    const key = `198.51.100.7|${randomBytes(6).toString('hex')}@example.com`;
    expect(await a.attempt(key)).toBe(0);
    expect(await b.attempt(key)).toBe(0);
    expect(await a.attempt(key)).toBe(0);
    const wait = await b.attempt(key);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    expect(await a.retryAfterSeconds(key)).toBe(wait);
    expect(await b.attempt(`other|${key}`)).toBe(0);
    await b.succeeded(key);
    expect(await a.attempt(key)).toBe(0);
  });
});
