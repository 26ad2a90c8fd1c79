import { createRequire } from 'node:module';
import type { Redis as RedisClient } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';

/**
 * A fixed-window counter per key: at most `points` in `windowSeconds`. Counting happens before the
 * work it guards, atomically, so parallel requests cannot all slip in under the limit.
 */
export interface RateLimiter {
  /** Counts `points` on `key`. Returns 0 when within the limit, else the seconds until the window ends. */
  consume(key: string, points?: number): Promise<number>;
  /** Gives `points` back to `key` (the work they paid for did not happen). */
  refund(key: string, points?: number): Promise<void>;
  /** Forgets `key`'s count. */
  reset(key: string): Promise<void>;
  /** Seconds until `key` may go on (0 = now), without counting anything. */
  retryAfterSeconds(key: string): Promise<number>;
}

/** Where limiters keep their counts: this process, or Redis shared by every instance. */
export interface RateLimitStore {
  limiter(name: string, points: number, windowSeconds: number): RateLimiter;
  /** Forgets every count kept in this process (tests start each case from zero). */
  clearMemory(): void;
  close(): Promise<void>;
}

// ioredis (~20 MiB of a server's memory) is loaded only where REDIS_URL asks for it.
const requireOptional = createRequire(import.meta.url);

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

function limiterOn(current: () => RateLimiterAbstract, points: number): RateLimiter {
  return {
    async consume(key, cost = 1) {
      // penalty() never rejects for being over the limit; it returns the count after adding.
      const state = await current().penalty(key, cost);
      return state.consumedPoints > points ? seconds(state.msBeforeNext) : 0;
    },
    async refund(key, cost = 1) {
      await current().reward(key, cost);
    },
    async reset(key) {
      await current().delete(key);
    },
    async retryAfterSeconds(key) {
      const state = await current().get(key);
      // The in-memory store drops a key by timer, so `get` may still return one whose window has
      // ended (msBeforeNext <= 0): that key is free again.
      if (!state || state.consumedPoints < points || state.msBeforeNext <= 0) return 0;
      return seconds(state.msBeforeNext);
    },
  };
}

/**
 * In-process counts, or with `redisUrl` counts shared by every instance. Should Redis become
 * unreachable, each instance keeps counting in memory (it fails open to per-instance limits, never
 * to none) at once: once connected, commands are not queued while Redis is away and each waits at
 * most a second, so an outage of Redis never slows requests down. `onWarning` hears when Redis goes and comes back.
 */
export function createRateLimitStore(
  redisUrl?: string,
  onWarning?: (message: string, error?: unknown) => void,
): RateLimitStore {
  const redis: RedisClient | null = redisUrl
    ? new (requireOptional('ioredis') as typeof import('ioredis')).Redis(redisUrl, {
        lazyConnect: false,
        // Until the first connection, commands wait for it (instances share counts from their first
        // request); after that, a command while Redis is away fails at once (see 'ready' below).
        enableOfflineQueue: true,
        maxRetriesPerRequest: 1,
        commandTimeout: 1_000,
        connectTimeout: 2_000,
      })
    : null;
  // ioredis reports every failed reconnect as an 'error' event (unhandled, it prints a stack each
  // time): say once that Redis is away, and once that it is back.
  let away = false;
  redis?.on('error', (error: unknown) => {
    if (away) return;
    away = true;
    onWarning?.('Redis is unreachable: rate limits count per instance until it is back', error);
  });
  redis?.on('ready', () => {
    redis.options.enableOfflineQueue = false;
    if (!away) return;
    away = false;
    onWarning?.('Redis is reachable again: rate limits are shared again');
  });
  // In-memory limiters are remade by clearMemory(); each limiter reads its current one.
  const remakers: (() => void)[] = [];
  return {
    limiter(name, points, windowSeconds) {
      const options = { points, duration: windowSeconds, keyPrefix: `gatehouse:${name}` };
      if (redis) {
        const shared = new RateLimiterRedis({
          ...options,
          storeClient: redis,
          insuranceLimiter: new RateLimiterMemory(options),
        });
        return limiterOn(() => shared, points);
      }
      let local = new RateLimiterMemory(options);
      remakers.push(() => {
        local = new RateLimiterMemory(options);
      });
      return limiterOn(() => local, points);
    },
    clearMemory() {
      for (const remake of remakers) remake();
    },
    async close() {
      redis?.disconnect();
    },
  };
}
