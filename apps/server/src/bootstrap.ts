import { FirstAdminSetup } from '@gatehouse/api/server';
import type { Core } from '@gatehouse/core';
import type { Logger } from 'pino';

/**
 * Makes sure the installation can be administered: with ADMIN_EMAIL/ADMIN_PASSWORD, creates that
 * admin when the database has none; without them, on a database with no admin, returns a one-time
 * setup link to print. Returns null when nothing is to be done.
 */
export async function bootstrapAdmin(
  core: Core,
  log: Logger,
): Promise<{ setup: FirstAdminSetup; link: string } | null> {
  const { adminEmail, adminPassword, publicUrl } = core.config;
  if (adminEmail && adminPassword) {
    const created = await core.users.createFirstAdmin({ email: adminEmail, password: adminPassword });
    if (created) log.info({ userId: created.id, email: created.email }, 'created the admin from ADMIN_EMAIL');
    return null;
  }
  if (adminEmail || adminPassword)
    log.warn('ADMIN_EMAIL and ADMIN_PASSWORD must be set together; ignoring them');
  if ((await core.users.countAdmins()) > 0) return null;
  const { setup, token } = FirstAdminSetup.create();
  return { setup, link: `${publicUrl}/setup?token=${token}` };
}
