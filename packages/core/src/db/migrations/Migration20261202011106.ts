import { Migration } from '@mikro-orm/migrations';

// Distinct audit actions for ending one session (auth.session_revoked) and signing out everywhere
// (auth.logout_all); auth.logout is now only "sign out here". The foreign keys of session and
// password_reset (made by hand in the first migration) stay.
export class Migration20261202011106 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "audit_event" drop constraint if exists "audit_event_action_check";`);
    this.addSql(
      `alter table "audit_event" add constraint "audit_event_action_check" check("action" in ('user.created', 'user.updated', 'user.deleted', 'user.role_changed', 'invite.created', 'invite.resent', 'invite.revoked', 'invite.accepted', 'auth.login', 'auth.login_failed', 'auth.logout', 'auth.session_revoked', 'auth.logout_all', 'auth.password_changed', 'auth.password_reset', 'api_token.generated', 'api_token.revoked'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "audit_event" drop constraint if exists "audit_event_action_check";`);
    this.addSql(
      `alter table "audit_event" add constraint "audit_event_action_check" check("action" in ('user.created', 'user.updated', 'user.deleted', 'user.role_changed', 'invite.created', 'invite.resent', 'invite.revoked', 'invite.accepted', 'auth.login', 'auth.login_failed', 'auth.logout', 'auth.password_changed', 'auth.password_reset', 'api_token.generated', 'api_token.revoked'));`,
    );
  }
}
