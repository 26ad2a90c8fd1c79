import { describe, expect, it } from 'vitest';
import { useStartedServers } from './start-server.js';

// What the production server prints at start (and refuses to start with).
const SMTP_WARNING = 'SMTP_URL is not set: invite and password-reset links are written to stdout';
const servers = useStartedServers();

describe('start-up warnings of the production server', { timeout: 120_000 }, () => {
  it('warns loudly (log line and plain stderr line) in production without SMTP_URL', async () => {
    const server = await servers.start({ NODE_ENV: 'production', SMTP_URL: '' });
    const warnLine = server
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .find((entry) => entry.msg.includes(SMTP_WARNING));
    expect(warnLine?.level).toBe(40);
    expect(warnLine?.msg).toContain('can take over any account');
    expect(server.stderr()).toMatch(new RegExp(`^WARNING: ${SMTP_WARNING}`, 'm'));
  });

  it('does not warn in production with SMTP_URL set', async () => {
    // Nothing is sent at start, so no mail server needs to listen there.
    const server = await servers.start({ NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:2525' });
    expect(server.stdout()).not.toContain('SMTP_URL is not set');
    expect(server.stderr()).not.toContain('SMTP_URL is not set');
  });

  it.each([
    ['true', /could choose its IP/],
    ['1', /hop counts/],
    ['10.0.0.0/8,not-an-ip', /not an IP address or CIDR: "not-an-ip"/],
  ])('refuses to start with TRUST_PROXY=%s, in one line that says what to write', async (value, reason) => {
    const run = await servers.spawn({ NODE_ENV: 'production', TRUST_PROXY: value });
    expect(await run.exited).toBe(1);
    const lines = `${run.stdout()}${run.stderr()}`.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Gatehouse failed to start: Invalid configuration: TRUST_PROXY: /);
    expect(lines[0]).toMatch(reason);
    expect(lines[0]).toContain('TRUST_PROXY=10.0.0.0/8,127.0.0.1,::1');
  });
});
