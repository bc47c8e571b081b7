import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { registerUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

// Debian's Chromium here and in .ci/run; GitHub's Ubuntu runners ship Google Chrome instead.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * What a new user does in a real browser (Debian Chromium; `.ci/run` installs it): open
 * `/docs`, authorize with Swagger UI's OAuth2 password flow, call `GET /user` — all under the
 * production CSP, which must not block anything on these pages.
 */
describe('Browser (e2e, headless Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: apt-get install chromium`);
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(path: string): Promise<Page> {
    const page = await browser.newPage();
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspViolations.push(`${path}: ${msg.text()}`);
    });
    await page.goto(`${base}${path}`);
    return page;
  }

  it('should authorize in Swagger UI with the OAuth2 password flow and call GET /user', async () => {
    const u = await registerUser(t);
    const page = await open('/docs');
    page.setDefaultTimeout(15_000);
    await page.getByRole('button', { name: 'Authorize' }).first().click();
    await page.locator('#oauth_username').fill(u.email);
    await page.locator('#oauth_password').fill(u.password);
    // Swagger UI labels this button "Apply given OAuth2 credentials" for screen readers.
    const oauth = page.locator('.auth-container', { has: page.locator('#oauth_username') });
    await oauth.locator('button.authorize').click();
    await page.getByRole('button', { name: 'Logout' }).first().waitFor();
    await page.keyboard.press('Escape');
    await page
      .locator('.modal-ux .close-modal')
      .first()
      .click()
      .catch(() => undefined);

    const operation = page.locator('#operations-auth-getCurrentUser');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const status = operation
      .locator('.live-responses-table .response .response-col_status')
      .first();
    await status.waitFor();
    // The same document as production: the 200 response is documented (no "Undocumented").
    expect((await status.innerText()).trim()).toBe('200');
    expect(
      await operation.locator('.live-responses-table .microlight').first().innerText(),
    ).toContain(u.username);
    expect(cspViolations).toEqual([]);
  });

  it('should render ReDoc from the local bundle', async () => {
    const page = await open('/redoc');
    await page.locator('.api-info h1, [role="navigation"]').first().waitFor();
    expect(await page.title()).toContain('ReDoc');
    expect(await page.content()).toContain('Stoa API');
    expect(cspViolations).toEqual([]);
  });

  it('should sign in on the account pages and show the session list', async () => {
    const u = await registerUser(t);
    const page = await open('/account/sessions');
    await page.waitForURL(/\/account\/login/);
    await page.getByLabel('Email').fill(u.email);
    await page.getByLabel('Password').fill(u.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/account\/sessions$/);
    expect(await page.locator('h1').innerText()).toBe('Your sessions');
    expect(await page.locator('tbody tr').count()).toBe(2);
    expect(cspViolations).toEqual([]);
  });
});
