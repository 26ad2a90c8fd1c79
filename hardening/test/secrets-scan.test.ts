import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Caller, call, data, signIn, sleep, waitFor } from './support/http.js';
import { recordSecret, type SecretKind } from './support/record.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type ServerProcess, useServerProcesses } from './support/servers.js';

// Runs last (see vitest.config.ts). First one more run through every flow that handles a secret,
// with the most verbose logs (LOG_LEVEL=debug, embedded PostgreSQL's own log lines included); then
// every response body and server output line of this whole suite is searched for what the
// contract forbids: a password anywhere, a password hash or token hash anywhere, a session token
// anywhere, an API token outside the response that generated it, an invite token outside the
// create/resend response and the mail, a reset token outside the mail.

const startServer = useServerProcesses();
let server: ServerProcess;
let admin: Caller;

beforeAll(async () => {
  server = await startServer({ LOG_LEVEL: 'debug' });
  admin = await signIn(server.url, ADMIN_EMAIL, ADMIN_PASSWORD);
});
afterAll(async () => {
  await server?.stop(5_000);
});

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
/** base64 of scrypt-kdf's header ("scrypt" + version 0): how every stored password hash begins. */
const SCRYPT_HASH = /c2NyeXB0AA[A-Za-z0-9+/]{20,}/;
const MAIL_BLOCK = /──── mail ────[\s\S]*?──────────────/g;

/** The 200 characters before `found` in `text` (never `found` itself): where in a log a leak sits. */
const before = (text: string, found: string): string => {
  const at = text.indexOf(found);
  return `…${text.slice(Math.max(0, at - 200), at).replace(/\s+/g, ' ')}`;
};

