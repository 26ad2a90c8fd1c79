import { Writable } from 'node:stream';
import type { AppRouter } from '@gatehouse/api';
import type { Core } from '@gatehouse/core';
import { createTestCore, sql } from '@gatehouse/core/testing';
import type { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { adminInBrowser, useHttpServer, useServerCore } from './http-harness.js';

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

describe('an internal error outside production', () => {
  it('still hides a raw statement’s database error (pg’s own, not wrapped by the ORM) from the caller', async () => {
    const { client } = await adminInBrowser(h, http);
    await sql(h.core, 'alter table "invite" rename to "invite_moved_away"');
    try {
      const error = await client.invites.list.query({}).then(
        () => null,
        (caught: unknown) => caught as TRPCClientError<AppRouter>,
      );
      expect(error?.message).toBe('Internal server error');
      expect(error?.data).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', domainCode: 'INTERNAL' });
      expect(JSON.stringify(error?.data)).not.toMatch(/relation|does not exist|select|\.ts:/);
    } finally {
      await sql(h.core, 'alter table "invite_moved_away" rename to "invite"');
    }
    const logged = http.logs.filter((line) => line.includes('procedure failed')).at(-1);
    expect(JSON.parse(logged as string)).toMatchObject({
      path: 'invites.list',
      err: {
        type: 'DatabaseError',
        message: 'database error (query and values withheld)',
        sqlState: '42P01',
      },
    });
  });
});

describe('the server log', () => {
  it('never prints a database error’s statement, however deep in the causes it sits', () => {
    const lines: string[] = [];
    const log = createLogger(
      'info',
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const digest = 'ab'.repeat(32);
    // knex prefixes the failed statement, values inlined; MikroORM does not wrap every such error.
    const lost = new Error(
      `update "invite" set "accepted" = true where "token" = '${digest}' - Connection terminated`,
    );
    log.warn(
      { err: new Error('accept failed', { cause: new Error('in a transaction', { cause: lost }) }) },
      'x',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(digest);
    expect(lines[0]).not.toContain('update "invite"');
    expect(JSON.parse(lines[0] as string).err).toMatchObject({
      message: 'accept failed',
      cause: {
        message: 'in a transaction',
        cause: { message: 'database error (query and values withheld)' },
      },
    });
  });
});
