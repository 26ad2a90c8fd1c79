import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import AxeBuilder from '@axe-core/playwright';
import type { Core } from '@gatehouse/core';
import { createTestCore, truncateAll, workerDatabaseUrl } from '@gatehouse/core/testing';
import { buildServer } from '@gatehouse/server';
import { Secret, TOTP } from 'otpauth';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

// Second factors in the web admin, in Chromium against the real server and database: authenticator
// app enrolment (this test computes the codes), sign-in with a code and with a recovery code,
// passkeys through Chromium's virtual authenticator (DevTools protocol), the step-up dialog, and
// forced enrolment (MFA_REQUIRED_ROLES=admin). The tests run in order and build on each other.
//
// WebAuthn refuses an IP address as relying party id, so the server is reached as `localhost` and
// PUBLIC_URL (where the relying party id comes from) says the same origin.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PASSWORD = 'correct horse battery staple';
const ADMIN = 'mfa-admin@example.com';
const MEMBER = 'lost-phone@example.com';
const FORCED = 'forced-admin@example.com';
const PERIOD = 30;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/** An input by its label; Mantine appends " *" to the label of a required field. */
const field = (scope: Page | Locator, label: string) => scope.getByLabel(new RegExp(`^${label}( \\*)?$`));

/**
 * An authenticator app: codes for a base32 secret. A time step works once per user, so each code
 * comes from a step after the last one used: the current step, else the next one (the server
 * accepts one step of drift), else it waits for the clock.
 */
class AuthenticatorApp {
  #totp: TOTP;
  #lastStep = 0;
  constructor(secret: string) {
    this.#totp = new TOTP({
      secret: Secret.fromBase32(secret),
      algorithm: 'SHA1',
      digits: 6,
      period: PERIOD,
    });
  }
  async code(): Promise<string> {
    const nowStep = () => Math.floor(Date.now() / 1000 / PERIOD);
    const step = Math.max(this.#lastStep + 1, nowStep());
    while (step > nowStep() + 1) await new Promise((resolve) => setTimeout(resolve, 500));
    this.#lastStep = step;
    return this.#totp.generate({ timestamp: step * PERIOD * 1000 });
  }
}

/**
 * What the page saves as a file, by name and content. (This Chromium, driven by playwright-core,
 * reports no download events, so the link the page clicks is read instead.)
 */
const recordDownloads = (page: Page) =>
  page.addInitScript(() => {
    const saved: { name: string; text: string | null }[] = [];
    Reflect.set(window, 'savedDownloads', saved);
    const blobs = new Map<string, Blob>();
    const createObjectURL = URL.createObjectURL;
    URL.createObjectURL = (object: Blob | MediaSource) => {
      const url = createObjectURL(object);
      if (object instanceof Blob) blobs.set(url, object);
      return url;
    };
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      const blob = blobs.get(this.href);
      if (this.download && blob) {
        const entry: { name: string; text: string | null } = { name: this.download, text: null };
        saved.push(entry);
        void blob.text().then((text) => {
          entry.text = text;
        });
      }
      click.call(this);
    };
  });

const downloads = (page: Page): Promise<unknown> =>
  page.evaluate(() => JSON.parse(JSON.stringify(Reflect.get(window, 'savedDownloads') ?? [])));

/** No serious or critical axe-core finding on the screen as it is now. */
async function expectAccessible(page: Page, screen: string) {
  // Let Mantine's transitions (modals, notifications) settle before judging colours.
  await page.waitForTimeout(400);
  const result = await new AxeBuilder({ page }).analyze();
  const violations = result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) => `${violation.id}: ${violation.nodes.map((node) => node.html.slice(0, 160)).join('; ')}`,
    );
  expect({ screen, violations }).toEqual({ screen, violations: [] });
}

interface Host {
  core: Core;
  app: Awaited<ReturnType<typeof buildServer>>;
  url: string;
}

