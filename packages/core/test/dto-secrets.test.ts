import { describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { sha256Hex, sql } from './helpers.js';

const h = useTestCore();
const NEW_PASSWORD = 'a completely different passphrase';

describe('nothing the services return contains a secret (runtime)', () => {
  it('no DTO’s JSON contains a plaintext token, a token hash, a password or a password hash', async () => {
    const outputs: unknown[] = [];
    const keep = <T>(value: T): T => {
      outputs.push(value);
      return value;
    };
    const tokens: string[] = [];

    const admin = keep(
      await h.core.users.create({ email: 'admin@example.com', password: STRONG_PASSWORD, role: 'admin' }),
    );
    const login = await h.core.auth.login({ email: admin.email, password: STRONG_PASSWORD });
    tokens.push(login.token);
    keep(login.user);
    const api = await h.core.apiTokens.generate(admin.id, { actorId: admin.id });
    tokens.push(api.token);
    const issued = await h.core.invites.create({ email: 'new@example.com' }, { actorId: admin.id });
    tokens.push(issued.token);
    keep(issued.invite);
    const resent = await h.core.invites.resend({ id: issued.invite.id }, { actorId: admin.id });
    tokens.push(resent.token);
    keep(resent.invite);
    keep(await h.core.invites.preview(resent.token));
    const accepted = keep(await h.core.invites.accept({ token: resent.token, password: NEW_PASSWORD }));
    await h.core.passwords.requestReset({ email: admin.email });
    await h.core.idle();
    tokens.push(h.mailer.lastTokenFor(admin.email));
    keep(await h.core.auth.authenticateSession(login.token));
    keep(await h.core.auth.authenticateApiToken(api.token));
    keep(await h.core.users.get(admin.id));
    keep(await h.core.users.get(accepted.user.id));
    keep(await h.core.users.update({ id: admin.id, firstName: 'Ad' }));
    keep(await h.core.users.list());
    keep(await h.core.invites.list());
    keep(await h.core.invites.get(issued.invite.id));
    keep(await h.core.audit.list({ limit: 100 }));

    const passwordHashes = (
      await sql<{ password_hash: string | null }>(h.core, 'select password_hash from "user"')
    ).flatMap((row) => (row.password_hash ? [row.password_hash] : []));
    expect(passwordHashes).toHaveLength(2);

    const json = JSON.stringify(outputs);
    const forbidden = [...tokens, ...tokens.map(sha256Hex), ...passwordHashes, STRONG_PASSWORD, NEW_PASSWORD];
    for (const secret of forbidden) expect(json).not.toContain(secret);
    // Nor any 64-hex-digit string (the shape of every stored token hash).
    expect(json).not.toMatch(/[0-9a-f]{64}/);
    // Nor fields named after secrets.
    expect(json).not.toMatch(/"(passwordHash|apiTokenHash|tokenHash|token)"\s*:/);
  });

  it('errors do not carry secrets either', async () => {
    const user = await h.core.users.create({ email: 'err@example.com', password: STRONG_PASSWORD });
    const error = (await h.core.passwords
      .change(user.id, { currentPassword: 'wrong current pw', newPassword: NEW_PASSWORD })
      .catch((caught: unknown) => caught)) as Error;
    const weak = (await h.core.users
      .create({ email: 'weak@example.com', password: 'password123' })
      .catch((caught: unknown) => caught)) as Error;
    expect(error).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(weak).toMatchObject({ code: 'WEAK_PASSWORD' });
    for (const caught of [error, weak]) {
      const text = `${caught.message} ${JSON.stringify(caught)}`;
      expect(text).not.toContain('wrong current pw');
      expect(text).not.toContain('password123');
      expect(text).not.toContain(NEW_PASSWORD);
    }
  });
});
