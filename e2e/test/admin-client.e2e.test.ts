import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { createGatehouseClient } from '@gatehouse/api';
import { FirstAdminSetup } from '@gatehouse/api/server';
import type { Core } from '@gatehouse/core';
import { createTestCore, RecordingMailer, workerDatabaseUrl } from '@gatehouse/core/testing';
import { buildServer } from '@gatehouse/server';
import { type Browser, type BrowserContextOptions, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

// The built admin client, served by the real server on a real database, driven in Debian's
// Chromium through the back office's main flows. The tests of this file run in order and build on
// each other (first admin, then users, invites, …), as an admin's day would. Skipped (and said so)
// where no Chromium is installed; .ci/run installs it.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PASSWORD = 'correct horse battery staple';
const DEV_PASSWORD = 'violet otter lantern nine';
const ADMIN = 'first@example.com';

// Every run saves a screenshot of each screen under e2e/dist/screenshots; with
// UPDATE_SCREENSHOTS=1 the README's selection is also written to docs/screenshots.
const SHOTS = fileURLToPath(new URL('../dist/screenshots/', import.meta.url));
const DOCS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const UPDATE_DOCS = process.env.UPDATE_SCREENSHOTS === '1';
const DOC_SCREENS = new Set([
  'sign-in',
  'users',
  'user',
  'invite-link',
  'invites',
  'accept-invite',
  'audit',
  'account',
  'users-dark',
  'users-narrow',
]);

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/** An input by its label; Mantine appends " *" to the label of a required field. */
const field = (scope: Page | Locator, label: string) => scope.getByLabel(new RegExp(`^${label}( \\*)?$`));

// Each test drives several browsers through a flow: generous on a slow, loaded CI machine.
describe.skipIf(!existsSync(CHROMIUM))('admin client in a browser', { timeout: 180_000 }, () => {
  let core: Core;
  let app: Awaited<ReturnType<typeof buildServer>>;
  let browser: Browser;
  let url: string;
  const mailer = new RecordingMailer();
  const firstRun = FirstAdminSetup.create();
  const accessibility: { screen: string; violations: string[] }[] = [];

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    core = await createTestCore(workerDatabaseUrl(inject('templateUrl')), {
      mailer,
      // Every browser here is one IP: the per-IP ceiling (tested in the server's tests) is not the subject.
      env: { PUBLIC_URL: url, RATE_LIMIT_PER_MINUTE: '10000' },
    });
    // The server serves @gatehouse/admin-client's build by default, as `pnpm start` does.
    app = await buildServer({ core, firstAdminSetup: firstRun.setup });
    await app.listen({ host: '127.0.0.1', port });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
      ],
    });
    mkdirSync(SHOTS, { recursive: true });
    if (UPDATE_DOCS) mkdirSync(DOCS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await core?.close();
  });

  const newPage = async (options: BrowserContextOptions = {}) =>
    (
      await browser.newContext({
        viewport: { width: 1280, height: 800 },
        // The app honours reduced motion: no transition is half-way when axe judges colours.
        reducedMotion: 'reduce',
        ...options,
      })
    ).newPage();

  /** axe-core on the screen as it is now (serious and critical findings are collected), then a screenshot. */
  const check = async (page: Page, screen: string) => {
    // Let Mantine's transitions (modals, notifications) settle before judging colours.
    await page.waitForTimeout(400);
    const result = await new AxeBuilder({ page }).analyze();
    const violations = result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map(
        (violation) =>
          `${violation.id}: ${violation.nodes.map((node) => `${node.html.slice(0, 160)} (${node.failureSummary})`).join('; ')}`,
      );
    accessibility.push({ screen, violations });
    // From the top, so the fixed header sits where it belongs in a full-page picture.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}${screen}.png`, fullPage: true });
    if (UPDATE_DOCS && DOC_SCREENS.has(screen)) {
      await page.screenshot({ path: `${DOCS}${screen}.png`, fullPage: true });
    }
    expect({ screen, violations }).toEqual({ screen, violations: [] });
  };

  const signIn = async (page: Page, email: string, password = PASSWORD) => {
    await page.goto(`${url}/sign-in`);
    await field(page, 'Email').fill(email);
    await field(page, 'Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
  };

  /** A confirmation dialog's button (the page behind it may have a button of the same name). */
  const confirm = async (page: Page, title: string, button: string) => {
    const dialog = page.getByRole('dialog', { name: title });
    await dialog.getByRole('button', { name: button, exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
  };

  it('first run: the printed one-time link creates the first admin, once', async () => {
    const page = await newPage();
    await page.goto(`${url}/setup?token=${firstRun.token}`);
    await page.getByRole('heading', { name: 'Set up Gatehouse' }).waitFor();
    await check(page, 'setup');
    await field(page, 'Email').fill(ADMIN);
    await field(page, 'Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create admin' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await expect.poll(() => page.locator('header').textContent()).toContain(ADMIN);

    const again = await newPage();
    await again.goto(`${url}/setup?token=${firstRun.token}`);
    await field(again, 'Email').fill('second@example.com');
    await field(again, 'Password').fill(PASSWORD);
    await again.getByRole('button', { name: 'Create admin' }).click();
    await expect
      .poll(() =>
        again.getByRole('form', { name: 'Create the first admin' }).getByRole('alert').textContent(),
      )
      .toContain('already been used');
  });

  it('signs in, then searches (debounced, in the URL), filters and pages through users', async () => {
    for (let i = 1; i <= 30; i++) {
      await core.users.create({
        email: `shopper${i}@example.com`,
        firstName: `Shopper ${i}`,
        role: 'member',
      });
    }
    const page = await newPage();
    await page.goto(url);
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await field(page, 'Email').fill(ADMIN);
    await field(page, 'Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect
      .poll(() => page.getByRole('form', { name: 'Sign in' }).getByRole('alert').textContent())
      .toContain('do not match');
    await check(page, 'sign-in');
    await field(page, 'Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    const users = page.getByRole('region', { name: 'Users' });
    await expect.poll(() => users.textContent()).toContain('Showing 25 of 31 users');
    expect(await users.getByText('no password').count()).toBeGreaterThan(0);
    await check(page, 'users');
    await users.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => users.textContent()).toContain('Showing 31 of 31 users');

    await field(page, 'Search').fill('shopper1');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('shopper1');
    await expect.poll(() => users.textContent()).toContain('Showing 11 of 11 users');
    await page.getByLabel('Role').selectOption('admin');
    await expect.poll(() => users.textContent()).toContain('No users match');
    await users.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Role').selectOption('admin');
    await expect.poll(() => users.textContent()).toContain('Showing 1 of 1 users');
    expect(new URL(page.url()).searchParams.get('role')).toBe('admin');
    // The URL is the state: a reload shows the same list.
    await page.reload();
    await expect.poll(() => users.textContent()).toContain(ADMIN);
  });

  it('creates a user, changes roles (LAST_ADMIN in words for the last admin) and deletes a user', async () => {
    const page = await newPage();
    await signIn(page, ADMIN);
    await page.getByRole('button', { name: 'Create user' }).click();
    const form = page.getByRole('form', { name: 'Create user' });
    await field(form, 'Email').fill('zed@example.com');
    await field(form, 'First name').fill('Zed');
    await field(form, 'Password').fill('short');
    await expect.poll(() => form.getByTestId('password-strength').textContent()).toContain('at least 8');
    await field(form, 'Password').fill(PASSWORD);
    await check(page, 'create-user');
    await form.getByRole('button', { name: 'Create user' }).click();
    await form.waitFor({ state: 'hidden' });
    const users = page.getByRole('region', { name: 'Users' });
    await field(page, 'Search').fill('zed');
    await users.getByRole('link', { name: 'Zed' }).click();
    await page.getByRole('heading', { name: 'Zed' }).waitFor();

    // Zed becomes a developer, after a confirmation.
    await page.getByRole('region', { name: 'Role' }).getByLabel('Role').selectOption('developer');
    await page.getByRole('region', { name: 'Role' }).getByRole('button', { name: 'Change role' }).click();
    await confirm(page, 'Change role?', 'Change role');
    await expect.poll(() => page.getByText('zed@example.com is now developer').count()).toBe(1);
    await check(page, 'user');

    // The only admin cannot demote themself: the page says why.
    await page.goto(`${url}/users?q=first`);
    await users.getByRole('link', { name: ADMIN }).click();
    const role = page.getByRole('region', { name: 'Role' });
    await role.getByLabel('Role').selectOption('member');
    await role.getByRole('button', { name: 'Change role' }).click();
    await confirm(page, 'Change role?', 'Change role');
    await expect.poll(() => role.getByRole('alert').textContent()).toContain('This is the last admin');

    // Deleting Zed, after a confirmation.
    await page.goto(`${url}/users?q=zed`);
    await users.getByRole('link', { name: 'Zed' }).click();
    await page
      .getByRole('region', { name: 'Delete user' })
      .getByRole('button', { name: 'Delete user' })
      .click();
    await confirm(page, 'Delete this user?', 'Delete user');
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await field(page, 'Search').fill('zed');
    await expect.poll(() => users.textContent()).toContain('No users match');
  });

  it('invites a developer; a second browser previews the link, accepts it and lands signed in as a developer', async () => {
    const admin = await newPage();
    await signIn(admin, ADMIN);
    await admin.getByRole('link', { name: 'Invites' }).click();
    await admin.getByRole('heading', { name: 'Invites' }).waitFor();
    await admin.getByRole('button', { name: 'Invite a user' }).first().click();
    const form = admin.getByRole('form', { name: 'Invite a user' });
    await field(form, 'Email').fill('Dev@Example.com');
    await form.getByLabel('Role').selectOption('developer');
    await check(admin, 'invite-dialog');
    await form.getByRole('button', { name: 'Send invite' }).click();
    const link = admin.getByRole('textbox', { name: 'Invite link for dev@example.com' });
    await link.waitFor();
    const acceptUrl = await link.inputValue();
    expect(acceptUrl).toBe(`${url}/accept-invite?token=${mailer.lastTokenFor('dev@example.com')}`);
    await expect
      .poll(() => admin.getByRole('dialog', { name: 'Invite a user' }).textContent())
      .toContain('Invite emailed');
    await check(admin, 'invite-link');
    await admin.getByRole('button', { name: 'Done' }).click();
    await expect
      .poll(() => admin.getByRole('region', { name: 'Invites' }).textContent())
      .toContain('pending');
    await expect
      .poll(() => admin.getByRole('region', { name: 'Invites' }).textContent())
      .toMatch(/expires in [67] days/);
    await check(admin, 'invites');

    const invitee = await newPage();
    const accepts: string[] = [];
    invitee.on('request', (request) => {
      if (request.url().includes('invites.accept')) accepts.push(request.url());
    });
    await invitee.goto(acceptUrl);
    await expect.poll(() => field(invitee, 'Email').inputValue()).toBe('dev@example.com');
    expect(await invitee.locator('main').textContent()).toContain('developer');
    await check(invitee, 'accept-invite');
    await field(invitee, 'First name').fill('Dana');
    await field(invitee, 'Password').fill('password');
    await expect.poll(() => invitee.getByTestId('password-strength').textContent()).toContain('too common');
    await invitee.getByRole('button', { name: 'Accept and sign in' }).click();
    await expect
      .poll(() =>
        invitee
          .getByRole('form', { name: 'Accept invite' })
          .getByText(/too common/)
          .count(),
      )
      .toBe(2); // the live feedback, and the field's error
    expect(accepts).toEqual([]);

    await field(invitee, 'Password').fill(DEV_PASSWORD);
    await invitee.getByRole('button', { name: 'Accept and sign in' }).click();
    await invitee.getByRole('heading', { name: 'Users' }).waitFor();
    expect(accepts).toHaveLength(1);
    await expect.poll(() => invitee.locator('header').textContent()).toContain('developer');
    // A developer reads the lists but is offered no admin action.
    expect(await invitee.getByRole('button', { name: 'Create user' }).count()).toBe(0);
    expect(await invitee.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await invitee.getByRole('link', { name: 'Invites' }).click();
    await expect
      .poll(() => invitee.getByRole('region', { name: 'Invites' }).textContent())
      .toContain('accepted');
    expect(await invitee.getByRole('button', { name: 'Invite a user' }).count()).toBe(0);
    expect(await invitee.getByRole('button', { name: /Resend|Revoke/ }).count()).toBe(0);
    // The used link now says so.
    const reopened = await newPage();
    await reopened.goto(acceptUrl);
    await reopened.getByRole('heading', { name: 'Invite already accepted' }).waitFor();
  });

  it('resend kills the old link ("replaced"); revoke kills the new one; EMAIL_TAKEN is explained', async () => {
    const page = await newPage();
    await signIn(page, ADMIN);
    await page.goto(`${url}/invites`);
    await page.getByRole('button', { name: 'Invite a user' }).first().click();
    let form = page.getByRole('form', { name: 'Invite a user' });
    await field(form, 'Email').fill('late@example.com');
    await form.getByRole('switch', { name: /Email the invite link/ }).uncheck({ force: true });
    await form.getByRole('button', { name: 'Send invite' }).click();
    const firstLink = await page
      .getByRole('textbox', { name: 'Invite link for late@example.com' })
      .inputValue();
    await expect
      .poll(() => page.getByRole('dialog', { name: 'Invite a user' }).textContent())
      .toContain('not emailed');
    await page.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('button', { name: 'Resend invite for late@example.com' }).click();
    await confirm(page, 'Resend this invite?', 'Resend invite');
    const resent = page.getByRole('dialog', { name: 'Invite resent' });
    const secondLink = await resent
      .getByRole('textbox', { name: 'Invite link for late@example.com' })
      .inputValue();
    expect(secondLink).not.toBe(firstLink);
    await resent.getByRole('button', { name: 'Close' }).click();

    const old = await newPage();
    await old.goto(firstLink);
    await old.getByRole('heading', { name: 'This invite link does not work' }).waitFor();
    expect(await old.locator('main').textContent()).toContain('replaced by a newer one');
    await check(old, 'accept-invite-replaced');

    await page.getByRole('button', { name: 'Revoke invite for late@example.com' }).click();
    await confirm(page, 'Revoke this invite?', 'Revoke invite');
    await page.getByLabel('Status').selectOption('revoked');
    await expect
      .poll(() => page.getByRole('region', { name: 'Invites' }).textContent())
      .toContain('late@example.com');
    const revoked = await newPage();
    await revoked.goto(secondLink);
    await revoked.getByRole('heading', { name: 'Invite revoked' }).waitFor();

    await page.getByRole('button', { name: 'Invite a user' }).first().click();
    form = page.getByRole('form', { name: 'Invite a user' });
    await field(form, 'Email').fill('shopper3@example.com');
    await form.getByRole('button', { name: 'Send invite' }).click();
    await expect
      .poll(() => form.getByRole('alert').textContent())
      .toContain('already exists, so there is nobody to invite');
  });

  it('the audit log shows those events, filters by action and actor, and links actors and targets', async () => {
    const page = await newPage();
    await signIn(page, ADMIN);
    await page.getByRole('link', { name: 'Audit log' }).click();
    const events = page.getByRole('region', { name: 'Audit events' });
    for (const action of [
      'user.created',
      'user.role_changed',
      'user.deleted',
      'invite.created',
      'invite.accepted',
      'invite.resent',
      'invite.revoked',
      'auth.login_failed',
    ]) {
      await expect.poll(() => events.textContent()).toContain(action);
    }
    await check(page, 'audit');
    await page.getByLabel('Action').selectOption('invite.revoked');
    await expect.poll(() => new URL(page.url()).searchParams.get('action')).toBe('invite.revoked');
    await expect.poll(() => events.getByRole('row').count()).toBe(2);
    // The actor is linked (by email once known) and filterable.
    await expect.poll(() => events.getByRole('link', { name: ADMIN }).count()).toBe(1);
    await page.getByLabel('Action').selectOption('');
    await events
      .getByRole('button', { name: /^Filter by actor/ })
      .first()
      .click();
    await expect.poll(() => new URL(page.url()).searchParams.get('actorId')).toMatch(/^usr_/);
    await events.getByRole('link', { name: ADMIN }).first().click();
    await page.getByRole('heading', { name: ADMIN }).waitFor();
  });

  it('my account: API token shown once and usable, then revoked; profile saved', async () => {
    const page = await newPage();
    await signIn(page, ADMIN);
    await page.getByRole('link', { name: 'My account' }).click();
    const token = page.getByRole('region', { name: 'API token' });
    await token.getByRole('button', { name: 'Generate token' }).waitFor();
    await expect
      .poll(() => page.getByRole('region', { name: 'Sessions' }).textContent())
      .toContain('this browser');
    await check(page, 'account');
    await token.getByRole('button', { name: 'Generate token' }).click();
    const secret = await token.getByRole('textbox', { name: 'New API token' }).inputValue();
    expect(secret).toMatch(/^gha_/);
    await check(page, 'account-token');
    const machine = createGatehouseClient({ url, apiToken: secret });
    expect((await machine.auth.me.query()).email).toBe(ADMIN);

    await page.reload();
    await expect.poll(() => token.textContent()).toContain('Current token starts with');
    expect(await token.getByRole('textbox').count()).toBe(0);
    await token.getByRole('button', { name: 'Revoke token' }).click();
    await confirm(page, 'Revoke the API token?', 'Revoke token');
    await expect.poll(() => token.textContent()).toContain('No API token');
    await expect(machine.auth.me.query()).rejects.toMatchObject({ data: { domainCode: 'UNAUTHENTICATED' } });

    const profile = page.getByRole('form', { name: 'Profile' });
    await field(profile, 'First name').fill('Fran');
    await profile.getByRole('button', { name: 'Save profile' }).click();
    await expect.poll(() => page.locator('header').textContent()).toContain('Fran');
  });

  it('sessions: one browser ends another; changing the password says other sessions end', async () => {
    const here = await newPage();
    const there = await newPage();
    await signIn(here, 'dev@example.com', DEV_PASSWORD);
    await signIn(there, 'dev@example.com', DEV_PASSWORD);
    await here.goto(`${url}/account`);
    const sessions = here.getByRole('region', { name: 'Sessions' });
    await expect.poll(() => sessions.getByRole('row').count()).toBeGreaterThanOrEqual(3);
    expect(await sessions.textContent()).toContain('this browser');
    const others = sessions.getByRole('button', { name: /^End session from/ });
    const before = await others.count();
    await others.first().click();
    await expect.poll(() => others.count()).toBe(before - 1);

    // One of the ended sessions was `there` (it was the newest other one): it is signed out.
    await there.goto(`${url}/account`);
    await there.getByRole('button', { name: 'Sign in', exact: true }).waitFor();

    const change = here.getByRole('form', { name: 'Change password' });
    await expect
      .poll(() => change.textContent())
      .toContain('Every other browser and device signed in as you is signed out');
    await field(change, 'Current password').fill(DEV_PASSWORD);
    await field(change, 'New password').fill(`${DEV_PASSWORD} again`);
    await change.getByRole('button', { name: 'Change password' }).click();
    await expect
      .poll(() => change.getByRole('status').textContent())
      .toContain('other sessions have ended and your API token was revoked');
    await expect.poll(() => others.count()).toBe(0);
  });

  it('password reset through the link the server mailed; then sign in with the new password', async () => {
    const page = await newPage();
    await page.goto(`${url}/sign-in`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    // Both pages have an Email field: type only once the new page is there.
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    await field(page, 'Email').fill('dev@example.com');
    await check(page, 'forgot-password');
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText('Check your email').waitFor();
    // The mail leaves in the background, after the answer: wait for the reset link itself.
    await expect.poll(() => mailer.lastTokenFor('dev@example.com')).toMatch(/^ghr_/);
    const resetUrl = `${url}/reset-password?token=${mailer.lastTokenFor('dev@example.com')}`;
    await page.goto(resetUrl);
    await field(page, 'New password').waitFor();
    await check(page, 'reset-password');
    await field(page, 'New password').fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByRole('heading', { name: 'Password changed' }).waitFor();
    await signIn(page, 'dev@example.com', 'a brand new passphrase');
    // The link was single use.
    await page.goto(resetUrl);
    await field(page, 'New password').fill('another brand new passphrase');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('invalid, expired or already used');
  });

  it('is usable at 375 px and in dark mode (screenshots), still without serious axe findings', async () => {
    const narrow = await newPage({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    await signIn(narrow, ADMIN);
    await expect.poll(() => narrow.getByRole('region', { name: 'Users' }).textContent()).toContain('Showing');
    await check(narrow, 'users-narrow');
    await narrow.getByRole('button', { name: 'Menu' }).click();
    await narrow.getByRole('link', { name: 'Invites' }).click();
    await narrow.getByRole('heading', { name: 'Invites' }).waitFor();
    await expect
      .poll(() => narrow.getByRole('region', { name: 'Invites' }).textContent())
      .toContain('Showing');
    await check(narrow, 'invites-narrow');

    const dark = await newPage({ colorScheme: 'dark' });
    await signIn(dark, ADMIN);
    expect(await dark.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');
    await expect.poll(() => dark.getByRole('region', { name: 'Users' }).textContent()).toContain('Showing');
    await check(dark, 'users-dark');
    await dark.goto(`${url}/audit`);
    await expect
      .poll(() => dark.getByRole('region', { name: 'Audit events' }).textContent())
      .toContain('auth.login');
    await check(dark, 'audit-dark');
    expect(accessibility.filter((entry) => entry.violations.length > 0)).toEqual([]);
  });
});
