import { Migration } from '@mikro-orm/migrations';

// Pending and expired invite totals without counting rows: open invites (not accepted, not
// revoked) counted per hour of expiry (UTC), kept by a trigger in the same transaction as every
// write to "invite". Pending = the buckets after the current hour + an exact count of the open
// invites expiring within it (a short range of the partial index); expired = open − pending.
const HOUR_OF = (row: 'old' | 'new') => `date_trunc('hour', ${row}.expires_at at time zone 'UTC')`;

export class Migration20261202180000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create table "invite_open_expiry" ("hour" timestamp not null, "n" bigint not null default 0, constraint "invite_open_expiry_pkey" primary key ("hour"));',
    );
    this.addSql(
      `insert into "invite_open_expiry" ("hour", "n")
         select date_trunc('hour', "expires_at" at time zone 'UTC'), count(*) from "invite"
          where not "accepted" and "revoked_at" is null group by 1;`,
    );
    this.addSql(`create function "invite_open_expiry_track"() returns trigger language plpgsql as $$
begin
  if tg_op in ('UPDATE', 'DELETE') and not old.accepted and old.revoked_at is null then
    update "invite_open_expiry" set "n" = "n" - 1 where "hour" = ${HOUR_OF('old')};
  end if;
  if tg_op in ('INSERT', 'UPDATE') and not new.accepted and new.revoked_at is null then
    insert into "invite_open_expiry" ("hour", "n") values (${HOUR_OF('new')}, 1)
      on conflict ("hour") do update set "n" = "invite_open_expiry"."n" + 1;
  end if;
  return null;
end $$;`);
    this.addSql(
      'create trigger "invite_open_expiry_on_insert_delete" after insert or delete on "invite" for each row execute function "invite_open_expiry_track"();',
    );
    // Only writes that can move an invite between buckets fire it: accept, revoke, resend (new expiry).
    this.addSql(
      'create trigger "invite_open_expiry_on_update" after update of "accepted", "revoked_at", "expires_at" on "invite" for each row when (old.accepted is distinct from new.accepted or (old.revoked_at is null) <> (new.revoked_at is null) or old.expires_at is distinct from new.expires_at) execute function "invite_open_expiry_track"();',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger if exists "invite_open_expiry_on_update" on "invite";');
    this.addSql('drop trigger if exists "invite_open_expiry_on_insert_delete" on "invite";');
    this.addSql('drop function if exists "invite_open_expiry_track"();');
    this.addSql('drop table if exists "invite_open_expiry";');
  }
}
