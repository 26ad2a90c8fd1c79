import { Migration } from '@mikro-orm/migrations';

const ACTIONS_BEFORE = `'user.created', 'user.updated', 'user.deleted', 'user.role_changed', 'invite.created', 'invite.resent', 'invite.revoked', 'invite.accepted', 'auth.login', 'auth.login_failed', 'auth.logout', 'auth.session_revoked', 'auth.logout_all', 'auth.password_changed', 'auth.password_reset', 'api_token.generated', 'api_token.revoked'`;
const MFA_ACTIONS = `'mfa.totp_enabled', 'mfa.totp_disabled', 'mfa.passkey_added', 'mfa.passkey_removed', 'mfa.recovery_codes_generated', 'mfa.recovery_code_used', 'mfa.reset', 'auth.mfa_failed', 'auth.step_up'`;

// Second factors: TOTP (secret sealed, last used step), passkeys, hashed recovery codes, sign-in
// challenges and WebAuthn ceremonies; the session remembers its last second-factor check and the
// user whether they have a factor. Rows of a user go with the user (foreign keys by hand, as in
// the first migration).
export class Migration20261202120000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "user" add column "mfa_enabled" boolean not null default false;`);
    this.addSql(`alter table "session" add column "mfa_verified_at" timestamptz null;`);

    this.addSql(
      `create table "totp_factor" ("id" varchar(40) not null, "user_id" varchar(40) not null, "secret_sealed" text null, "confirmed_at" timestamptz null, "last_used_step" bigint null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "totp_factor_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "totp_factor" add constraint "totp_factor_user_id_unique" unique ("user_id");`);

    this.addSql(
      `create table "passkey" ("id" varchar(40) not null, "user_id" varchar(40) not null, "name" varchar(100) not null, "credential_id" varchar(1024) not null, "public_key" text not null, "counter" bigint not null default 0, "transports" jsonb null, "device_type" varchar(32) null, "backed_up" boolean not null default false, "created_at" timestamptz not null, "last_used_at" timestamptz null, constraint "passkey_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "passkey_user_id_index" on "passkey" ("user_id");`);
    this.addSql(
      `alter table "passkey" add constraint "passkey_credential_id_unique" unique ("credential_id");`,
    );

    this.addSql(
      `create table "recovery_code" ("id" varchar(40) not null, "user_id" varchar(40) not null, "code_hash" varchar(64) not null, "used_at" timestamptz null, "created_at" timestamptz not null, constraint "recovery_code_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "recovery_code_user_id_index" on "recovery_code" ("user_id");`);
    this.addSql(
      `alter table "recovery_code" add constraint "recovery_code_code_hash_unique" unique ("code_hash");`,
    );

    this.addSql(
      `create table "mfa_challenge" ("id" varchar(40) not null, "user_id" varchar(40) not null, "token_hash" varchar(64) not null, "failures" int not null default 0, "expires_at" timestamptz not null, "used_at" timestamptz null, "created_at" timestamptz not null, constraint "mfa_challenge_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "mfa_challenge_user_id_index" on "mfa_challenge" ("user_id");`);
    this.addSql(
      `alter table "mfa_challenge" add constraint "mfa_challenge_token_hash_unique" unique ("token_hash");`,
    );

    this.addSql(
      `create table "webauthn_challenge" ("id" varchar(40) not null, "kind" text check ("kind" in ('registration', 'authentication')) not null, "challenge_hash" varchar(64) not null, "user_id" varchar(40) null, "mfa_challenge_id" varchar(40) null, "expires_at" timestamptz not null, "created_at" timestamptz not null, constraint "webauthn_challenge_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "webauthn_challenge" add constraint "webauthn_challenge_challenge_hash_unique" unique ("challenge_hash");`,
    );
    this.addSql(`create index "webauthn_challenge_user_id_index" on "webauthn_challenge" ("user_id");`);

    for (const table of ['totp_factor', 'passkey', 'recovery_code', 'mfa_challenge', 'webauthn_challenge']) {
      this.addSql(
        `alter table "${table}" add constraint "${table}_user_id_foreign" foreign key ("user_id") references "user" ("id") on delete cascade;`,
      );
    }
    this.addSql(
      `alter table "webauthn_challenge" add constraint "webauthn_challenge_mfa_challenge_id_foreign" foreign key ("mfa_challenge_id") references "mfa_challenge" ("id") on delete cascade;`,
    );

    this.addSql(`alter table "audit_event" drop constraint if exists "audit_event_action_check";`);
    this.addSql(
      `alter table "audit_event" add constraint "audit_event_action_check" check("action" in (${ACTIONS_BEFORE}, ${MFA_ACTIONS}));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`delete from "audit_event" where "action" in (${MFA_ACTIONS});`);
    this.addSql(`alter table "audit_event" drop constraint if exists "audit_event_action_check";`);
    this.addSql(
      `alter table "audit_event" add constraint "audit_event_action_check" check("action" in (${ACTIONS_BEFORE}));`,
    );
    for (const table of ['webauthn_challenge', 'mfa_challenge', 'recovery_code', 'passkey', 'totp_factor']) {
      this.addSql(`drop table if exists "${table}" cascade;`);
    }
    this.addSql(`alter table "session" drop column "mfa_verified_at";`);
    this.addSql(`alter table "user" drop column "mfa_enabled";`);
  }
}
