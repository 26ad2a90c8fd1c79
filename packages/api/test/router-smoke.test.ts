import { describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, useApiHarness } from './harness.js';

const h = useApiHarness();

describe('router via createCaller', () => {
  it('runs health, and an admin invites a user who accepts', async () => {
    expect(await h.anonymous().health()).toEqual({ status: 'ok', db: 'up' });
    const { caller } = await h.signedIn('admin');
    const issued = await caller.invites.create({
      email: 'Dev@Example.com',
      role: 'developer',
      sendEmail: false,
    });
    expect(issued.emailSent).toBe(false);
    const accepted = await h.anonymous().invites.accept({ token: issued.token, password: STRONG_PASSWORD });
    expect(accepted.user.email).toBe('dev@example.com');
    await expect(h.anonymous().users.list({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
