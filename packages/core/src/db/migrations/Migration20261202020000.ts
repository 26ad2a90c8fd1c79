import { Migration } from '@mikro-orm/migrations';

// Lists at a million users: indexed substring search for `q` (pg_trgm GIN indexes serve ILIKE
// '%q%') and exact totals without counting rows (user_count, kept by a trigger in the same
// transaction as every write to "user", raw SQL included).
/** Must stay identical to the search expression in db/user-reads.ts, or the index is not used. */
const USER_SEARCH_TEXT = `"email" || chr(31) || coalesce("first_name", '') || chr(31) || coalesce("last_name", '')`;

export class Migration20261202020000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('create extension if not exists pg_trgm;');
    // One index over the three searchable fields, joined by a control character that a search can
    // never contain (so a match cannot span two fields): one bitmap and one recheck per search.
    this.addSql(
      `create index "user_search_trgm" on "user" using gin ((${USER_SEARCH_TEXT}) gin_trgm_ops) where "deleted_at" is null;`,
    );
    this.addSql('create index "invite_user_email_trgm" on "invite" using gin ("user_email" gin_trgm_ops);');
    // Open invites by expiry: the pending and expired filters and their counts.
    this.addSql(
      'create index "invite_open_expires_at_index" on "invite" ("expires_at", "id") where "accepted" = false and "revoked_at" is null;',
    );

    this.addSql(
      'create table "user_count" ("role" text not null, "active" bigint not null default 0, constraint "user_count_pkey" primary key ("role"));',
    );
    this.addSql(
      `insert into "user_count" ("role", "active") select r.role, (select count(*) from "user" u where u.role = r.role and u.deleted_at is null) from (values ('admin'), ('member'), ('developer')) as r(role);`,
    );
    this.addSql(`create function "user_count_track"() returns trigger language plpgsql as $$
begin
  if tg_op in ('UPDATE', 'DELETE') and old.deleted_at is null then
    update "user_count" set "active" = "active" - 1 where "role" = old.role;
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.deleted_at is null then
    insert into "user_count" ("role", "active") values (new.role, 1)
      on conflict ("role") do update set "active" = "user_count"."active" + 1;
  end if;
  return null;
end $$;`);
    // Invites: every one, accepted ones, and revoked (not accepted) ones; the open rest split into
    // pending and expired by time, which only a count at query time can know (index-only).
    this.addSql(
      'create table "invite_count" ("kind" text not null, "n" bigint not null default 0, constraint "invite_count_pkey" primary key ("kind"));',
    );
    this.addSql(
      `insert into "invite_count" ("kind", "n") values
        ('all', (select count(*) from "invite")),
        ('accepted', (select count(*) from "invite" where "accepted")),
        ('revoked', (select count(*) from "invite" where not "accepted" and "revoked_at" is not null));`,
    );
    this.addSql(`create function "invite_count_track"() returns trigger language plpgsql as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    update "invite_count" set "n" = "n" - 1 where "kind" = 'all'
      or ("kind" = 'accepted' and old.accepted)
      or ("kind" = 'revoked' and not old.accepted and old.revoked_at is not null);
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    update "invite_count" set "n" = "n" + 1 where "kind" = 'all'
      or ("kind" = 'accepted' and new.accepted)
      or ("kind" = 'revoked' and not new.accepted and new.revoked_at is not null);
  end if;
  return null;
end $$;`);
    this.addSql(
      'create trigger "invite_count_on_insert_delete" after insert or delete on "invite" for each row execute function "invite_count_track"();',
    );
    this.addSql(
      'create trigger "invite_count_on_update" after update of "accepted", "revoked_at" on "invite" for each row when (old.accepted is distinct from new.accepted or (old.revoked_at is null) <> (new.revoked_at is null)) execute function "invite_count_track"();',
    );
    // Only writes that can change a count fire it: a role change, a (soft) delete, an insert.
    this.addSql(
      'create trigger "user_count_on_insert_delete" after insert or delete on "user" for each row execute function "user_count_track"();',
    );
    this.addSql(
      'create trigger "user_count_on_update" after update of "role", "deleted_at" on "user" for each row when (old.role is distinct from new.role or old.deleted_at is distinct from new.deleted_at) execute function "user_count_track"();',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger if exists "invite_count_on_update" on "invite";');
    this.addSql('drop trigger if exists "invite_count_on_insert_delete" on "invite";');
    this.addSql('drop function if exists "invite_count_track"();');
    this.addSql('drop table if exists "invite_count";');
    this.addSql('drop trigger if exists "user_count_on_update" on "user";');
    this.addSql('drop trigger if exists "user_count_on_insert_delete" on "user";');
    this.addSql('drop function if exists "user_count_track"();');
    this.addSql('drop table if exists "user_count";');
    this.addSql('drop index if exists "invite_open_expires_at_index";');
    this.addSql('drop index if exists "invite_user_email_trgm";');
    this.addSql('drop index if exists "user_search_trgm";');
  }
}
