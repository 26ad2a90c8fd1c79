// Test support shared by every package's suite: a real PostgreSQL (embedded unless DATABASE_URL
// is set), a fresh database per run and per worker, clean tables per test, and in-memory ports.
export { setupTestDatabases, type TestDatabases, workerDatabaseUrl } from './databases.js';
export { createGlobalSetup } from './global-setup.js';
export {
  STRONG_PASSWORD,
  TEST_START,
  type TestCoreHarness,
  type TestCoreOptions,
  useTestCore,
} from './harness.js';
export { RecordingMailer } from './recording-mailer.js';
export { SoftAuthenticator, type SoftAuthenticatorOptions } from './soft-authenticator.js';
export { createTestCore, sql, testConfig, truncateAll, warmPool } from './test-core.js';
