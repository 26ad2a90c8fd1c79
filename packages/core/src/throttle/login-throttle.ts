import { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';

/**
 * Counts failed logins per key (IP + normalised email) in a fixed window. Once `maxFailures` are
 * counted, every attempt on that key is refused until the window ends, right password or not.
 * Keys never lock an account: another IP, or another email from the same IP, is unaffected.
 */
export interface LoginThrottle {
  /** Seconds until the key may try again, or 0 when it may try now. */
  retryAfterSeconds(key: string): Promise<number>;
  recordFailure(key: string): Promise<void>;
  reset(key: string): Promise<void>;
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
  return {
    async retryAfterSeconds(key) {
      const state = await limiter.get(key);
      // The in-memory store drops a key by timer, so `get` may still return one whose window has
      // ended (msBeforeNext <= 0): that key is free again.
      if (!state || state.consumedPoints < maxFailures || state.msBeforeNext <= 0) return 0;
      return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
    },
    async recordFailure(key) {
      await limiter.penalty(key, 1);
    },
    async reset(key) {
      await limiter.delete(key);
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
