import { setupTestDatabases } from '@gatehouse/core/testing';
import type { TestProject } from 'vitest/node';

export default async function setup(project: TestProject) {
  const databases = await setupTestDatabases({ workers: 2 });
  project.provide('templateUrl', databases.templateUrl);
  return () => databases.teardown();
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateUrl: string;
  }
}
