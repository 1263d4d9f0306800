import { test, expect, expectAccessible, screenshot } from './fixtures';

// The demo paper is published twice (v1, then v2); a visitor without an account reads it.
const PAPER = '/papers/inclusive-volunteering';

test('a visitor reads the latest version of a published paper, with its evidence and its proof', async ({ page, hydrated }) => {
  await page.goto(PAPER);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Inclusive volunteering');
  // The newest version, marked in the picker; both versions listed.
  const versions = page.getByRole('navigation', { name: 'Versions' });
  await expect(versions.getByRole('link', { name: 'v2' })).toHaveAttribute('aria-current', 'page');
  await expect(versions.getByRole('link', { name: 'v1' })).toBeVisible();
  // The proof: the hash, and the chain verifies.
  await expect(page.locator('.hash code')).toHaveText(/^[0-9a-f]{64}$/);
  await expect(page.locator('.chain-ok')).toContainText('The chain of versions verifies');
  // A coverage line, a table of contents and the evidence as a list that needs no script.
  await expect(page.getByText(/\d+ of \d+ claims supported by \d+ findings from \d+ countries/)).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Contents' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Evidence', exact: true })).toBeVisible();
  // A claim's citation leads to its entry in that list.
  const citation = page.locator('main a[href^="#evidence-"]').first();
  const target = await citation.getAttribute('href');
  await citation.click();
  await expect(page).toHaveURL(new RegExp(`${target}$`));
  await expect(page.locator(target!)).toBeVisible();
  // The page runs no script of the app.
  expect(await page.locator('script[src*="/pkg/"]').count()).toBe(0);
  await expectAccessible(page, hydrated);
  await screenshot(page, 'reading-latest', hydrated);
});

test('a visitor compares two versions and opens the earlier one', async ({ page, hydrated }) => {
  await page.goto(PAPER);
  await page.getByRole('navigation', { name: 'Versions' }).getByRole('link', { name: 'changes' }).first().click();
  await expect(page).toHaveURL(/\/compare\/1\/2$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Changes from version 1 to version 2');
  await expect(page.getByText(/Blocks: \d+ changed, \d+ added, \d+ removed/)).toBeVisible();
  // Word changes are marked as insertions and deletions.
  await expect(page.locator('ins').first()).toBeVisible();
  await expectAccessible(page, hydrated);
  await screenshot(page, 'reading-compare', hydrated);

  await page.getByRole('link', { name: /version 1/i }).first().click();
  await expect(page).toHaveURL(/\/v\/1$/);
  await expect(page.getByRole('navigation', { name: 'Versions' }).getByRole('link', { name: 'v1' })).toHaveAttribute('aria-current', 'page');
});

test('a published paper prints as a paper: no site navigation, the text and its evidence', async ({ page, hydrated }) => {
  test.skip(hydrated, 'printing is the same with or without script: once is enough');
  await page.goto(PAPER);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.version-meta nav')).toBeHidden();
  await expect(page.locator('header.site')).toBeHidden();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Evidence', exact: true })).toBeVisible();
  await screenshot(page, 'reading-print', hydrated);
  const pdf = await page.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
});
