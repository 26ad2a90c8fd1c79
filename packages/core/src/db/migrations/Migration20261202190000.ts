import { Migration } from '@mikro-orm/migrations';

// User search with the email's domain apart. Many users share a domain, so in one trigram index
// over whole emails the domain's trigrams had posting lists as long as the table: a search for a
// domain decoded them all and rechecked every match on the heap (~140 ms at 1M users for one that
// 1 % of them share). Now:
// - "user_email_domain" holds every domain in use (a trigger adds new ones; never shrinks), with
//   its own small trigram index: a search finds the matching domains there,
// - and their users through a btree on the stored domain column, index-only;
// - local parts and names keep a trigram index of their own (user_search_trgm, redefined).
// A search without '@' cannot span the '@', so it matches the domain or the rest: the union of
// both is exactly what the old whole-text index found (see db/user-reads.ts).
// For operators: adding the stored column rewrites "user" under an exclusive lock (about 11 s at a
// million users on a 2-core machine, with the index builds after it), in which users can be
// neither read nor written: run `gatehouse migrate` at a quiet moment on a large installation.
/** Must stay identical to the search expression in db/user-reads.ts, or the index is not used. */
const LOCAL_AND_NAMES = `split_part("email", '@', 1) || chr(31) || coalesce("first_name", '') || chr(31) || coalesce("last_name", '')`;
const WHOLE_TEXT = `"email" || chr(31) || coalesce("first_name", '') || chr(31) || coalesce("last_name", '')`;

export class Migration20261202190000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "user" add column "email_domain" text generated always as (split_part("email", '@', 2)) stored;`,
    );
    this.addSql(
      'create index "user_email_domain_index" on "user" ("email_domain", "id") include ("role") where "deleted_at" is null;',
    );
    this.addSql(
      'create table "user_email_domain" ("domain" text not null, constraint "user_email_domain_pkey" primary key ("domain"));',
    );
    this.addSql('insert into "user_email_domain" ("domain") select distinct "email_domain" from "user";');
    this.addSql(
      'create index "user_email_domain_trgm" on "user_email_domain" using gin ("domain" gin_trgm_ops);',
    );
    // ON CONFLICT DO NOTHING takes no lock on a domain already known: writes do not queue on it.
    this.addSql(`create function "user_email_domain_track"() returns trigger language plpgsql as $$
begin
  insert into "user_email_domain" ("domain") values (new.email_domain) on conflict do nothing;
  return null;
end $$;`);
    this.addSql(
      'create trigger "user_email_domain_on_write" after insert or update of "email" on "user" for each row execute function "user_email_domain_track"();',
    );
    this.addSql('drop index if exists "user_search_trgm";');
    this.addSql(
      `create index "user_search_trgm" on "user" using gin ((${LOCAL_AND_NAMES}) gin_trgm_ops) where "deleted_at" is null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists "user_search_trgm";');
    this.addSql(
      `create index "user_search_trgm" on "user" using gin ((${WHOLE_TEXT}) gin_trgm_ops) where "deleted_at" is null;`,
    );
    this.addSql('drop trigger if exists "user_email_domain_on_write" on "user";');
    this.addSql('drop function if exists "user_email_domain_track"();');
    this.addSql('drop table if exists "user_email_domain";');
    this.addSql('drop index if exists "user_email_domain_index";');
    this.addSql('alter table "user" drop column if exists "email_domain";');
  }
}
