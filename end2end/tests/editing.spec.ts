import { test, expect, ready, expectAccessible, screenshot, SignInPage, DEMO_PASSWORD } from './fixtures';

test('an editor writes a finding, fixes the problems shown, edits it and reads its history', async ({ page, hydrated }) => {
  const run = hydrated ? 'h' : 's';
  const key = `ee-e2e-${run}-01`;
  const signIn = new SignInPage(page, hydrated);
  await signIn.open('/evidence');
  await signIn.signIn('jonas.weber@example.org', DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/evidence$/);
  await page.getByRole('link', { name: /field phase 2/ }).first().click();
  await ready(page, hydrated);
  await page.getByRole('link', { name: 'New finding' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('New finding');
  await ready(page, hydrated);
  await expectAccessible(page, hydrated);

  // Two mistakes at once: both are listed, and what was typed stays.
  await page.getByLabel('Indicator', { exact: true }).check();
  await page.getByLabel('Text', { exact: true }).fill('Share of host communities asking for another camp.');
  await page.getByLabel('Country').selectOption('EE');
  await page.getByLabel('Collected on').fill('2022-09-30');
  await page.getByLabel('Citation key').fill('has space');
  await page.getByRole('button', { name: 'Create finding' }).click();
  const summary = page.getByRole('alert').filter({ hasText: 'problems need your attention' });
  await expect(summary).toBeVisible();
  await expect(summary.getByRole('link', { name: /Citation key/ })).toBeVisible();
  await expect(summary.getByRole('link', { name: /Value/ })).toBeVisible();
  await expect(page.getByLabel('Text', { exact: true })).toHaveValue('Share of host communities asking for another camp.');
  await ready(page, hydrated);
  await expectAccessible(page, hydrated);
  await screenshot(page, 'evidence-form-problems', hydrated);

  if (hydrated) {
    // Only the WASM fills in the suggestion as country, date and kind change.
    await expect(page.getByText('Suggested key:')).toContainText('ee-2022-indicator-');
  }
  await page.getByLabel('Indicator', { exact: true }).check();
  await page.getByLabel('Value', { exact: true }).fill('64');
  await page.getByLabel('Unit').fill('%');
  await page.getByLabel('Citation key').fill(key);
  await page.getByRole('button', { name: 'Create finding' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(key);
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(page.getByText('64 %')).toBeVisible();
  await ready(page, hydrated);

  // Change it: the history names who changed which field, from what to what.
  await page.getByRole('link', { name: 'Edit finding' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Edit finding');
  await ready(page, hydrated);
  await page.getByLabel('Value', { exact: true }).fill('71');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(key);
  await expect(page.getByText('71 %')).toBeVisible();
  await ready(page, hydrated);
  const history = page.getByRole('region', { name: 'History' });
  await expect(history.getByRole('listitem').first()).toContainText('Jonas Weber');
  await expect(history.getByRole('listitem').first()).toContainText('changed it');
  await history.getByText('1 field(s) changed').click();
  const row = history.getByRole('row', { name: /Value/ });
  await expect(row).toContainText('64');
  await expect(row).toContainText('71');
  await expectAccessible(page, hydrated);
  await screenshot(page, 'evidence-history', hydrated);
});

test('an editor creates an assessment', async ({ page, hydrated }) => {
  const title = `Baltic focus groups (${hydrated ? 'hydrated' : 'plain'})`;
  const signIn = new SignInPage(page, hydrated);
  await signIn.open('/evidence');
  await signIn.signIn('marco.bellini@example.org', DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/evidence$/);
  await page.getByRole('link', { name: 'New assessment' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('New assessment');
  await ready(page, hydrated);
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Method').selectOption('focus_group');
  await page.getByLabel('From').fill('2023-02-01');
  await page.getByLabel('To', { exact: true }).fill('2023-01-01');
  await page.getByLabel('Countries').fill('EE, LV, LT');
  await page.getByLabel('Summary').fill('Three focus groups with **host organisations**.');
  await page.getByRole('button', { name: 'Create assessment' }).click();
  await expect(page.getByText('The end date is before the start date.').first()).toBeVisible();
  await expect(page.getByLabel('Title')).toHaveValue(title);
  await ready(page, hydrated);
  await expectAccessible(page, hydrated);
  await page.getByLabel('To', { exact: true }).fill('2023-06-30');
  await page.getByRole('button', { name: 'Create assessment' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.getByText('Estonia (EE), Latvia (LV), Lithuania (LT)')).toBeVisible();
  await ready(page, hydrated);
  await expectAccessible(page, hydrated);
});
