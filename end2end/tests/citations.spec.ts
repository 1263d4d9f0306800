import { test, expect, ready, expectAccessible, SignInPage, DEMO_PASSWORD, MEMBER } from './fixtures';
import type { Page } from '@playwright/test';

const DRAFT = '/papers/inclusive-volunteering/draft';
const KEY = 'hu-2019-testimony-01';

async function openDraft(page: Page, hydrated: boolean) {
  const signIn = new SignInPage(page, hydrated);
  await signIn.open(DRAFT);
  await signIn.signIn(MEMBER, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Inclusive volunteering');
  await ready(page, hydrated);
  return page.locator(`a.cite[href="/evidence/${KEY}"]`).first();
}

test('with JavaScript, a citation shows its finding on hover and on keyboard focus', async ({ page, hydrated }) => {
  test.skip(!hydrated, 'the card needs JavaScript');
  const citation = await openDraft(page, hydrated);
  const card = page.getByRole('tooltip');

  await citation.hover();
  await expect(card).toBeVisible();
  await expect(card).toContainText('Hungary (HU)');
  await expect(card).toContainText('Testimony');
  await expect(citation).toHaveAttribute('aria-describedby', 'citation-card');

  // Moving away hides it, and the link no longer points at it.
  await page.mouse.move(0, 0);
  await expect(card).toHaveCount(0);
  await expect(citation).not.toHaveAttribute('aria-describedby', /./);

  // Keyboard focus shows it again; Escape dismisses it.
  await citation.focus();
  await expect(card).toContainText('Hungary (HU)');
  await expect(citation).toHaveAttribute('aria-describedby', 'citation-card');
  // Checked with the card shown (and the pointer away: a hovered link takes the accent colour).
  await expectAccessible(page, hydrated);
  await page.keyboard.press('Escape');
  await expect(card).toHaveCount(0);
  await expect(citation).toBeFocused();
});

test('without JavaScript, a citation is a plain link to its finding', async ({ page, hydrated }) => {
  test.skip(hydrated, 'the plain page');
  const citation = await openDraft(page, hydrated);
  await expect(citation).toHaveAttribute('href', `/evidence/${KEY}`);
  await citation.hover();
  await expect(page.getByRole('tooltip')).toHaveCount(0);
  await citation.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(KEY);
});
