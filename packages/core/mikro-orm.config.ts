// Used only by the MikroORM CLI to generate migrations during development (`pnpm migration:create`).
import { ormOptions } from './src/db/orm.js';

export default ormOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gatehouse_dev', {
  allowGlobalContext: true,
});
