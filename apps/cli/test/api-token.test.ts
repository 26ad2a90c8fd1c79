import { describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, sql, useCli } from './harness.js';

const h = useCli();

describe('gatehouse api-token', () => {
  it('generate prints the token alone on stdout, once, with the warning on stderr', async () => {
    const user = await h.core.users.create({ email: 'bot@example.com', password: STRONG_PASSWORD });
    const result = await h.cli(['api-token', 'generate', 'BOT@example.com']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^gha_[A-Za-z0-9_-]{43}\n$/);
    const token = result.stdout.trim();
    expect(result.stderr).toContain(
      `New API token for bot@example.com (${user.id}), prefix ${token.slice(0, 12)}.`,
    );
    expect(result.stderr).toContain('it will not be shown again');

    const principal = await h.core.auth.authenticateApiToken(token);
    expect(principal?.user.id).toBe(user.id);
    const [stored] = await sql<{ api_token_hash: string }>(h.core, 'select api_token_hash from "user"');
    expect(stored?.api_token_hash).not.toContain(token);
    expect(result.stdout + result.stderr).not.toContain(stored?.api_token_hash);
    const events = await sql(
      h.core,
      `select actor_id, ip, target_id from audit_event where action = 'api_token.generated'`,
    );
    expect(events).toEqual([{ actor_id: null, ip: null, target_id: user.id }]);
  });

  it('generating again replaces the token: the previous one stops working', async () => {
    const user = await h.core.users.create({ email: 'bot@example.com' });
    const first = (await h.cli(['api-token', 'generate', user.id])).stdout.trim();
    const second = await h.cli(['api-token', 'generate', user.id]);
    expect(second.stderr).toContain(`the previous token (${first.slice(0, 12)}…) no longer works`);
    expect(await h.core.auth.authenticateApiToken(first)).toBeNull();
    expect((await h.core.auth.authenticateApiToken(second.stdout.trim()))?.user.id).toBe(user.id);
  });

  it('revoke ends the token; revoking again says there is none', async () => {
    const user = await h.core.users.create({ email: 'bot@example.com' });
    const { token, prefix } = await h.core.apiTokens.generate(user.id);
    const result = await h.cli(['api-token', 'revoke', 'bot@example.com']);
    expect(result).toEqual({
      code: 0,
      stdout: `Revoked the API token ${prefix}… of bot@example.com (${user.id}).\n`,
      stderr: '',
    });
    expect(await h.core.auth.authenticateApiToken(token)).toBeNull();
    const again = await h.cli(['api-token', 'revoke', user.id]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`bot@example.com (${user.id}) has no API token; nothing changed.\n`);
    const events = await sql(
      h.core,
      `select actor_id, ip from audit_event where action = 'api_token.revoked'`,
    );
    expect(events).toEqual([{ actor_id: null, ip: null }]);
  });

  it('reports an unknown user with NOT_FOUND', async () => {
    const result = await h.cli(['api-token', 'generate', 'ghost@example.com']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: No user with the email ghost@example.com (NOT_FOUND)\n',
    });
  });
});
