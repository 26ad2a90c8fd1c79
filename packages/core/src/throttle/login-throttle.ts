import { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';

/**
 * Counts login attempts per key (IP + normalised email) in a fixed window; a success clears the
 * count, so what stays counted are failures. Past `maxFailures`, every attempt on that key is
 * refused until the window ends, right password or not.
 * Keys never lock an account: another IP, or another email from the same IP, is unaffected.
 */
export interface LoginThrottle {
  /**
   * Counts one attempt on `key` atomically, before any password is checked, so parallel guesses
   * cannot all slip in under the limit. Returns 0 when the attempt may proceed, else the seconds
   * until the window ends.
   */
  attempt(key: string): Promise<number>;
  /** The attempt succeeded: forget the key's count. */
  succeeded(key: string): Promise<void>;
  /** Seconds until `key` may try again (0 = now), without counting anything. */
  retryAfterSeconds(key: string): Promise<number>;
  close(): Promise<void>;
}

export interface LoginThrottleOptions {
  maxFailures: number;
  windowMinutes: number;
  /** Shared store for several instances; in-process memory when absent. */
  redisUrl?: string | undefined;
}

function throttleOn(
  limiter: RateLimiterAbstract,
  maxFailures: number,
  close: () => Promise<void>,
): LoginThrottle {
  const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
  return {
    async attempt(key) {
      // penalty() never rejects for being over the limit; it returns the count after adding one.
      const state = await limiter.penalty(key, 1);
      return state.consumedPoints > maxFailures ? seconds(state.msBeforeNext) : 0;
    },
    async succeeded(key) {
      await limiter.delete(key);
    },
    async retryAfterSeconds(key) {
      const state = await limiter.get(key);
      // The in-memory store drops a key by timer, so `get` may still return one whose window has
      // ended (msBeforeNext <= 0): that key is free again.
      if (!state || state.consumedPoints < maxFailures || state.msBeforeNext <= 0) return 0;
      return seconds(state.msBeforeNext);
    },
    close,
  };
}

export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const base = {
    points: options.maxFailures,
    duration: options.windowMinutes * 60,
    keyPrefix: 'gatehouse:login',
  };
  if (!options.redisUrl) return throttleOn(new RateLimiterMemory(base), options.maxFailures, async () => {});
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false });
  const limiter = new RateLimiterRedis({
    ...base,
    storeClient: redis,
    // If Redis is unreachable, keep throttling this instance in memory rather than failing logins.
    insuranceLimiter: new RateLimiterMemory(base),
  });
  return throttleOn(limiter, options.maxFailures, async () => {
    redis.disconnect();
  });
}
