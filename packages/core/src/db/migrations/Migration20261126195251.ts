import { Migration } from '@mikro-orm/migrations';

/** Initial schema: user, invite, session, password_reset, audit_event. */
export class Migration20261126195251 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "audit_event" ("id" varchar(40) not null, "action" text check ("action" in ('user.created', 'user.updated', 'user.deleted', 'user.role_changed', 'invite.created', 'invite.resent', 'invite.revoked', 'invite.accepted', 'auth.login', 'auth.login_failed', 'auth.logout', 'auth.password_changed', 'auth.password_reset', 'api_token.generated', 'api_token.revoked')) not null, "actor_id" varchar(40) null, "target_type" varchar(32) null, "target_id" varchar(40) null, "ip" varchar(64) null, "metadata" jsonb null, "created_at" timestamptz not null, constraint "audit_event_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "audit_event_action_index" on "audit_event" ("action");`);
    this.addSql(`create index "audit_event_actor_id_index" on "audit_event" ("actor_id");`);

    this.addSql(
      `create table "invite" ("id" varchar(40) not null, "user_email" varchar(320) not null, "role" text check ("role" in ('admin', 'member', 'developer')) not null default 'member', "accepted" boolean not null default false, "accepted_at" timestamptz null, "token" varchar(64) not null, "expires_at" timestamptz not null, "invited_by" varchar(40) null, "revoked_at" timestamptz null, "metadata" jsonb null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "invite_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "invite_user_email_index" on "invite" ("user_email");`);
    this.addSql(`alter table "invite" add constraint "invite_token_unique" unique ("token");`);
    this.addSql(
      `create unique index "invite_open_email_unique" on "invite" ("user_email") where "accepted" = false and "revoked_at" is null;`,
    );

    this.addSql(
      `create table "password_reset" ("id" varchar(40) not null, "user_id" varchar(40) not null, "token_hash" varchar(64) not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "created_at" timestamptz not null, constraint "password_reset_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "password_reset_user_id_index" on "password_reset" ("user_id");`);
    this.addSql(
      `alter table "password_reset" add constraint "password_reset_token_hash_unique" unique ("token_hash");`,
    );

    this.addSql(
      `create table "session" ("id" varchar(40) not null, "user_id" varchar(40) not null, "token_hash" varchar(64) not null, "expires_at" timestamptz not null, "created_at" timestamptz not null, "last_seen_at" timestamptz not null, "ip" varchar(64) null, "user_agent" varchar(512) null, constraint "session_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "session_user_id_index" on "session" ("user_id");`);
    this.addSql(`alter table "session" add constraint "session_token_hash_unique" unique ("token_hash");`);

    this.addSql(
      `create table "user" ("id" varchar(40) not null, "email" varchar(320) not null, "password_hash" text null, "first_name" varchar(200) null, "last_name" varchar(200) null, "role" text check ("role" in ('admin', 'member', 'developer')) not null default 'member', "api_token_hash" varchar(64) null, "api_token_prefix" varchar(32) null, "api_token_created_at" timestamptz null, "api_token_last_used_at" timestamptz null, "metadata" jsonb null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "deleted_at" timestamptz null, "last_login_at" timestamptz null, constraint "user_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "user_api_token_hash_index" on "user" ("api_token_hash");`);
    this.addSql(`create unique index "user_email_unique" on "user" ("email") where "deleted_at" is null;`);

    // Written by hand: sessions and reset tokens are scalar user ids in the entities, but the
    // database still guarantees they point at a user.
    this.addSql(
      `alter table "session" add constraint "session_user_id_foreign" foreign key ("user_id") references "user" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "password_reset" add constraint "password_reset_user_id_foreign" foreign key ("user_id") references "user" ("id") on delete cascade;`,
    );
  }
}
