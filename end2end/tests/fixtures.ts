import { test as base, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const DEMO_PASSWORD = 'groundwork-demo';
export const ADMIN = 'amelie.laurent@example.org';
export const MEMBER = 'zsofia.kovacs@example.org';

type Fixtures = {
  hydrated: boolean;
  /** Fails the test on any page error or console error. */
  pageProblems: string[];
};

export const test = base.extend<Fixtures>({
  hydrated: async ({ javaScriptEnabled }, use) => {
    await use(javaScriptEnabled !== false);
  },
  pageProblems: [
    async ({ page }, use) => {
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
      });
      await use(problems);
      expect(problems, 'no page or console errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Waits until the WASM has taken over the page (hydrated runs only). */
export async function ready(page: Page, hydrated: boolean) {
  await page.waitForLoadState('load');
  if (hydrated) {
    await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
  }
}

/** axe-core: no serious or critical violations. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
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
