import { createRateLimitStore, type RateLimiter } from './rate-limiter.js';

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
  /** The attempt was never judged (the server was too busy to check it): it does not count. */
  notJudged(key: string): Promise<void>;
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

/** A login throttle on a limiter of `maxFailures` points per window. */
export function loginThrottleOn(
  limiter: RateLimiter,
  close: () => Promise<void> = async () => {},
): LoginThrottle {
  return {
    attempt: (key) => limiter.consume(key),
    succeeded: (key) => limiter.reset(key),
    notJudged: (key) => limiter.refund(key),
    retryAfterSeconds: (key) => limiter.retryAfterSeconds(key),
    close,
  };
}

/** A login throttle with its own store (createCore shares one store among all its limiters). */
export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const store = createRateLimitStore(options.redisUrl);
  return loginThrottleOn(store.limiter('login', options.maxFailures, options.windowMinutes * 60), () =>
    store.close(),
  );
}