async function startHost(env: Record<string, string> = {}): Promise<Host> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const core = await createTestCore(workerDatabaseUrl(inject('templateUrl')), {
    // Every browser here is one IP: the per-IP ceiling (tested in the server's tests) is not the subject.
    env: { PUBLIC_URL: url, RATE_LIMIT_PER_MINUTE: '10000', ...env },
  });
  const app = await buildServer({ core });
  await app.listen({ host: 'localhost', port });
  return { core, app, url };
}

describe.skipIf(!existsSync(CHROMIUM))('second factors in the web admin', { timeout: 240_000 }, () => {
  let host: Host;
  let forcedHost: Host;
  let browser: Browser;
  let memberId: string;
  let adminApp: AuthenticatorApp;
  let recoveryCodes: string[] = [];
  let passkeyPage: Page;

  beforeAll(async () => {
    host = await startHost();
    // The other e2e file shares this database: start from nothing, leave nothing behind.
    await truncateAll(host.core);
    forcedHost = await startHost({ MFA_REQUIRED_ROLES: 'admin' });
    await host.core.users.create({ email: ADMIN, password: PASSWORD, role: 'admin', firstName: 'Mia' });
    const member = await host.core.users.create({ email: MEMBER, password: PASSWORD, role: 'member' });
    memberId = member.id;
    // The member already has an authenticator app (set up outside the browser).
    const { secret } = await host.core.mfa.startTotp(memberId);
    await host.core.mfa.confirmTotp(memberId, await new AuthenticatorApp(secret).code());
    await forcedHost.core.users.create({ email: FORCED, password: PASSWORD, role: 'admin' });
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
    if (host) await truncateAll(host.core);
    await forcedHost?.app.close();
    await forcedHost?.core.close();
    await host?.app.close();
    await host?.core.close();
  });

  const newPage = async () =>
    (await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })).newPage();

  const enterPassword = async (page: Page, base: string, email: string) => {
    await page.goto(`${base}/sign-in`);
    await field(page, 'Email').fill(email);
    await field(page, 'Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };

  /** Password, then the second step with a code (TOTP or recovery). */
  const signInWithCode = async (page: Page, code: string) => {
    await enterPassword(page, host.url, ADMIN);
    const step = page.getByRole('form', { name: 'Second step' });
    await field(step, 'Code').fill(code);
    await step.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
  };

  const readRecoveryCodes = async (page: Page) => {
    const list = page.getByRole('list', { name: 'Recovery codes to save' });
    await list.waitFor();
    return list.getByRole('listitem').allTextContents();
  };

  it('enrols an authenticator app from the QR page, shows recovery codes once, and a reset asks for a step-up', async () => {
    const page = await newPage();
    await recordDownloads(page);
    // No factor yet: the password alone signs in.
    await enterPassword(page, host.url, ADMIN);
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.getByRole('link', { name: 'Security' }).click();
    const totpCard = page.getByRole('region', { name: 'Authenticator app' });
    await totpCard.getByRole('button', { name: 'Set up authenticator app' }).click();
    await totpCard.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    const secret = await field(totpCard, 'Setup key').inputValue();
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    await expectAccessible(page, 'security: authenticator set-up');
    adminApp = new AuthenticatorApp(secret);

    // A wrong code is refused in words, and the app stays off.
    await field(totpCard, 'Code from the app').fill('000000');
    await totpCard.getByRole('button', { name: 'Turn on' }).click();
    await expect.poll(() => totpCard.getByRole('alert').textContent()).toContain('not valid');
    await field(totpCard, 'Code from the app').fill(await adminApp.code());
    await totpCard.getByRole('button', { name: 'Turn on' }).click();

    recoveryCodes = await readRecoveryCodes(page);
    expect(recoveryCodes).toHaveLength(10);
    await expectAccessible(page, 'security: recovery codes');
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/);
    const panel = page.getByRole('region', { name: 'Save your recovery codes now' });
    await panel.getByRole('button', { name: 'Download .txt' }).click();
    await expect
      .poll(() => downloads(page))
      .toEqual([
        { name: 'gatehouse-recovery-codes.txt', text: expect.stringContaining(recoveryCodes.join('\n')) },
      ]);
    await panel.getByRole('button', { name: 'I have saved them' }).click();
    await panel.waitFor({ state: 'hidden' });
    await expect.poll(() => totpCard.textContent()).toContain('Sign-ins ask for a 6-digit code');
    await expect
      .poll(() => page.getByRole('region', { name: 'Recovery codes' }).textContent())
      .toContain('10 recovery codes left');
    // Shown once: a reload has no codes.
    await page.reload();
    await expect.poll(() => totpCard.textContent()).toContain('Sign-ins ask for a 6-digit code');
    expect(await page.getByRole('list', { name: 'Recovery codes to save' }).count()).toBe(0);

    // The users table marks both users with a second factor.
    await page.getByRole('link', { name: 'Users' }).click();
    const users = page.getByRole('region', { name: 'Users' });
    await expect.poll(() => users.getByText('2FA', { exact: true }).count()).toBe(2);

    // This session signed in with the password alone: resetting the member's factors needs a step-up.
    await page.goto(`${host.url}/users/${memberId}`);
    const factors = page.getByRole('region', { name: 'Second factors' });
    await factors.getByRole('button', { name: 'Reset 2FA' }).click();
    const confirmDialog = page.getByRole('dialog', { name: 'Reset 2FA?' });
    await confirmDialog.getByRole('button', { name: 'Reset 2FA' }).click();
    const stepUp = page.getByRole('dialog', { name: 'Confirm it is you' });
    await field(stepUp, 'Code').fill('000000');
    await stepUp.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => stepUp.getByRole('alert').textContent()).toContain('not valid');
    await expectAccessible(page, 'step-up dialog');
    expect((await host.core.users.get(memberId)).mfaEnabled).toBe(true);
    await field(stepUp, 'Code').fill(await adminApp.code());
    await stepUp.getByRole('button', { name: 'Confirm' }).click();
    await stepUp.waitFor({ state: 'hidden' });
    // The reset was sent again after the step-up, and went through.
    await expect.poll(() => factors.textContent()).toContain('This user has no second factor');
    expect((await host.core.users.get(memberId)).mfaEnabled).toBe(false);
    await page.context().close();
  });

  it('signs in with a code from the authenticator app', async () => {
    const page = await newPage();
    await enterPassword(page, host.url, ADMIN);
    const step = page.getByRole('form', { name: 'Second step' });
    await field(step, 'Code').fill('123 456');
    await step.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('not valid');
    await expectAccessible(page, 'sign-in: second step');
    await field(step, 'Code').fill(await adminApp.code());
    await step.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await expect.poll(() => page.locator('header').textContent()).toContain(ADMIN);
    await page.context().close();
  });

  it('signs in with a recovery code, which then works no more', async () => {
    const [code] = recoveryCodes;
    if (!code) throw new Error('no recovery codes from the enrolment test');
    const page = await newPage();
    await signInWithCode(page, code);
    await page.goto(`${host.url}/security`);
    await expect
      .poll(() => page.getByRole('region', { name: 'Recovery codes' }).textContent())
      .toContain('9 recovery codes left');
    await page.context().close();

    const again = await newPage();
    await enterPassword(again, host.url, ADMIN);
    const step = again.getByRole('form', { name: 'Second step' });
    await field(step, 'Code').fill(code);
    await step.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => again.getByRole('alert').first().textContent()).toContain('not valid');
    await again.context().close();
  });

  it('adds a passkey in Chromium’s virtual authenticator, then signs in with it alone and as the second step', async () => {
    passkeyPage = await newPage();
    const page = passkeyPage;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    await signInWithCode(page, recoveryCodes[1] ?? '');
    await page.getByRole('link', { name: 'Security' }).click();
    const passkeys = page.getByRole('region', { name: 'Passkeys' });
    await field(passkeys, 'Passkey name').fill('Chromium test key');
    await passkeys.getByRole('button', { name: 'Add passkey' }).click();
    await expect
      .poll(() => passkeys.getByRole('row').allTextContents())
      .toContainEqual(expect.stringContaining('Chromium test key'));
    await expect.poll(() => passkeys.textContent()).toContain('never');
    await expectAccessible(page, 'security: passkeys');

    // Rename it.
    await passkeys.getByRole('button', { name: 'Rename passkey Chromium test key' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename passkey' });
    await field(rename, 'Name').fill('Work laptop');
    await rename.getByRole('button', { name: 'Save' }).click();
    await rename.waitFor({ state: 'hidden' });
    await expect.poll(() => passkeys.textContent()).toContain('Work laptop');

    // Signed out, then in with the passkey alone.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await expect.poll(() => page.locator('header').textContent()).toContain(ADMIN);
    await page.goto(`${host.url}/security`);
    await expect.poll(() => passkeys.textContent()).not.toContain('never');

    // And as the second step after the password.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await field(page, 'Email').fill(ADMIN);
    await field(page, 'Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('form', { name: 'Second step' }).waitFor();
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
  });

  it('removes the passkey (this session is stepped up by its passkey sign-in: no dialog)', async () => {
    const page = passkeyPage;
    await page.goto(`${host.url}/security`);
    const passkeys = page.getByRole('region', { name: 'Passkeys' });
    await passkeys.getByRole('button', { name: 'Remove passkey Work laptop' }).click();
    await page
      .getByRole('dialog', { name: 'Remove this passkey?' })
      .getByRole('button', { name: 'Remove' })
      .click();
    await expect.poll(() => passkeys.getByRole('row').count()).toBe(0);
    expect(await page.getByRole('dialog', { name: 'Confirm it is you' }).count()).toBe(0);
    await page.context().close();
  });

  it('shows only enrolment to an admin without a factor when MFA_REQUIRED_ROLES=admin; a passkey step-up follows', async () => {
    const page = await newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    await enterPassword(page, forcedHost.url, FORCED);
    await page.getByRole('heading', { name: 'Set up a second factor' }).waitFor();
    // Nothing else of the app: no navigation, no users; signing out stays possible.
    expect(await page.getByRole('link', { name: 'Users' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
    await expectAccessible(page, 'forced enrolment');
    const passkeys = page.getByRole('region', { name: 'Passkeys' });
    await field(passkeys, 'Passkey name').fill('Enrolment key');
    await passkeys.getByRole('button', { name: 'Add passkey' }).click();
    const first = await readRecoveryCodes(page);
    expect(first).toHaveLength(10);
    // Still only enrolment while the codes are on screen; then the app.
    expect(await page.getByRole('link', { name: 'Users' }).count()).toBe(0);
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await expect.poll(() => page.getByRole('region', { name: 'Users' }).textContent()).toContain(FORCED);

    // This session began with the password alone: new recovery codes need a step-up, here by passkey.
    await page.getByRole('link', { name: 'Security' }).click();
    await page
      .getByRole('region', { name: 'Recovery codes' })
      .getByRole('button', { name: 'Make new recovery codes' })
      .click();
    await page
      .getByRole('dialog', { name: 'Make new recovery codes?' })
      .getByRole('button', { name: 'Make new codes' })
      .click();
    const stepUp = page.getByRole('dialog', { name: 'Confirm it is you' });
    await stepUp.getByRole('button', { name: 'Use a passkey' }).click();
    await stepUp.waitFor({ state: 'hidden' });
    const second = await readRecoveryCodes(page);
    expect(second).toHaveLength(10);
    expect(second).not.toEqual(first);
    await page.context().close();
  });
});
