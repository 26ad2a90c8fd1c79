import type { InviteDto } from '@gatehouse/core';
import { describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, sql, useCli } from './harness.js';

const h = useCli();

const ACCEPT_URL = /^http:\/\/gatehouse\.test\/accept-invite\?token=(ghi_[A-Za-z0-9_-]{43})$/m;
const HOUR = 3_600_000;

describe('gatehouse invites create', () => {
  it('creates the invite, mails it, and prints the accept URL alone on its own line', async () => {
    const result = await h.cli(['invites', 'create', '--email', 'New@Example.com', '--role', 'developer']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^Created invite inv_\w+ for new@example\.com with role developer\.$/);
    expect(lines[1]).toBe('Email sent to new@example.com.');
    const url = result.stdout.match(ACCEPT_URL);
    expect(url).not.toBeNull();
    expect(lines).toContain(url?.[0]);

    expect(h.mailer.sent).toHaveLength(1);
    expect(h.mailer.sent[0]?.to).toBe('new@example.com');
    expect(h.mailer.sent[0]?.text).toContain(url?.[0]);
    const preview = await h.core.invites.preview(url?.[1] ?? '');
    expect(preview).toMatchObject({ email: 'new@example.com', role: 'developer', status: 'pending' });

    const events = await sql(h.core, `select actor_id, ip from audit_event where action = 'invite.created'`);
    expect(events).toEqual([{ actor_id: null, ip: null }]);
    const [invite] = await sql<{ invited_by: string | null }>(h.core, 'select invited_by from invite');
    expect(invite?.invited_by).toBeNull();
  });

  it('--no-email sends nothing and still prints the link', async () => {
    const result = await h.cli(['invites', 'create', '--email', 'quiet@example.com', '--no-email']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No email was sent (--no-email).');
    expect(result.stdout).toMatch(ACCEPT_URL);
    expect(h.mailer.sent).toEqual([]);
  });

  it('reuses the open invite for the same email: new link, the old one dies', async () => {
    const first = await h.cli(['invites', 'create', '--email', 'again@example.com', '--no-email']);
    const oldToken = first.stdout.match(ACCEPT_URL)?.[1] ?? '';
    const second = await h.cli([
      'invites',
      'create',
      '--email',
      'again@example.com',
      '--role',
      'admin',
      '--no-email',
    ]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(
      /^Reused the open invite inv_\w+ for again@example\.com: role admin, new link/,
    );
    const newToken = second.stdout.match(ACCEPT_URL)?.[1] ?? '';
    expect(newToken).not.toBe(oldToken);
    await expect(h.core.invites.preview(oldToken)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    await expect(h.core.invites.preview(newToken)).resolves.toMatchObject({ role: 'admin' });
  });

  it('--json gives invite, acceptUrl and emailSent, never a token hash', async () => {
    const result = await h.cli(['invites', 'create', '--email', 'json@example.com', '--json']);
    const body = JSON.parse(result.stdout) as { invite: InviteDto; acceptUrl: string; emailSent: boolean };
    expect(body.emailSent).toBe(true);
    expect(body.acceptUrl).toMatch(ACCEPT_URL);
    expect(Object.keys(body.invite).sort()).toEqual(
      [
        'acceptedAt',
        'accepted',
        'createdAt',
        'email',
        'expiresAt',
        'id',
        'invitedBy',
        'role',
        'status',
        'updatedAt',
      ].sort(),
    );
    const [stored] = await sql<{ token: string }>(h.core, 'select token from invite');
    expect(result.stdout).not.toContain(stored?.token);
  });

  it('tells when the mail could not be sent, and still gives the link', async () => {
    h.mailer.failNext();
    const result = await h.cli(['invites', 'create', '--email', 'down@example.com']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'warning: the email to down@example.com could not be sent; share the link yourself.',
    );
    expect(result.stdout).toMatch(ACCEPT_URL);
  });

  it('refuses the email of an existing user: EMAIL_TAKEN, exit code 1', async () => {
    await h.core.users.create({ email: 'member@example.com', password: STRONG_PASSWORD });
    const result = await h.cli(['invites', 'create', '--email', 'member@example.com']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: A user with this email already exists (EMAIL_TAKEN)\n');
    expect(h.mailer.sent).toEqual([]);
  });
});

describe('gatehouse invites list', () => {
  it('says so when there is none', async () => {
    const result = await h.cli(['invites', 'list']);
    expect(result).toEqual({ code: 0, stdout: 'No invites match.\n', stderr: '' });
  });

  it('lists invites with their status, filtered by --status and --q', async () => {
    const pending = await h.core.invites.create({ email: 'pending@example.com', sendEmail: false });
    const revoked = await h.core.invites.create({ email: 'revoked@example.com', sendEmail: false });
    await h.core.invites.revoke(revoked.invite.id);

    const all = await h.cli(['invites', 'list']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^ID +EMAIL +ROLE +STATUS +EXPIRES \(UTC\) +INVITED BY +CREATED \(UTC\)\n/);
    expect(all.stdout).toMatch(new RegExp(`${revoked.invite.id} +revoked@example\\.com +member +revoked `));
    expect(all.stdout).toMatch(
      new RegExp(`${pending.invite.id} +pending@example\\.com +member +pending +2026-01-08 00:00`),
    );
    expect(all.stdout).toContain('Showing 2 of 2 invites.');
    expect(all.stdout).not.toContain('ghi_');

    const onlyPending = await h.cli(['invites', 'list', '--status', 'pending', '--json']);
    const page = JSON.parse(onlyPending.stdout) as { items: InviteDto[]; total: number };
    expect(page.items.map((invite) => invite.email)).toEqual(['pending@example.com']);
    expect(page.total).toBe(1);

    const byQ = await h.cli(['invites', 'list', '--q', 'REVOKED']);
    expect(byQ.stdout).toContain('revoked@example.com');
    expect(byQ.stdout).not.toContain('pending@example.com');

    h.clock.advance(8 * 24 * HOUR);
    const expired = await h.cli(['invites', 'list', '--status', 'expired']);
    expect(expired.stdout).toMatch(/pending@example\.com +member +expired/);
  });
});

describe('gatehouse invites resend', () => {
  it('issues a new link (the old one dies), also for an expired invite', async () => {
    const issued = await h.core.invites.create({ email: 'late@example.com', sendEmail: false });
    h.clock.advance(8 * 24 * HOUR);
    const result = await h.cli(['invites', 'resend', issued.invite.id]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Renewed invite inv_\w+ for late@example\.com: new link and expiry/);
    expect(result.stdout).toContain('Email sent to late@example.com.');
    const token = result.stdout.match(ACCEPT_URL)?.[1] ?? '';
    expect(h.mailer.lastTokenFor('late@example.com')).toBe(token);
    await expect(h.core.invites.preview(issued.token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    await expect(h.core.invites.preview(token)).resolves.toMatchObject({ status: 'pending' });
  });

  it('--no-email sends nothing', async () => {
    const issued = await h.core.invites.create({ email: 'quiet@example.com', sendEmail: false });
    const result = await h.cli(['invites', 'resend', issued.invite.id, '--no-email']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No email was sent (--no-email).');
    expect(result.stdout).toMatch(ACCEPT_URL);
    expect(h.mailer.sent).toEqual([]);
  });

  it('refuses a revoked invite and an unknown id', async () => {
    const issued = await h.core.invites.create({ email: 'gone@example.com', sendEmail: false });
    await h.core.invites.revoke(issued.invite.id);
    const revoked = await h.cli(['invites', 'resend', issued.invite.id]);
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toBe('error: This invite has been revoked; create a new one (INVITE_REVOKED)\n');
    const unknown = await h.cli(['invites', 'resend', 'inv_01jd8v6x1xfz4m5n6p7q8r9s0t']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: Invite not found (NOT_FOUND)\n');
  });
});

describe('gatehouse invites revoke', () => {
  it('revokes (the link dies); revoking again is harmless', async () => {
    const issued = await h.core.invites.create({ email: 'stop@example.com', sendEmail: false });
    const result = await h.cli(['invites', 'revoke', issued.invite.id]);
    expect(result).toEqual({
      code: 0,
      stdout: `Revoked invite ${issued.invite.id} for stop@example.com; its link no longer works.\n`,
      stderr: '',
    });
    await expect(h.core.invites.preview(issued.token)).resolves.toMatchObject({ status: 'revoked' });
    const again = await h.cli(['invites', 'revoke', issued.invite.id]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('was already revoked; nothing changed');
    const events = await sql(h.core, `select actor_id, ip from audit_event where action = 'invite.revoked'`);
    expect(events).toEqual([{ actor_id: null, ip: null }]);
  });

  it('refuses an accepted invite', async () => {
    const issued = await h.core.invites.create({ email: 'joined@example.com', sendEmail: false });
    await h.core.invites.accept({ token: issued.token, password: STRONG_PASSWORD });
    const result = await h.cli(['invites', 'revoke', issued.invite.id]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: This invite has already been accepted (INVITE_ACCEPTED)\n');
  });
});