async function lines<T>(file: string): Promise<T[]> {
  const text = await readFile(path.join(inject('recordDir'), file), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}

/** The reset link's token, from the stdout mail. */
async function mailedResetToken(email: string): Promise<string> {
  let token = '';
  await waitFor(async () => {
    const mails = server.output().match(MAIL_BLOCK) ?? [];
    const mail = mails.reverse().find((m) => m.includes(`To: ${email}`) && m.includes('reset-password'));
    token = mail?.match(/token=([A-Za-z0-9_%-]+)/)?.[1] ?? '';
    return token !== '';
  }, 10_000);
  return decodeURIComponent(token);
}

describe('secrets never leak', () => {
  it('one more run through every flow that handles a secret, at LOG_LEVEL=debug', async () => {
    const passwords = {
      first: 'first sturdy passphrase 1',
      duplicate: 'duplicate sturdy passphrase 2',
      invited: 'invited sturdy passphrase 3',
      reset: 'reset sturdy passphrase 4',
      changed: 'changed sturdy passphrase 5',
      wrong: 'wrong sturdy passphrase 6',
    };
    for (const password of Object.values(passwords)) recordSecret('password', password);
    const email = 'secretive@example.com';
    data(await call(server.url, 'users.create', { email, password: passwords.first }, { as: admin }));
    // A refused insert: PostgreSQL logs the failed statement (ERROR + STATEMENT) in its own log.
    expect(
      (await call(server.url, 'users.create', { email, password: passwords.duplicate }, { as: admin }))
        .status,
    ).toBe(409);
    expect((await call(server.url, 'auth.login', { email, password: passwords.wrong })).status).toBe(401);

    const invited = 'invited-secret@example.com';
    const issued = data<{ token: string }>(
      await call(server.url, 'invites.create', { email: invited }, { as: admin }),
    );
    recordSecret('invite', issued.token);
    data(await call(server.url, 'invites.preview', { token: issued.token }, { kind: 'query' }));
    const accepter: Caller = {};
    data(
      await call(
        server.url,
        'invites.accept',
        { token: issued.token, password: passwords.invited },
        { as: accepter },
      ),
    );
    expect(
      (await call(server.url, 'invites.accept', { token: issued.token, password: passwords.invited })).status,
    ).toBe(409);

    data(await call(server.url, 'auth.requestPasswordReset', { email }));
    const resetToken = await mailedResetToken(email);
    expect(resetToken).toMatch(/^ghr_/);
    recordSecret('passwordReset', resetToken);
    data(await call(server.url, 'auth.resetPassword', { token: resetToken, newPassword: passwords.reset }));
    expect(
      (await call(server.url, 'auth.resetPassword', { token: resetToken, newPassword: passwords.reset }))
        .status,
    ).toBe(400);

    const user = await signIn(server.url, email, passwords.reset);
    expect(
      (
        await call(
          server.url,
          'auth.changePassword',
          { currentPassword: passwords.wrong, newPassword: passwords.changed },
          { as: user },
        )
      ).status,
    ).toBeGreaterThanOrEqual(400);
    data(
      await call(
        server.url,
        'auth.changePassword',
        { currentPassword: passwords.reset, newPassword: passwords.changed },
        { as: user },
      ),
    );
    const { token: apiToken } = data<{ token: string }>(
      await call(server.url, 'apiToken.generate', {}, { as: user }),
    );
    recordSecret('apiToken', apiToken);
    data(await call(server.url, 'auth.me', undefined, { kind: 'query', as: { bearer: apiToken } }));
    data(await call(server.url, 'auth.sessions', undefined, { kind: 'query', as: user }));
    data(await call(server.url, 'audit.list', {}, { kind: 'query', as: admin }));
    data(await call(server.url, 'apiToken.revoke', {}, { as: user }));
    data(await call(server.url, 'auth.logout', undefined, { as: user }));
    await sleep(300);
  });

  it('no password, hash or token appears in any response body or log line of the suite', async () => {
    const bodies = await lines<{ procedure: string; body: string }>('bodies.jsonl');
    const outputs = await lines<{ source: string; text: string }>('output.jsonl');
    const secrets = await lines<{ kind: SecretKind; value: string }>('secrets.jsonl');
    const unique = new Map(secrets.map((s) => [`${s.kind}:${s.value}`, s]));
    const leaks: string[] = [];
    const allowedInBody: Partial<Record<SecretKind, (procedure: string) => boolean>> = {
      apiToken: (p) => p === 'apiToken.generate',
      invite: (p) => p === 'invites.create' || p === 'invites.resend',
    };
    // Server output per process, with its mail blocks set apart (the mail is where links belong).
    const perSource = new Map<string, string>();
    for (const { source, text } of outputs) perSource.set(source, (perSource.get(source) ?? '') + text);
    const logs = [...perSource.entries()].map(([source, text]) => ({
      source,
      outsideMail: text.replace(MAIL_BLOCK, '[mail]'),
    }));

    for (const { kind, value } of unique.values()) {
      const hash = sha256(value);
      for (const { procedure, body } of bodies) {
        if (body.includes(value) && !allowedInBody[kind]?.(procedure))
          leaks.push(`${kind} in the body of ${procedure}`);
        if (kind !== 'password' && body.includes(hash))
          leaks.push(`the hash of a ${kind} in the body of ${procedure}`);
      }
      for (const { source, outsideMail } of logs) {
        if (outsideMail.includes(value))
          leaks.push(`${kind} in the output of ${source}: ${before(outsideMail, value)}`);
        if (kind !== 'password' && outsideMail.includes(hash))
          leaks.push(`the hash of a ${kind} in the output of ${source}: ${before(outsideMail, hash)}`);
      }
    }
    for (const { procedure, body } of bodies)
      if (SCRYPT_HASH.test(body)) leaks.push(`a password hash in the body of ${procedure}`);
    for (const { source, outsideMail } of logs) {
      const found = outsideMail.match(SCRYPT_HASH);
      if (found) leaks.push(`a password hash in the output of ${source}: ${before(outsideMail, found[0])}`);
    }
    const byKind = [...unique.values()].reduce<Record<string, number>>((counts, s) => {
      counts[s.kind] = (counts[s.kind] ?? 0) + 1;
      return counts;
    }, {});
    const outputBytes = outputs.reduce((n, o) => n + o.text.length, 0);
    console.log(
      `[secrets] scanned ${bodies.length} response bodies and ${Math.round(outputBytes / 1024)} KiB of output from ` +
        `${perSource.size} server processes for ${unique.size} secrets ${JSON.stringify(byKind)} and their hashes: ${leaks.length} leaks`,
    );
    const figures = await lines<{ name: string; value: number }>('figures.jsonl');
    const totals = new Map<string, number>();
    for (const { name, value } of figures) totals.set(name, (totals.get(name) ?? 0) + value);
    console.log(
      `[summary] requests answered ${bodies.length}; ${[...totals.entries()].map(([name, value]) => `${name}: ${value}`).join('; ')}`,
    );
    expect(totals.get('acknowledged writes found') ?? 0).toBe(totals.get('writes acknowledged') ?? 0);
    expect([...new Set(leaks)].slice(0, 10)).toEqual([]);
    // It did see what it searched (this file's own run at least).
    expect(bodies.length).toBeGreaterThan(15);
    expect(byKind.password).toBeGreaterThan(3);
  });
});
