import { test, expect, ready, expectAccessible, screenshot, watchProblems, SignInPage, DEMO_PASSWORD } from './fixtures';

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

test('the consultation window reads in UTC without script, and in the reader\'s own zone, named, with it', async ({ browser, hydrated, pageProblems }) => {
  const context = await browser.newContext({
    javaScriptEnabled: hydrated,
    baseURL: test.info().project.use.baseURL,
    timezoneId: 'Asia/Kolkata',
  });
  const page = await context.newPage();
  watchProblems(page, pageProblems);
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
