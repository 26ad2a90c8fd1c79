import type { Core } from '@gatehouse/core';
import { createTestCore, sql } from '@gatehouse/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useHttpServer, useServerCore } from './http-harness.js';

// A production-mode core on the same database, so an unexpected failure shows what production shows.
const h = useServerCore();
let production: Core;
beforeAll(async () => {
  production = await createTestCore(h.databaseUrl, { env: { NODE_ENV: 'production' } });
});
afterAll(async () => {
  await production?.close();
});
const http = useHttpServer(h, { core: () => production });

describe('an internal error in production', () => {
  it('returns 500 without message, stack or SQL, and logs it with the request id', async () => {
    await sql(h.core, 'alter table "invite" rename to "invite_moved_away"');
    try {
      const input = encodeURIComponent(JSON.stringify({ token: `ghi_${'A'.repeat(43)}` }));
      const response = await fetch(`${http.url}/trpc/invites.preview?input=${input}`);
      expect(response.status).toBe(500);
      const body = await response.text();
      expect(JSON.parse(body)).toMatchObject({
        error: {
          message: 'Internal server error',
          data: { code: 'INTERNAL_SERVER_ERROR', domainCode: 'INTERNAL' },
        },
      });
      for (const leak of ['invite_moved_away', 'select', 'stack', '.ts:', 'node_modules'])
        expect(body).not.toContain(leak);
      const logged = http.logs.find((line) => line.includes('procedure failed'));
      expect(logged).toBeDefined();
      expect(JSON.parse(logged as string)).toMatchObject({
        reqId: expect.any(String),
        path: 'invites.preview',
      });
    } finally {
      await sql(h.core, 'alter table "invite_moved_away" rename to "invite"');
    }
  });
});
