import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { setupTestDatabases } from './databases.js';

/**
 * The vitest `globalSetup` of every package's suite: one migrated template database per run (on
 * embedded PostgreSQL, or DATABASE_URL's server) and a copy per worker. Workers read the template's
 * URL with `inject('templateUrl')` and pass it to `workerDatabaseUrl`.
 */
export function createGlobalSetup(options: { workers: number }) {
  return async (project: TestProject) => {
    const databases = await setupTestDatabases(options);
    project.provide('templateUrl', databases.templateUrl);
    return () => databases.teardown();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateUrl: string;
  }
}
