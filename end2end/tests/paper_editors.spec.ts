import { test, expect, ready, expectAccessible, screenshot, newPaper } from './fixtures';

const EDITOR = 'marco.bellini@example.org';

test('an editor adds and removes an editor of a paper, from its draft', async ({ page, hydrated }) => {
  // Both projects share one server: each works on a paper of its own, with another colleague.
  const run = hydrated ? 'hydrated' : 'plain';
  const title = `Editors ${run} ${Date.now().toString(36)}`;
  const colleague = hydrated ? 'Jonas Weber' : 'Liisa Virtanen';

  await newPaper(page, hydrated, title, EDITOR);

  await page.getByRole('link', { name: 'Editors', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Editors');
  await ready(page, hydrated);
  const listed = page.getByRole('region', { name: 'Listed editors' });
  await expect(listed.getByRole('row', { name: /Marco Bellini/ })).toBeVisible();
  await expectAccessible(page, hydrated);

  // The only editor cannot be removed: the page says why.
  await listed.getByRole('button', { name: 'Remove Marco Bellini' }).click();
  await expect(page.getByText('A paper always has at least one editor')).toBeVisible();
  await ready(page, hydrated);
  await expect(listed.getByRole('row', { name: /Marco Bellini/ })).toBeVisible();

  // Only members with the editor or admin role are offered.
  const member = page.getByLabel('Member', { exact: true });
  await expect(member.locator('option', { hasText: 'Zsófia Kovács' })).toHaveCount(0);
  const value = await member.locator('option', { hasText: colleague }).getAttribute('value');
  await member.selectOption(value!);
  await page.getByRole('button', { name: 'Add editor' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Editor added.' })).toBeVisible();
  await expect(listed.getByRole('row', { name: new RegExp(colleague) })).toBeVisible();
  await expect(page.getByText('A paper always has at least one editor')).toHaveCount(0);
  // Nobody is chosen for the next addition.
  await expect(member).toHaveValue('');
  await ready(page, hydrated);
  await expectAccessible(page, hydrated);
  await screenshot(page, 'paper-editors', hydrated);

  await listed.getByRole('button', { name: `Remove ${colleague}` }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Editor removed.' })).toBeVisible();
  await expect(listed.getByRole('row', { name: new RegExp(colleague) })).toHaveCount(0);
  await expect(listed.getByRole('row', { name: /Marco Bellini/ })).toBeVisible();
  await ready(page, hydrated);
  await expect(member.locator('option', { hasText: colleague })).toHaveCount(1);
});
