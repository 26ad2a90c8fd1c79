import type { Core } from '../src/core.js';
import { totpCodeAt } from '../src/crypto/totp.js';
import type { SignInResult } from '../src/services/auth.service.js';
import { SoftAuthenticator, STRONG_PASSWORD, type TestCoreHarness } from '../src/testing/index.js';

export const TOTP_STEP_MS = 30_000;

/** The code an authenticator app shows for `secret` at the harness clock (+ `offsetSteps`). */
export const codeAt = (h: TestCoreHarness, secret: string, offsetSteps = 0) =>
  totpCodeAt(secret, new Date(h.clock.now().getTime() + offsetSteps * TOTP_STEP_MS));

/** A confirmed TOTP for the user; returns the secret and the first recovery codes. */
export async function enrolTotp(h: TestCoreHarness, userId: string) {
  const { secret, otpauthUrl } = await h.core.mfa.startTotp(userId);
  const { recoveryCodes } = await h.core.mfa.confirmTotp(userId, codeAt(h, secret));
  // The confirming code's step is spent: move to the next step for the next code.
  h.clock.advance(TOTP_STEP_MS);
  return { secret, otpauthUrl, recoveryCodes };
}

/** The soft authenticator of the test configuration's PUBLIC_URL (http://gatehouse.test). */
export const softAuthenticator = (options: { userVerified?: boolean; origin?: string } = {}) =>
  new SoftAuthenticator({ origin: options.origin ?? 'http://gatehouse.test', ...options });

/** Registers a passkey of the user on `authenticator`. */
export async function enrolPasskey(
  core: Core,
  userId: string,
  authenticator: SoftAuthenticator,
  name = 'Laptop',
) {
  const options = await core.mfa.passkeyRegistrationOptions(userId);
  return core.mfa.registerPasskey(userId, { name, passkey: authenticator.register(options) });
}

/** The password step for a user with MFA; fails the test if it yields a session. */
export async function challengeFor(core: Core, email: string, ip = '10.1.0.1') {
  const result: SignInResult = await core.auth.signIn({ email, password: STRONG_PASSWORD }, { ip });
  if (!result.mfaRequired) throw new Error('expected a second-factor challenge, got a session');
  return result;
}
