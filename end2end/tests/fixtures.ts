import { test as base, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const DEMO_PASSWORD = 'groundwork-demo';
export const ADMIN = 'amelie.laurent@example.org';
export const MEMBER = 'zsofia.kovacs@example.org';

type Fixtures = {
  hydrated: boolean;
  /** Fails the test on any page error, console error or 5xx answer. */
  pageProblems: string[];
};

export const test = base.extend<Fixtures>({
  hydrated: async ({ javaScriptEnabled }, use) => {
    await use(javaScriptEnabled !== false);
  },
  pageProblems: [
    async ({ page }, use) => {
      const problems: string[] = [];
      watchProblems(page, problems);
      await use(problems);
      expect(problems, 'no page errors, console errors or server errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Collects page errors, console errors and server errors (5xx) of `page` into `problems`. */
export function watchProblems(page: Page, problems: string[]) {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // The console says only that some resource failed; this names the request, to find it in
  // the server's log (end2end/test-results/server.log after scripts/test.sh).
  page.on('response', (response) => {
    if (response.status() < 500) return;
    const request = response.request();
    problems.push(`server error: ${response.status()} for ${request.method()} ${request.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // Chromium logs every 4xx answer as a console error. 401/403/404/409/422/429 are answers
    // the app gives on purpose (wrong password, not allowed, unknown page, someone saved
    // first, invalid input, too many attempts) and the tests check what the page says about
    // them; anything else, 5xx included, fails the test.
    if (/Failed to load resource: the server responded with a status of (401|403|404|409|422|429)\b/.test(message.text())) return;
    problems.push(`console error: ${message.text()}`);
  });
}

/**
 * Waits until the page's islands (its interactive parts) are live, in hydrated runs. A page
 * without islands loads no WASM: it is ready once loaded, as it is without JavaScript.
 */
export async function ready(page: Page, hydrated: boolean) {
  await page.waitForLoadState('load');
  if (hydrated) {
    await page.waitForFunction(
      () => !document.querySelector('leptos-island') || document.documentElement.dataset.hydrated === 'true',
    );
  }
}

/**
 * axe-core: no serious or critical violations. axe runs as JavaScript in the page, so for a
 * JavaScript-off page it checks the same URL, with the same cookies, in a context where
 * scripts run but the app's WASM is blocked: the server-rendered page, as the user saw it.
 */
export async function expectAccessible(page: Page, hydrated: boolean) {
  let target = page;
  let scratch: import('@playwright/test').BrowserContext | undefined;
  if (!hydrated) {
    scratch = await page.context().browser()!.newContext({ javaScriptEnabled: true });
    await scratch.addCookies(await page.context().cookies());
    await scratch.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
    target = await scratch.newPage();
    await target.goto(page.url());
  }
  const results = await new AxeBuilder({ page: target }).analyze();
  await scratch?.close();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, 'axe-core serious/critical violations').toEqual([]);
}

export async function screenshot(page: Page, name: string, hydrated: boolean) {
  await page.screenshot({
    path: `screenshots/${hydrated ? 'hydrated' : 'ssr'}-${name}.png`,
    fullPage: true,
  });
}

/** The sign-in page, as a person uses it. */
export class SignInPage {
  constructor(private readonly page: Page, private readonly hydrated: boolean) {}

  async open(next?: string) {
    await this.page.goto(next ? `/login?next=${encodeURIComponent(next)}` : '/login');
    await ready(this.page, this.hydrated);
  }

  async signIn(email: string, password: string) {
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }
}

/**
 * Signs in as `email` on the way to the new-paper form and creates a paper titled `title`;
 * the page ends on the paper's draft, ready.
 */
export async function newPaper(page: Page, hydrated: boolean, title: string, email = 'marco.bellini@example.org') {
  const signIn = new SignInPage(page, hydrated);
  await signIn.open('/papers/new');
  await signIn.signIn(email, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('New paper');
  await ready(page, hydrated);
  await page.getByLabel('Title').fill(title);
  await page.getByRole('button', { name: 'Create paper' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await ready(page, hydrated);
}
