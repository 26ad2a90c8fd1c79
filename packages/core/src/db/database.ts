import path from 'node:path';
import { type RunningDatabase, startEmbeddedPostgres } from './embedded-postgres.js';

/**
 * The database the product runs on: DATABASE_URL when set, else the embedded PostgreSQL kept in
 * `dataDir` (default `.data/` in the working directory). Used by the server and the CLI alike.
 */
export async function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir?: string | undefined;
  onLog?: (line: string) => void;
}): Promise<RunningDatabase & { embedded: boolean }> {
  if (options.databaseUrl) return { url: options.databaseUrl, stop: async () => {}, embedded: false };
  const running = await startEmbeddedPostgres({
    dataDir: options.dataDir ?? path.resolve('.data'),
    ...(options.onLog ? { onLog: options.onLog } : {}),
  });
  return { ...running, embedded: true };
}
