import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The one-time link that creates the first admin of an empty installation started without
 * ADMIN_EMAIL. The secret lives only in this process (its hash, to be exact) and in the link
 * printed at start; it is consumed by the first successful use, and a restart prints a new one.
 */
export class FirstAdminSetup {
  #hash: Buffer | null;

  private constructor(hash: Buffer) {
    this.#hash = hash;
  }

  static create(): { setup: FirstAdminSetup; token: string } {
    const token = `ghsetup_${randomBytes(32).toString('base64url')}`;
    return { setup: new FirstAdminSetup(digest(token)), token };
  }

  get active(): boolean {
    return this.#hash !== null;
  }

  matches(token: string): boolean {
    return this.#hash !== null && timingSafeEqual(this.#hash, digest(token));
  }

  consume(): void {
    this.#hash = null;
  }
}

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();
