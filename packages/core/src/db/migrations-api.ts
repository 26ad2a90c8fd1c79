import type { Orm } from './orm.js';

export interface AppliedMigration {
  name: string;
  /** When it ran (ISO-8601), if the database recorded it. */
  executedAt: string | null;
}

/** The committed migrations of the schema; nothing is ever generated at run time. */
export interface Migrations {
  /** What has run on this database, and what is committed but has not. */
  status(): Promise<{ applied: AppliedMigration[]; pending: string[] }>;
  /** Applies every pending migration in order, all or nothing; returns their names. */
  up(): Promise<string[]>;
}

export function createMigrations(orm: Orm): Migrations {
  const migrator = () => orm.getMigrator();
  return {
    async status() {
      // One after the other: on an empty database each creates the migrations table.
      const executed = await migrator().getExecutedMigrations();
      const pending = await migrator().getPendingMigrations();
      return {
        applied: executed.map((row) => ({
          name: row.name,
          executedAt: row.executed_at ? new Date(row.executed_at).toISOString() : null,
        })),
        pending: pending.map((migration) => migration.name),
      };
    },
    async up() {
      const applied = await migrator().up();
      return applied.map((migration) => migration.name);
    },
  };
}
