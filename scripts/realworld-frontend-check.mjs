// Drives a real, unmodified RealWorld ("Conduit") frontend in headless Chromium against this
// API and reports, per user journey, whether it works — with every failed API exchange.
//
//   node scripts/realworld-frontend-check.mjs --frontend http://127.0.0.1:4200 \
//     --api http://127.0.0.1:3300/api/v1 [--shots /tmp/rw-shots] [--chromium /usr/bin/chromium] \
//     [--report /tmp/rw-report.json]
//
// Frontend-agnostic where it can be: it finds things by the texts and placeholders that the
// RealWorld UI templates share ("Sign up", "Username", "Article Title", "Post Comment", …).
// Requests to hosts other than the frontend and the API (CDN fonts/CSS) are aborted so the
// check runs offline; they are counted, not reported as failures. Exit code 1 if a step failed.
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 1) {
    const key = argv[i];
    if (key.startsWith('--')) {
      out[key.slice(2)] = argv[i + 1];
      i += 1;
    }
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
const FRONTEND = (args.frontend ?? 'http://127.0.0.1:4200').replace(/\/$/, '');
const API = (args.api ?? 'http://127.0.0.1:3300/api/v1').replace(/\/$/, '');
const SHOTS = args.shots ?? '/tmp/rw-shots';
const CHROMIUM = args.chromium ?? '/usr/bin/chromium';
const REPORT = args.report;
const TIMEOUT = Number(args.timeout ?? 10000);

const run = Date.now().toString(36);
const userA = { username: `rwa${run}`, email: `rwa${run}@example.test`, password: 'Passw0rd!rwa' };
const userB = { username: `rwb${run}`, email: `rwb${run}@example.test`, password: 'Passw0rd!rwb' };
const tagMine = `mine${run}`;
const tagB = `btag${run}`;
const title = `Frontend check ${run}`;
const editedTitle = `Frontend check edited ${run}`;
const bio = `Bio set through the UI ${run}`;
const commentText = `A comment from the UI ${run}`;

const log = (line) => process.stdout.write(`${line}\n`);
const allowedHosts = new Set([new URL(FRONTEND).host, new URL(API).host]);

async function api(method, path, body, token) {
  const res = await fetch(`${API}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Token ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

const steps = [];
const apiFailures = [];
const consoleErrors = [];
const failedRequests = [];
let externalBlocked = 0;
let currentStep = 'setup';

async function step(name, page, fn) {
  currentStep = name;
  const started = Date.now();
  try {
    const note = await fn();
    steps.push({ name, ok: true, ms: Date.now() - started, note: note ?? '' });
    log(`PASS  ${name}${note ? ` — ${note}` : ''}`);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    steps.push({ name, ok: false, ms: Date.now() - started, note: message });
    log(`FAIL  ${name} — ${message}`);
    await shot(page, `FAIL-${name.replace(/\W+/g, '-')}`);
  }
}

async function shot(page, name) {
  try {
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  } catch {
    // a screenshot is evidence, never a reason to fail
  }
}

const byText = (text) => new RegExp(text, 'i');

// Polls until one of the candidates is visible: lazy routes render a moment after a click.
async function firstVisible(page, candidates, what) {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    for (const make of candidates) {
      const loc = make().first();
      if (await loc.isVisible().catch(() => false)) return loc;
    }
    if (Date.now() > deadline) throw new Error(`none of ${what} became visible`);
    await page.waitForTimeout(150);
  }
}

async function clickLinkOrButton(page, names) {
  // Some templates use <a (click)> without href (no link role), so visible text is the fallback.
  const candidates = [
    ...names.flatMap((name) =>
      ['link', 'button'].map((role) => () => page.getByRole(role, { name: byText(name) })),
    ),
    ...names.map(
      (name) => () => page.locator('a, button, [role=button]', { hasText: byText(name) }),
    ),
  ];
  const loc = await firstVisible(page, candidates, JSON.stringify(names));
  await loc.click();
}

async function fillPlaceholder(page, placeholders, value) {
  const candidates = placeholders.map(
    (placeholder) => () => page.getByPlaceholder(byText(placeholder)),
  );
  const loc = await firstVisible(page, candidates, `placeholder ${JSON.stringify(placeholders)}`);
  await loc.fill(value);
}

async function expectText(page, text, timeout = TIMEOUT) {
  await page.getByText(text, { exact: false }).first().waitFor({ state: 'visible', timeout });
}

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  log(`frontend ${FRONTEND} · api ${API} · run ${run}`);

  // The second user and their tagged article exist before the browser starts.
  const regB = await api('POST', '/users', { user: userB });
  if (regB.status >= 300) throw new Error(`creating user B failed: ${JSON.stringify(regB)}`);
  const tokenB = regB.json.user.token;
  const artB = await api(
    'POST',
    '/articles',
    {
      article: {
        title: `Article by B ${run}`,
        description: 'for favorites and follows',
        body: 'Written by **B**.',
        tagList: [tagB],
      },
    },
    tokenB,
  );
  if (artB.status >= 300) throw new Error(`creating B's article failed: ${JSON.stringify(artB)}`);
  const slugB = artB.json.article.slug;

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(TIMEOUT);
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol.startsWith('http') && !allowedHosts.has(url.host)) {
      externalBlocked += 1;
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  const page = await context.newPage();

  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/ERR_BLOCKED_BY_CLIENT/.test(msg.text())) {
      consoleErrors.push({ step: currentStep, text: msg.text() });
    }
  });
  page.on('pageerror', (err) =>
    consoleErrors.push({ step: currentStep, text: `pageerror: ${err.message}` }),
  );
  page.on('requestfailed', (req) => {
    const failure = req.failure()?.errorText ?? '';
    if (failure.includes('ERR_BLOCKED_BY_CLIENT')) return;
    failedRequests.push({ step: currentStep, method: req.method(), url: req.url(), failure });
  });
  page.on('response', async (res) => {
    if (!res.url().startsWith(API) || res.status() < 400) return;
    const req = res.request();
    const body = await res.text().then(
      (text) => text.slice(0, 800),
      () => '<unreadable>',
    );
    apiFailures.push({
      step: currentStep,
      method: req.method(),
      url: res.url(),
      status: res.status(),
      requestBody: req.postData() ?? null,
      responseBody: body,
    });
  });

  let tokenA;

  await step('sign up', page, async () => {
    await page.goto(FRONTEND);
    await clickLinkOrButton(page, ['^\\s*sign up\\s*$']);
    await fillPlaceholder(page, ['^username$'], userA.username);
    await fillPlaceholder(page, ['^email$'], userA.email);
    await fillPlaceholder(page, ['^password$'], userA.password);
    await shot(page, '01-sign-up');
    await page
      .getByRole('button', { name: byText('sign up') })
      .first()
      .click();
    await expectText(page, userA.username);
    const login = await api('POST', '/users/login', {
      user: { email: userA.email, password: userA.password },
    });
    tokenA = login.json?.user?.token;
    return `header shows ${userA.username}`;
  });

  await step('home shows Your Feed / Global Feed', page, async () => {
    await expectText(page, 'Your Feed');
    await expectText(page, 'Global Feed');
    await shot(page, '02-home');
  });

  let articleUrl = '';
  let currentTitle = title;
  await step('create article with tags', page, async () => {
    await clickLinkOrButton(page, ['new article', 'new post']);
    await fillPlaceholder(page, ['article title', '^title$'], title);
    await fillPlaceholder(page, ["what's this article about", 'description'], 'Made by the check');
    await fillPlaceholder(
      page,
      ['write your article', 'markdown'],
      `## Heading ${run}\n\nSome **bold** text and a [link](https://example.test).\n\n- item one\n- item two`,
    );
    for (const tag of [tagMine, 'frontendcheck']) {
      await fillPlaceholder(page, ['enter tags', 'tags'], tag);
      await page.keyboard.press('Enter');
    }
    await shot(page, '03-editor');
    await clickLinkOrButton(page, ['publish article', 'publish']);
    await page.waitForURL(/\/article\//);
    articleUrl = page.url();
    await expectText(page, title);
    return articleUrl.replace(FRONTEND, '');
  });

  await step('article renders markdown and tags', page, async () => {
    await page
      .locator('h2', { hasText: `Heading ${run}` })
      .first()
      .waitFor();
    await page.locator('strong', { hasText: 'bold' }).first().waitFor();
    await expectText(page, tagMine);
    await shot(page, '04-article');
  });

  await step('edit article', page, async () => {
    await clickLinkOrButton(page, ['edit article']);
    const titleField = page.getByPlaceholder(byText('article title|^title$')).first();
    await titleField.waitFor();
    await page.waitForFunction(
      (expected) =>
        [...document.querySelectorAll('input')].some((input) => input.value === expected),
      title,
    );
    await titleField.fill(editedTitle);
    await clickLinkOrButton(page, ['publish article', 'update article', 'publish']);
    await page.waitForURL(/\/article\//);
    await expectText(page, editedTitle);
    articleUrl = page.url();
    currentTitle = editedTitle;
    return `now at ${articleUrl.replace(FRONTEND, '')}`;
  });

  await step('post a comment', page, async () => {
    await page.goto(articleUrl);
    await expectText(page, currentTitle);
    await fillPlaceholder(page, ['write a comment'], commentText);
    await clickLinkOrButton(page, ['post comment']);
    await expectText(page, commentText);
    await shot(page, '05-comment');
  });

  await step('delete the comment', page, async () => {
    const card = page.locator('.card', { hasText: commentText }).first();
    // The trash control is an icon-font glyph; with the CDN stylesheet blocked it has no size,
    // so the click is dispatched rather than aimed.
    await card
      .locator('.ion-trash-a, .mod-options i, button:has-text("Delete")')
      .first()
      .dispatchEvent('click');
    await page.getByText(commentText).first().waitFor({ state: 'detached' });
  });

  await step('favorite an article from the global feed', page, async () => {
    await page.goto(FRONTEND);
    await clickLinkOrButton(page, ['global feed']);
    const preview = page.locator('.article-preview', { hasText: `Article by B ${run}` }).first();
    await preview.waitFor();
    await preview.locator('button').first().click();
    await preview.locator('button', { hasText: '1' }).first().waitFor();
    const check = await api('GET', `/articles/${slugB}`, undefined, tokenA);
    if (check.json?.article?.favorited !== true) {
      throw new Error(`API says favorited=${String(check.json?.article?.favorited)}`);
    }
    await shot(page, '06-favorited');
    return 'count shows 1 and the API agrees';
  });

  await step('visit own profile', page, async () => {
    await page.goto(FRONTEND);
    await page
      .getByRole('link', { name: byText(userA.username) })
      .first()
      .click();
    await page.locator('h4', { hasText: userA.username }).first().waitFor();
    await expectText(page, currentTitle);
    await shot(page, '07-profile');
  });

  await step('follow and unfollow another user', page, async () => {
    await page.goto(FRONTEND);
    await clickLinkOrButton(page, ['global feed']);
    const preview = page.locator('.article-preview', { hasText: `Article by B ${run}` }).first();
    await preview.getByRole('link', { name: userB.username }).first().click();
    await page.locator('h4', { hasText: userB.username }).first().waitFor();
    await clickLinkOrButton(page, [`follow ${userB.username}`]);
    await page.getByRole('button', { name: byText(`unfollow ${userB.username}`) }).waitFor();
    const followed = await api('GET', `/profiles/${userB.username}`, undefined, tokenA);
    if (followed.json?.profile?.following !== true) throw new Error('API does not show following');
    await shot(page, '08-following');
    await clickLinkOrButton(page, [`unfollow ${userB.username}`]);
    await page.getByRole('button', { name: byText(`^\\W*follow ${userB.username}`) }).waitFor();
    const unfollowed = await api('GET', `/profiles/${userB.username}`, undefined, tokenA);
    if (unfollowed.json?.profile?.following !== false) throw new Error('API still shows following');
  });

  await step('filter by a popular tag', page, async () => {
    await page.goto(FRONTEND);
    const sidebar = page.locator('.sidebar, .tag-list').first();
    await sidebar.waitFor();
    await page.locator('.sidebar a, .sidebar .tag-pill', { hasText: tagB }).first().click();
    await page
      .locator('.article-preview', { hasText: `Article by B ${run}` })
      .first()
      .waitFor();
    const others = await page.locator('.article-preview', { hasText: currentTitle }).count();
    if (others > 0) throw new Error('the tag filter still lists an article without the tag');
    await shot(page, '09-tag-filter');
  });

  await step('settings: update bio', page, async () => {
    await clickLinkOrButton(page, ['settings']);
    await fillPlaceholder(page, ['short bio', 'bio'], bio);
    await shot(page, '10-settings');
    await clickLinkOrButton(page, ['update settings']);
    await page.waitForTimeout(1500);
    const profile = await api('GET', `/profiles/${userA.username}`);
    if (profile.json?.profile?.bio !== bio) {
      throw new Error(`bio not saved (API: ${JSON.stringify(profile.json ?? profile.status)})`);
    }
  });

  await step('log out', page, async () => {
    if (
      !(await page
        .getByRole('button', { name: /logout|log out/i })
        .first()
        .isVisible())
    ) {
      await page.goto(`${FRONTEND}/settings`);
    }
    await page
      .getByRole('button', { name: /logout|log out/i })
      .first()
      .click();
    await page
      .getByRole('link', { name: /^\s*sign in\s*$/i })
      .first()
      .waitFor();
  });

  await step('sign in again', page, async () => {
    await clickLinkOrButton(page, ['^\\s*sign in\\s*$']);
    await fillPlaceholder(page, ['^email$'], userA.email);
    await fillPlaceholder(page, ['^password$'], userA.password);
    await page
      .getByRole('button', { name: byText('sign in') })
      .first()
      .click();
    await expectText(page, userA.username);
    await shot(page, '11-signed-in');
  });

  await step('delete article', page, async () => {
    await page.goto(articleUrl);
    await expectText(page, currentTitle);
    await clickLinkOrButton(page, ['delete article']);
    await page.waitForURL((url) => !url.pathname.includes('/article/'));
    const slug = decodeURIComponent(new URL(articleUrl).pathname.split('/').filter(Boolean).pop());
    const gone = await api('GET', `/articles/${slug}`);
    if (gone.status !== 404) throw new Error(`GET /articles/${slug} answered ${gone.status}`);
    await shot(page, '12-after-delete');
  });

  await browser.close();

  const report = {
    frontend: FRONTEND,
    api: API,
    run,
    steps,
    apiFailures,
    consoleErrors,
    failedRequests,
    externalBlocked,
  };
  if (REPORT) writeFileSync(REPORT, JSON.stringify(report, null, 2));
  log('');
  log(`${steps.filter((s) => s.ok).length} passed, ${steps.filter((s) => !s.ok).length} failed`);
  for (const f of apiFailures) {
    log(`API ${f.status} ${f.method} ${f.url} [${f.step}]`);
    if (f.requestBody) log(`  request:  ${f.requestBody}`);
    log(`  response: ${f.responseBody}`);
  }
  for (const c of consoleErrors) log(`console [${c.step}]: ${c.text.slice(0, 300)}`);
  for (const r of failedRequests)
    log(`request failed [${r.step}]: ${r.method} ${r.url} ${r.failure}`);
  log(`external requests blocked (offline): ${externalBlocked}`);
  process.exitCode = steps.every((s) => s.ok) ? 0 : 1;
}

main().catch((error) => {
  log(`check aborted: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 2;
});
