import { test, expect, ready, expectAccessible, screenshot, watchProblems, SignInPage, DEMO_PASSWORD, newPaper } from './fixtures';
import type { Browser } from '@playwright/test';

const CONSULTATION = '/papers/inclusive-volunteering/consultation';

test('a member votes on the paper with a reason, and the results show it', async ({ browser, hydrated, pageProblems }) => {
  // Both projects share one server: each votes as a member who has not voted yet.
  const voter = hydrated ? 'marco.bellini@example.org' : 'zsofia.kovacs@example.org';
  const reason = `Too vague on funding (${hydrated ? 'hydrated' : 'plain'} run).`;
  const context = await browser.newContext({ javaScriptEnabled: hydrated, baseURL: test.info().project.use.baseURL });
  const page = await context.newPage();
  watchProblems(page, pageProblems);
  const signIn = new SignInPage(page, hydrated);
  await signIn.open(CONSULTATION);
  await signIn.signIn(voter, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Consultation');
  await ready(page, hydrated);
  await expectAccessible(page, hydrated);

  const paper = page.locator('article.vote-target').filter({ has: page.getByRole('heading', { name: 'The paper as a whole' }) });
  // The demo consultation asks for a reason to oppose: without one the vote is refused,
  // and the choice made is kept.
  await paper.getByLabel('Oppose').check();
  await paper.getByRole('button', { name: 'Vote' }).click();
  await expect(page.getByText('This consultation asks for a reason when you oppose').first()).toBeVisible();
  const again = page.locator('article.vote-target').filter({ has: page.getByRole('heading', { name: 'The paper as a whole' }) });
  await expect(again.getByLabel('Oppose')).toBeChecked();

  await again.getByLabel('Reason').fill(reason);
  await again.getByRole('button', { name: 'Vote' }).click();
  await expect(page.locator('article.vote-target').filter({ has: page.getByRole('heading', { name: 'The paper as a whole' }) }).locator('.my-vote')).toContainText('Oppose');
  if (hydrated) {
    // The vote went through the page's own request: no reload, the address is unchanged.
    expect(new URL(page.url()).search).toBe('');
  }
  await screenshot(page, 'consultation-voted', hydrated);

  await page.getByRole('link', { name: 'See the results' }).click();
  await ready(page, hydrated);
  const results = page.locator('section.results-target').filter({ has: page.getByRole('heading', { name: 'The paper as a whole' }) });
  await expect(results.locator('blockquote', { hasText: reason })).toBeVisible();
  await expect(results.locator('svg')).toBeVisible();
  await expect(results.getByRole('table').first()).toBeVisible();
  await expectAccessible(page, hydrated);
  await screenshot(page, 'consultation-results', hydrated);
  await context.close();
});

test('the results change while a member watches them, when another member votes', async ({ browser, hydrated, pageProblems }) => {
  test.skip(!hydrated, 'results follow the votes with script; without it they are those of when the page loaded');
  const baseURL = test.info().project.use.baseURL;
  const watcherContext = await browser.newContext({ baseURL });
  const watcher = await watcherContext.newPage();
  watchProblems(watcher, pageProblems);
  const watching = new SignInPage(watcher, true);
  await watching.open(`${CONSULTATION}/results`);
  await watching.signIn('amelie.laurent@example.org', DEMO_PASSWORD);
  await ready(watcher, true);
  const paperResults = watcher.locator('#results-paper');
  await expect(paperResults).toBeVisible();
  const before = await paperResults.textContent();
  await watcher.evaluate(() => ((window as unknown as { kept: number }).kept = 7));

  // Another member votes (in a browser without script: a plain form).
  const voterContext = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const voter = await voterContext.newPage();
  watchProblems(voter, pageProblems);
  const voting = new SignInPage(voter, false);
  await voting.open(CONSULTATION);
  await voting.signIn('jonas.weber@example.org', DEMO_PASSWORD);
  const paper = () => voter.locator('article.vote-target').filter({ has: voter.getByRole('heading', { name: 'The paper as a whole' }) });
  const mine = (await paper().locator('.my-vote').count()) > 0 ? await paper().locator('.my-vote').textContent() : '';
  const choice = mine?.includes('Abstain') ? 'Support' : 'Abstain';
  await paper().getByLabel(choice).check();
  await paper().getByRole('button', { name: 'Vote' }).click();
  await expect(paper().locator('.my-vote')).toContainText(choice);

  // The watcher's counts change without a reload.
  await expect.poll(() => paperResults.textContent(), { timeout: 10_000 }).not.toBe(before);
  expect(await watcher.evaluate(() => (window as unknown as { kept?: number }).kept)).toBe(7);
  await screenshot(watcher, 'results-live', true);
  await voterContext.close();
  await watcherContext.close();
});

/** A browser in India (UTC+5:30 all year), with script or without, watched for problems. */
async function inKolkata(browser: Browser, hydrated: boolean, problems: string[]) {
  const context = await browser.newContext({
    javaScriptEnabled: hydrated,
    baseURL: test.info().project.use.baseURL,
    timezoneId: 'Asia/Kolkata',
  });
  const page = await context.newPage();
  watchProblems(page, problems);
  return { context, page };
}

test('the consultation window reads in UTC without script, and in the reader\'s own zone, named, with it', async ({ browser, hydrated, pageProblems }) => {
  const { context, page } = await inKolkata(browser, hydrated, pageProblems);
  const signIn = new SignInPage(page, hydrated);
  await signIn.open(CONSULTATION);
  await signIn.signIn('awa.diop@example.org', DEMO_PASSWORD);
  await ready(page, hydrated);
  const closes = page.locator('.window-state time');
  const utc = await closes.getAttribute('datetime');
  expect(utc).toMatch(/Z$/);
  if (!hydrated) {
    await expect(closes).toHaveText(/ UTC$/);
  } else {
    // India is UTC+5:30 all year: the minutes move by 30 and the zone is named.
    await expect(closes).toHaveText(/GMT\+5:30|IST/);
    await expect(closes).toHaveAttribute('title', / UTC$/);
    const minutes = new Date(utc!).getUTCMinutes();
    const local = String((minutes + 30) % 60).padStart(2, '0');
    await expect(closes).toContainText(`:${local}`);
  }
  await context.close();
});

test('an editor types the closing time in their own zone with script, in UTC without', async ({ browser, hydrated, pageProblems }) => {
  const { context, page } = await inKolkata(browser, hydrated, pageProblems);
  const title = `Zones ${hydrated ? 'hydrated' : 'plain'} ${Date.now().toString(36)}`;
  await newPaper(page, hydrated, title);
  await page.goto(page.url().replace(/\/draft.*$/, '/consultation'));
  await ready(page, hydrated);
  const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Open the consultation' }) });
  await expect(form.locator('.zone-hint')).toHaveText(
    // Chromium's time zone data still calls Kolkata by its older name.
    hydrated ? /^Times are in your time zone, Asia\/(Kolkata|Calcutta) \(UTC\+5:30\)\.$/ : 'Times are in UTC (Coordinated Universal Time).',
  );
  // Ten days from now, at 18:00 as typed.
  const day = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
  await form.getByLabel('Closes').fill(`${day}T18:00`);
  await form.getByRole('button', { name: 'Open the consultation' }).click();
  await ready(page, hydrated);
  const closes = page.locator('.window-state time');
  // India is UTC+5:30: 18:00 typed there is 12:30 UTC; typed without script, it is UTC.
  await expect(closes).toHaveAttribute('datetime', new RegExp(`^${day}T${hydrated ? '12:30' : '18:00'}:00(\\.0+)?Z$`));
  // As typed: in UTC without script; with it, in the reader's zone, named, on a 24-hour clock
  // (English as written in Europe).
  await expect(closes).toContainText(hydrated ? /18:00\s+GMT\+5:30/ : '18:00');
  await expect(closes).not.toContainText('PM');
  await screenshot(page, 'consultation-typed-zone', hydrated);
  await context.close();
});

test('a member finds what needs them from the header', async ({ page, hydrated }) => {
  const signIn = new SignInPage(page, hydrated);
  await signIn.open('/papers');
  await signIn.signIn('lucia.romero@example.org', DEMO_PASSWORD);
  await ready(page, hydrated);
  const link = page.getByRole('link', { name: /^Needs me/ });
  await expect(link).toContainText(/things need you/);
  await link.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('What needs me');
  const consultation = page.getByRole('region', { name: 'Open consultations' }).locator('li.need').filter({ hasText: 'Inclusive volunteering' });
  await expect(consultation).toContainText(/to vote on|You have voted on everything/);
  // The demo's reply to Lucía's comment is there too.
  await expect(page.getByRole('region', { name: 'Replies to your comments' }).locator('li.need').first()).toBeVisible();
  await consultation.getByRole('link', { name: /Inclusive volunteering/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Consultation');
  await page.goBack();
  await expectAccessible(page, hydrated);
  await screenshot(page, 'needs-me', hydrated);
});
