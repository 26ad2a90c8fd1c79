import { describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';

const h = useTestCore();

describe('smoke', () => {
  it('creates and lists a user, invites and accepts', async () => {
    const admin = await h.core.users.create({
      email: ' Admin@Example.COM ',
      password: STRONG_PASSWORD,
      role: 'admin',
    });
    expect(admin.email).toBe('admin@example.com');
    const list = await h.core.users.list();
    expect(list.total).toBe(1);
    const issued = await h.core.invites.create(
      { email: 'new@example.com', role: 'developer' },
      { actorId: admin.id },
    );
    expect(issued.emailSent).toBe(true);
    const accepted = await h.core.invites.accept({ token: issued.token, password: STRONG_PASSWORD });
    expect(accepted.user.role).toBe('developer');
    const login = await h.core.auth.login(
      { email: 'NEW@example.com', password: STRONG_PASSWORD },
      { ip: '1.2.3.4' },
    );
    expect(login.user.id).toBe(accepted.user.id);
    const principal = await h.core.auth.authenticateSession(login.token);
    expect(principal?.user.id).toBe(accepted.user.id);
    const audit = await h.core.audit.list();
    expect(audit.items.map((e) => e.action)).toContain('invite.accepted');
  });
});
