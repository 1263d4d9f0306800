import { test, expect, ready, expectAccessible, screenshot, newPaper } from './fixtures';

// An editor publishes a paper of their own (both projects share one server: each run makes
// its own paper, with a word no other paper has), and a visitor finds it from the front door.
test('an editor checks a paper, publishes it, and a visitor finds it from the front page and reads it', async ({ page, browser, hydrated }) => {
  const word = `hut${hydrated ? 'h' : 'p'}${Date.now().toString(36)}`;
  const title = `Mountain huts ${word}`;
  await newPaper(page, hydrated, title);
  await page.getByRole('link', { name: 'Import from Markdown' }).click();
  await ready(page, hydrated);
  await page.getByLabel('Markdown', { exact: true }).fill(
    [
      '## Why huts matter',
      'Staffed huts keep walkers safe in winter, as every warden says.',
      'Recommendation: Keep the huts open all year.',
      `The ${word} hut has stood since 1901.`,
    ].join('\n\n'),
  );
  await page.getByRole('button', { name: 'Import blocks' }).click();
  await expect(page.getByText('4 blocks imported.')).toBeVisible();
  await ready(page, hydrated);

  // The check: the unsupported recommendation, no consultation, and what publishing needs.
  await page.getByRole('link', { name: 'Publish…' }).click();
  await ready(page, hydrated);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Publish: check before the version is made');
  await expect(page.getByRole('heading', { name: 'Unsupported recommendations' })).toBeVisible();
  await expect(page.getByText('This paper has had no consultation.')).toBeVisible();
  await expectAccessible(page, hydrated);
  await screenshot(page, 'publish-check', hydrated);

  // Without release notes it is refused, and the reason already typed stays.
  const reason = page.getByLabel('Why publish R1 without evidence');
  await reason.fill('The network agreed on it at its assembly.');
  await page.getByRole('button', { name: 'Publish version 1' }).click();
  await ready(page, hydrated);
  await expect(page.getByLabel('Release notes')).toHaveAttribute('aria-invalid', 'true');
  await expect(reason).toHaveValue('The network agreed on it at its assembly.');

  await page.getByLabel('Release notes').fill('First publication, for the autumn assembly.');
  await page.getByRole('button', { name: 'Publish version 1' }).click();
  await expect(page).toHaveURL(/\/v\/1$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(title);
  await expect(page.getByText('The network agreed on it at its assembly.')).toBeVisible();
  await expect(page.getByText('First publication, for the autumn assembly.')).toBeVisible();

  // A visitor, without an account, finds the new version's words from the front page.
  const visitorContext = await browser.newContext({ javaScriptEnabled: hydrated });
  const visitor = await visitorContext.newPage();
  await visitor.goto('/');
  await ready(visitor, hydrated);
  await expect(visitor.getByRole('link', { name: title })).toBeVisible();
  await visitor.getByLabel('Search the text of every published paper').fill(word);
  await visitor.keyboard.press('Enter');
  await expect(visitor).toHaveURL(new RegExp(`\\?q=${word}$`));
  const results = visitor.locator('.front-results');
  await expect(results.getByRole('heading', { level: 2 })).toContainText(`Papers containing “${word}”: 1`);
  await expect(results.locator('mark')).toHaveText(word);
  await expectAccessible(visitor, hydrated);
  await screenshot(visitor, 'front-search', hydrated);
  await results.locator('.passage a').first().click();
  await expect(visitor).toHaveURL(/\/v\/1#block-[a-z0-9]+$/);
  await expect(visitor.getByText(`The ${word} hut has stood since 1901.`)).toBeVisible();
  await visitorContext.close();
});

test('the front page lists the published papers and says when a search finds nothing', async ({ page, hydrated }) => {
  await page.goto('/');
  await ready(page, hydrated);
  const papers = page.getByRole('region', { name: 'Published papers' });
  await expect(papers.getByRole('link', { name: /Inclusive volunteering/ })).toBeVisible();
  // Other tests publish papers of their own on the same server: the demo paper's entry.
  const demo = papers.getByRole('listitem').filter({ has: page.getByRole('link', { name: /Inclusive volunteering/ }) });
  await expect(demo.getByRole('link', { name: 'What changed from version 1 to 2' })).toBeVisible();
  await page.getByLabel('Search the text of every published paper').fill('xylophones');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByText('No published paper contains these words.')).toBeVisible();
  // What was typed is still in the box, to correct it.
  await expect(page.getByLabel('Search the text of every published paper')).toHaveValue('xylophones');
  await expectAccessible(page, hydrated);
});
