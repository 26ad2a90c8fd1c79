// Used only by the MikroORM CLI to generate migrations during development (`pnpm migration:create`).
import type { Options } from '@mikro-orm/postgresql';
import { ormOptions } from './src/db/orm.js';

const options = ormOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gatehouse_dev', {
  allowGlobalContext: true,
});
// Generating a migration diffs against the committed snapshot and updates it.
const config: Options = { ...options, migrations: { ...options.migrations, snapshot: true } };
export default config;
