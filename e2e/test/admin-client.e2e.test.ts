import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { FirstAdminSetup } from '@gatehouse/api/server';
import type { Core } from '@gatehouse/core';
import { createTestCore, RecordingMailer, workerDatabaseUrl } from '@gatehouse/core/testing';
import { buildServer } from '@gatehouse/server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

// The built admin client, served by the real server on a real database, driven in Debian's
// Chromium. Skipped (and said so) where no Chromium is installed; .ci/run installs it.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PASSWORD = 'correct horse battery staple';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

describe.skipIf(!existsSync(CHROMIUM))('admin client in a browser', () => {
  let core: Core;
  let app: Awaited<ReturnType<typeof buildServer>>;
  let browser: Browser;
  let url: string;
  const mailer = new RecordingMailer();
  const firstRun = FirstAdminSetup.create();

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    core = await createTestCore(workerDatabaseUrl(inject('templateUrl')), {
      mailer,
      env: { PUBLIC_URL: url },
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
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await core?.close();
  });

  const signIn = async (page: Page, email: string) => {
    await page.goto(url);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Gatehouse' }).waitFor();
  };

  it('first run: the printed one-time link creates the first admin, once', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${url}/setup?token=${firstRun.token}`);
    await page.getByLabel('Email').fill('first@example.com');
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create admin' }).click();
    await page.getByRole('heading', { name: 'Gatehouse' }).waitFor();
    expect(await page.locator('header').textContent()).toContain('first@example.com');

    const again = await (await browser.newContext()).newPage();
    await again.goto(`${url}/setup?token=${firstRun.token}`);
    await again.getByLabel('Email').fill('second@example.com');
    await again.getByLabel(/^Password/).fill(PASSWORD);
    await again.getByRole('button', { name: 'Create admin' }).click();
    await expect.poll(() => again.getByRole('alert').textContent()).toContain('already been used');
  });

  it('an admin signs in, invites a developer, and the invitee accepts through the link', async () => {
    await core.users.create({ email: 'admin@example.com', password: PASSWORD, role: 'admin' });
    const adminPage = await (await browser.newContext()).newPage();
    await signIn(adminPage, 'admin@example.com');
    await expect
      .poll(() => adminPage.getByRole('region', { name: 'Users' }).textContent())
      .toContain('admin@example.com');

    const inviteForm = adminPage.getByRole('form', { name: 'Invite a user' });
    await inviteForm.getByLabel('Email').fill('Dev@Example.com');
    await inviteForm.getByLabel('Role').selectOption('developer');
    await inviteForm.getByRole('button', { name: 'Send invite' }).click();
    const link = adminPage.getByRole('textbox', { name: /Invite link for dev@example.com/ });
    await link.waitFor();
    const acceptUrl = await link.inputValue();
    expect(acceptUrl).toBe(`${url}/accept-invite?token=${mailer.lastTokenFor('dev@example.com')}`);
    await expect
      .poll(() => adminPage.getByRole('region', { name: 'Invites' }).textContent())
      .toContain('pending');

    const invitee = await (await browser.newContext()).newPage();
    await invitee.goto(acceptUrl);
    await expect.poll(() => invitee.getByLabel('Email').inputValue()).toBe('dev@example.com');
    await invitee.getByLabel('First name').fill('Dana');
    await invitee.getByLabel(/^Password/).fill('short');
    await invitee.getByRole('button', { name: 'Accept and sign in' }).click();
    await expect.poll(() => invitee.getByRole('alert').textContent()).toContain('at least 8 characters');

    await invitee.getByLabel(/^Password/).fill(PASSWORD.replace('horse', 'donkey'));
    await invitee.getByRole('button', { name: 'Accept and sign in' }).click();
    await invitee.getByRole('heading', { name: 'Gatehouse' }).waitFor();
    expect(await invitee.locator('header').textContent()).toContain('developer');
    // Developers read lists but get no invite form.
    expect(await invitee.getByRole('form', { name: 'Invite a user' }).count()).toBe(0);

    // The developer sees this browser among their sessions, and can sign out everywhere.
    await expect
      .poll(() => invitee.getByRole('region', { name: 'Sessions' }).textContent())
      .toContain('this browser');
    await invitee.getByRole('button', { name: 'Sign out everywhere' }).click();
    await invitee.getByRole('button', { name: 'Sign in' }).waitFor();

    await adminPage.reload();
    await expect
      .poll(() => adminPage.getByRole('region', { name: 'Users' }).textContent())
      .toContain('dev@example.com');
    await adminPage.screenshot({
      path: fileURLToPath(new URL('../dist/e2e-dashboard.png', import.meta.url)),
      fullPage: true,
    });
  });

  it('shows a clear message for a used or unknown invite link', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${url}/accept-invite?token=ghi_${'A'.repeat(43)}`);
    await expect.poll(() => page.locator('main').textContent()).toContain('invalid or has been replaced');
  });
});
