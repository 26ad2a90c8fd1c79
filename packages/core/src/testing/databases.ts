import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { dropDatabasesStartingWith, ensureDatabase, startEmbeddedPostgres } from '../db/embedded-postgres.js';
import { createMigrations } from '../db/migrations-api.js';
import { connectOrm } from '../db/orm.js';

export interface TestDatabases {
  /** URL of the migrated template; worker databases are copies named `<template>_w<n>`. */
  templateUrl: string;
  /**
   * Drops every database made for this run (the template, the worker copies and any database a
   * test made under a name that starts with a worker's) and stops the embedded server, if any.
   */
  teardown(): Promise<void>;
}

const withDatabase = (url: string, database: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
};

/**
 * For a vitest globalSetup: a server (DATABASE_URL's, else a throwaway embedded cluster), a new
 * database migrated once, and one copy of it per worker so test files in parallel never share
 * tables. Every run gets new names, so runs never see each other's rows.
 */
export async function setupTestDatabases(options: { workers: number }): Promise<TestDatabases> {
  const external = process.env.DATABASE_URL?.trim();
  const embedded = external
    ? undefined
    : await startEmbeddedPostgres({
        dataDir: await mkdtemp(path.join(tmpdir(), 'gatehouse-test-pg-')),
        database: 'postgres',
        ephemeral: true,
      });
  const serverUrl = external ?? (embedded as { url: string }).url;
  const maintenanceUrl = withDatabase(serverUrl, 'postgres');
  const template = `gatehouse_test_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(maintenanceUrl, template);
  const templateUrl = withDatabase(serverUrl, template);
  const orm = await connectOrm(templateUrl);
  try {
    await createMigrations(orm).up();
  } finally {
    await orm.close();
  }
  const workerNames = Array.from({ length: options.workers }, (_, index) => `${template}_w${index + 1}`);
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    for (const name of workerNames) {
      await client.query(
        `create database ${pg.escapeIdentifier(name)} template ${pg.escapeIdentifier(template)}`,
      );
    }
  } finally {
    await client.end();
  }
  return {
    templateUrl,
    async teardown() {
      if (embedded) return embedded.stop();
      // Tests leave their extra databases to this, rather than drop them inside a hook (a drop
      // waits for a checkpoint, which outlasted a hook's timeout on a loaded machine).
      await dropDatabasesStartingWith(maintenanceUrl, template);
    },
  };
}

/** The database of the current vitest worker (VITEST_POOL_ID is 1-based). */
export function workerDatabaseUrl(templateUrl: string): string {
  const parsed = new URL(templateUrl);
  const worker = process.env.VITEST_POOL_ID ?? '1';
  parsed.pathname = `${parsed.pathname}_w${worker}`;
  return parsed.toString();
}
