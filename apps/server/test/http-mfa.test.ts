import { SoftAuthenticator } from '@gatehouse/core/testing';
import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  browserLike,
  clientFor,
  STRONG_PASSWORD,
  useHttpServer,
  useServerCore,
} from './http-harness.js';

const h = useServerCore();
const http = useHttpServer(h);

/** A member with a passkey (their first factor) and its recovery codes. */
async function memberWithPasskey() {
  const user = await h.core.users.create({ email: 'two-step@example.com', password: STRONG_PASSWORD });
  const authenticator = new SoftAuthenticator({ origin: APP_ORIGIN });
  const options = await h.core.mfa.passkeyRegistrationOptions(user.id);
  const { recoveryCodes } = await h.core.mfa.registerPasskey(user.id, {
    name: 'Laptop',
    passkey: authenticator.register(options),
  });
  return { user, authenticator, recoveryCodes };
}

describe('second factor over HTTP', () => {
  it('login sets no cookie and answers a challenge; verifyMfa sets the cookie; no secret in the logs', async () => {
    const { recoveryCodes } = await memberWithPasskey();
    const browser = browserLike({ origin: APP_ORIGIN });
    const client = clientFor(http.url, browser);
    const login = await client.auth.login.mutate({
      email: 'two-step@example.com',
      password: STRONG_PASSWORD,
    });
    if (!login.mfaRequired) throw new Error('expected a challenge');
    expect(login.methods).toEqual(['recovery', 'passkey']);
    expect(browser.state.cookie).toBeUndefined();
    await expect(client.auth.me.query()).rejects.toBeInstanceOf(TRPCClientError);

    const wrong = await client.auth.verifyMfa
      .mutate({ challenge: login.challenge, code: 'aaaa-aaaa-aaaa' })
      .catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(TRPCClientError);
    expect((wrong as TRPCClientError<never>).data).toMatchObject({
      httpStatus: 400,
      domainCode: 'INVALID_MFA_CODE',
    });

    const done = await client.auth.verifyMfa.mutate({
      challenge: login.challenge,
      code: recoveryCodes[0] as string,
    });
    expect(done).toMatchObject({
      mfaRequired: false,
      user: { email: 'two-step@example.com', mfaEnabled: true },
    });
    expect(browser.state.cookie).toMatch(/^gatehouse_session=ghs_/);
    await expect(client.auth.me.query()).resolves.toMatchObject({ email: 'two-step@example.com' });

    const logs = http.logs.join('\n');
    expect(logs).not.toContain(login.challenge);
    for (const code of recoveryCodes) expect(logs).not.toContain(code);
  });

  it('passwordless sign-in with a passkey sets the cookie; RP is PUBLIC_URL whatever the Host header says', async () => {
    const { authenticator } = await memberWithPasskey();
    const browser = browserLike({ origin: APP_ORIGIN });
    const client = clientFor(http.url, browser);
    const options = await client.auth.passkeyOptions.mutate({});
    // The request reached 127.0.0.1, but the relying party is PUBLIC_URL's host.
    expect(options.rpId).toBe('gatehouse.test');
    const session = await client.auth.loginWithPasskey.mutate({
      passkey: authenticator.authenticate(options),
    });
    expect(session).toMatchObject({ mfaRequired: false, user: { email: 'two-step@example.com' } });
    expect(browser.state.cookie).toMatch(/^gatehouse_session=ghs_/);

    // An assertion made for another origin (a phishing page) is refused.
    const phished = new SoftAuthenticator({ origin: 'https://gatehouse.test.evil.example' });
    phished.credentials.push(...authenticator.credentials);
    const refused = await clientFor(http.url, browserLike({ origin: APP_ORIGIN }))
      .auth.loginWithPasskey.mutate({
        passkey: phished.authenticate(await client.auth.passkeyOptions.mutate({})),
      })
      .catch((error: unknown) => error);
    expect((refused as TRPCClientError<never>).data).toMatchObject({ httpStatus: 401 });
  });
});
