import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Core } from '../src/core.js';
import { createMailer, createSmtpMailer, createStdoutMailer } from '../src/mail/mailer.js';
import { createTestCore, STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { countRows } from './helpers.js';

const h = useTestCore();

interface Received {
  from: string | undefined;
  to: string[];
  raw: string;
}

/** A real SMTP server on a free local port that keeps what it receives. */
async function startSmtp() {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((address) => address.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The decoded text body of a single-part message (quoted-printable, base64 or plain). */
function bodyText(raw: string): string {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(head)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    return body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
  return body;
}

describe('invite mail through the recording mailer', () => {
  it('sendEmail false sends nothing and returns emailSent false', async () => {
    const issued = await h.core.invites.create({ email: 'silent@example.com', sendEmail: false });
    expect(issued.emailSent).toBe(false);
    expect(h.mailer.sent).toHaveLength(0);
    expect(issued.acceptUrl).toContain(issued.token);
  });

  it('a failing mail server does not undo the invite: it is created and emailSent is false', async () => {
    h.mailer.failNext();
    const issued = await h.core.invites.create({ email: 'unlucky@example.com' });
    expect(issued.emailSent).toBe(false);
    expect(h.mailer.sent).toHaveLength(0);
    expect(await countRows(h.core, 'invite')).toBe(1);
    expect((await h.core.invites.preview(issued.token)).status).toBe('pending');
    // A resend can deliver it later.
    const resent = await h.core.invites.resend({ id: issued.invite.id });
    expect(resent.emailSent).toBe(true);
    expect(h.mailer.lastTokenFor('unlucky@example.com')).toBe(resent.token);
  });

  it('the mail names the role and contains the accept link', async () => {
    const issued = await h.core.invites.create({ email: 'text@example.com', role: 'admin' });
    const [mail] = h.mailer.sent;
    expect(mail?.to).toBe('text@example.com');
    expect(mail?.subject).toMatch(/invited/i);
    expect(mail?.text).toContain('an admin');
    expect(mail?.text).toContain(`http://gatehouse.test/accept-invite?token=${issued.token}`);
  });
});

describe('stdout mailer', () => {
  it('writes recipient, subject and the link as plain text', async () => {
    const written: string[] = [];
    const mailer = createStdoutMailer((text) => written.push(text));
    await mailer.send({
      to: 'dev@example.com',
      subject: 'Hello',
      text: 'Open http://gatehouse.test/accept-invite?token=ghi_abc',
    });
    const output = written.join('');
    expect(output).toContain('To: dev@example.com');
    expect(output).toContain('Subject: Hello');
    expect(output).toContain('http://gatehouse.test/accept-invite?token=ghi_abc');
  });

  it('is what createMailer gives without SMTP_URL (it writes to stdout)', async () => {
    const mailer = createMailer({ smtpUrl: undefined, mailFrom: 'x@example.com' });
    const original = process.stdout.write.bind(process.stdout);
    const written: string[] = [];
    process.stdout.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      await mailer.send({ to: 'stdout@example.com', subject: 's', text: 'link-here' });
    } finally {
      process.stdout.write = original;
    }
    expect(written.join('')).toContain('To: stdout@example.com');
    expect(written.join('')).toContain('link-here');
  });
});

describe('SMTP mailer against a real SMTP server', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(async () => {
    await smtp?.close();
  });

  it('delivers recipient, sender and body', async () => {
    const mailer = createSmtpMailer(smtp.url, 'Gatehouse <no-reply@gatehouse.test>');
    try {
      await mailer.send({
        to: 'smtp-rcpt@example.com',
        subject: 'Direct',
        text: 'Choose a password: http://gatehouse.test/reset-password?token=ghr_direct',
      });
    } finally {
      await mailer.close?.();
    }
    const message = smtp.received.at(-1);
    expect(message?.to).toEqual(['smtp-rcpt@example.com']);
    expect(message?.from).toBe('no-reply@gatehouse.test');
    expect(message?.raw).toMatch(/^Subject: Direct/m);
    expect(bodyText(message?.raw ?? '')).toContain('http://gatehouse.test/reset-password?token=ghr_direct');
  });

  it('a core configured with SMTP_URL sends the invite and reset links through it', async () => {
    let core: Core | undefined;
    try {
      core = await createTestCore(h.databaseUrl, {
        clock: h.clock,
        env: { SMTP_URL: smtp.url, MAIL_FROM: 'Gatehouse <invites@gatehouse.test>' },
      });
      const before = smtp.received.length;
      const issued = await core.invites.create({ email: 'smtp-invitee@example.com' });
      expect(issued.emailSent).toBe(true);
      expect(smtp.received).toHaveLength(before + 1);
      const invite = smtp.received.at(-1);
      expect(invite?.to).toEqual(['smtp-invitee@example.com']);
      expect(invite?.from).toBe('invites@gatehouse.test');
      expect(bodyText(invite?.raw ?? '')).toContain(issued.acceptUrl);

      await core.users.create({ email: 'smtp-user@example.com', password: STRONG_PASSWORD });
      await core.passwords.requestReset({ email: 'smtp-user@example.com' });
      await core.idle();
      // The reset mail goes out after the answer (its timing must not reveal the account).
      await vi.waitFor(() => expect(smtp.received.at(-1)?.to).toEqual(['smtp-user@example.com']), {
        timeout: 10_000,
      });
      const reset = smtp.received.at(-1);
      expect(bodyText(reset?.raw ?? '')).toMatch(
        /http:\/\/gatehouse\.test\/reset-password\?token=ghr_[A-Za-z0-9_-]{43}/,
      );
    } finally {
      await core?.close();
    }
  });

  it('an unreachable SMTP server makes invites.create report emailSent false, not fail', async () => {
    const dead = await startSmtp();
    const url = dead.url;
    await dead.close();
    let core: Core | undefined;
    try {
      core = await createTestCore(h.databaseUrl, { clock: h.clock, env: { SMTP_URL: url } });
      const issued = await core.invites.create({ email: 'nowhere@example.com' });
      expect(issued.emailSent).toBe(false);
      expect((await core.invites.preview(issued.token)).status).toBe('pending');
    } finally {
      await core?.close();
    }
  });
});
