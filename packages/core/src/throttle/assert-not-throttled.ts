import { DomainError } from '../errors.js';
import type { LoginThrottle } from './login-throttle.js';

/** Counts one attempt on `key`; past the limit, RATE_LIMITED with the seconds to wait. */
export async function assertNotThrottled(throttle: LoginThrottle, key: string, what: string): Promise<void> {
  const retryAfterSeconds = await throttle.attempt(key);
  if (retryAfterSeconds > 0) {
    throw new DomainError('RATE_LIMITED', `Too many ${what}; try again in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    });
  }
}
