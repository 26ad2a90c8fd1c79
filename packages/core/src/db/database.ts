import path from 'node:path';
import { type RunningDatabase, startEmbeddedPostgres } from './embedded-postgres.js';

/**
 * The database the product runs on: DATABASE_URL when set, else the embedded PostgreSQL kept in
 * `dataDir` (default `.data/` in the working directory), reached as its non-superuser app role.
 * Used by the server and the CLI alike. Rejects with an EmbeddedPostgresError (one clear message)
 * when the embedded cluster cannot start.
 */
export async function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir?: string | undefined;
  onLog?: (line: string) => void;
}): Promise<RunningDatabase> {
  if (options.databaseUrl) return { url: options.databaseUrl, stop: async () => {} };
  return startEmbeddedPostgres({
    dataDir: options.dataDir ?? path.resolve('.data'),
    ...(options.onLog ? { onLog: options.onLog } : {}),
  });
}
