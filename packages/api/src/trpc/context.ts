import type { Core, Principal } from '@gatehouse/core';
import type { FirstAdminSetup } from '../setup/first-admin-setup.js';

/** Sets and clears the browser session cookie. Over HTTP it writes Set-Cookie; in tests it records. */
export interface SessionCookie {
  set(token: string, expiresAt: Date): void;
  clear(): void;
}

/**
 * Everything a procedure may use, resolved once per HTTP request: who is calling (session cookie or
 * bearer API token), from where, and whether a cookie-authenticated mutation came from an allowed
 * origin. Build one directly with `createInnerContext` to call procedures in-process.
 */
export interface Context {
  core: Core;
  principal: Principal | null;
  ip: string | null;
  userAgent: string | null;
  sessionCookie: SessionCookie;
  /**
   * False when the request carries a session cookie but comes from a foreign origin (or is not
   * JSON). Cookie-authenticated mutations are refused then; bearer-token requests are exempt.
   */
  sameOrigin: boolean;
  /** Present while the installation waits for its first admin (see FirstAdminSetup). */
  firstAdminSetup: FirstAdminSetup | null;
}

export interface InnerContextOptions {
  core: Core;
  principal?: Principal | null;
  ip?: string | null;
  userAgent?: string | null;
  sessionCookie?: SessionCookie;
  sameOrigin?: boolean;
  firstAdminSetup?: FirstAdminSetup | null;
}

const discardCookie: SessionCookie = { set() {}, clear() {} };

/** A context without HTTP, for `createCaller` in tests and in-process use. */
export function createInnerContext(options: InnerContextOptions): Context {
  return {
    core: options.core,
    principal: options.principal ?? null,
    ip: options.ip ?? null,
    userAgent: options.userAgent ?? null,
    sessionCookie: options.sessionCookie ?? discardCookie,
    sameOrigin: options.sameOrigin ?? true,
    firstAdminSetup: options.firstAdminSetup ?? null,
  };
}
