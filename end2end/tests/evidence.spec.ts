import { test, expect, ready, expectAccessible, screenshot, SignInPage, DEMO_PASSWORD } from './fixtures';

test('a visitor searches, filters and opens a finding', async ({ page, hydrated }) => {
  await page.goto('/evidence');
  await ready(page, hydrated);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Evidence library');
  await expectAccessible(page, hydrated);

  await page.getByLabel('Search the findings').fill('mentor');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('heading', { name: /findings for “mentor”/ })).toBeVisible();
  await expect(page.locator('.evidence-card mark').first()).toBeVisible();
  await ready(page, hydrated);
  await screenshot(page, 'evidence-search', hydrated);

  await page.getByLabel('Search the findings').fill('');
  await page.getByLabel('Country').selectOption('HU');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/country=HU/);
  const keys = page.locator('.evidence-key');
  await expect(keys.first()).toBeVisible();
  for (const key of await keys.allTextContents()) expect(key).toMatch(/^hu-/);
  await expectAccessible(page, hydrated);

  await page.getByRole('link', { name: 'hu-2019-indicator-01' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('hu-2019-indicator-01');
  await ready(page, hydrated);
  await expect(page.getByText('[@hu-2019-indicator-01]')).toBeVisible();
  await expect(page.getByText('41 %')).toBeVisible();
  await expectAccessible(page, hydrated);
  await screenshot(page, 'evidence-item', hydrated);

  await page.getByRole('link', { name: /field phase 1/ }).click();
  await expect(page.getByText('Impact assessment', { exact: true })).toBeVisible();
  await ready(page, hydrated);
  await expectAccessible(page, hydrated);
});

test('an editor sees withdrawn findings, flagged', async ({ page, hydrated }) => {
  const signIn = new SignInPage(page, hydrated);
  await signIn.open('/evidence?consent=withdrawn');
  await signIn.signIn('liisa.virtanen@example.org', DEMO_PASSWORD);
  await expect(page).toHaveURL(/consent=withdrawn/);
  await ready(page, hydrated);
  await expect(page.getByText('Consent withdrawn: do not cite').first()).toBeVisible();
  await expectAccessible(page, hydrated);
});
