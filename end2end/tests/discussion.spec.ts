import { test, expect, ready, expectAccessible, screenshot, watchProblems, SignInPage, DEMO_PASSWORD } from './fixtures';

const DRAFT = '/papers/inclusive-volunteering/draft';
const EDITOR = 'jonas.weber@example.org';

test('a member comments on a passage of a recommendation, and an editor resolves it', async ({ browser, hydrated, pageProblems }) => {
  // Both projects share one server: each comments as another member, with its own words.
  const member = hydrated ? 'awa.diop@example.org' : 'zsofia.kovacs@example.org';
  const words = `Which programmes already do this? (${hydrated ? 'hydrated' : 'plain'} run)`;
  const baseURL = test.info().project.use.baseURL;

  const context = await browser.newContext({ javaScriptEnabled: hydrated, baseURL });
  const page = await context.newPage();
  watchProblems(page, pageProblems);
  const signIn = new SignInPage(page, hydrated);
  await signIn.open(DRAFT);
  await signIn.signIn(member, DEMO_PASSWORD);
  await ready(page, hydrated);

  const block = page.locator('li.block').filter({ hasText: 'Recognise leadership roles' });
  await block.locator('.block-discussion a').click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Discussion');
  await ready(page, hydrated);

  await page.getByLabel('Kind').selectOption('question');
  await page.getByLabel('Passage (optional)').fill('leadership roles taken at workcamps');
  await page.getByLabel('Your comment', { exact: true }).fill(words);
  await page.getByRole('button', { name: 'Post the comment' }).click();

  const thread = page.locator('li.thread').filter({ hasText: words });
  await expect(thread).toBeVisible();
  await expect(thread.locator('blockquote')).toContainText('leadership roles taken at workcamps');
  await expect(thread.locator('.comment-head').first()).toContainText('Question');
  // A member may not resolve a thread.
  await expect(thread.getByRole('button', { name: 'Resolve' })).toHaveCount(0);
  await expectAccessible(page, hydrated);
  await screenshot(page, 'discussion-commented', hydrated);
  const discussion = new URL(page.url()).pathname;

  // The workspace counts the open thread on the block.
  await page.goto(DRAFT);
  await expect(page.locator('li.block').filter({ hasText: 'Recognise leadership roles' }).locator('.block-discussion a')).toContainText('open comments');
  await context.close();

  const editorContext = await browser.newContext({ javaScriptEnabled: hydrated, baseURL });
  const editorPage = await editorContext.newPage();
  watchProblems(editorPage, pageProblems);
  const editorSignIn = new SignInPage(editorPage, hydrated);
  await editorSignIn.open(discussion);
  await editorSignIn.signIn(EDITOR, DEMO_PASSWORD);
  await expect(editorPage.getByRole('heading', { level: 1 })).toContainText('Discussion');
  await ready(editorPage, hydrated);
  const editorThread = editorPage.locator('li.thread').filter({ hasText: words });
  await editorThread.getByRole('button', { name: 'Resolve' }).click();
  const resolved = editorPage.locator('li.thread').filter({ hasText: words });
  await expect(resolved.getByText('Resolved', { exact: true })).toBeVisible();
  await expect(resolved.getByRole('button', { name: 'Reopen' })).toBeVisible();
  await expectAccessible(editorPage, hydrated);
  await editorContext.close();
});

test('a passage is quoted by choosing its sentence with the keyboard', async ({ page, hydrated }) => {
  // Each project its own block: both share one server.
  const text = hydrated ? 'Require preparation training' : 'Create a travel-cost top-up';
  const words = `A question asked from the keyboard (${hydrated ? 'hydrated' : 'plain'} run)`;
  const signIn = new SignInPage(page, hydrated);
  await signIn.open(DRAFT);
  await signIn.signIn('zsofia.kovacs@example.org', DEMO_PASSWORD);
  await ready(page, hydrated);
  await page.locator('li.block').filter({ hasText: text }).locator('.block-discussion a').click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Discussion');
  await ready(page, hydrated);

  const sentence = page.getByLabel('Or choose a sentence');
  await sentence.focus();
  await page.keyboard.press('ArrowDown');
  const chosen = await sentence.inputValue();
  expect(chosen).toContain(text);
  // The next stop is the comment itself; then the button.
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Your comment', { exact: true })).toBeFocused();
  await page.keyboard.type(words);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');

  const thread = page.locator('li.thread').filter({ hasText: words });
  await expect(thread.locator('blockquote')).toContainText(chosen);
});

test('with JavaScript, words selected in the block are quoted with the text around them', async ({ page, hydrated }) => {
  test.skip(!hydrated, 'selecting to quote needs JavaScript (without it, the passage is typed or a sentence chosen)');
  const signIn = new SignInPage(page, hydrated);
  await signIn.open(DRAFT);
  await signIn.signIn('awa.diop@example.org', DEMO_PASSWORD);
  await ready(page, hydrated);
  await page.locator('li.block').filter({ hasText: 'Protect funding' }).locator('.block-discussion a').click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Discussion');
  await ready(page, hydrated);

  const quote = page.getByRole('button', { name: 'Quote the selected words' });
  await quote.click();
  await expect(page.getByRole('status').filter({ hasText: 'Select some words' })).toBeVisible();

  // A double click on the word selects it, as a person would (the word's place measured in the page).
  const at = await page.locator('#block-text').evaluate((body) => {
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const start = node.textContent!.indexOf('Protect');
      if (start < 0) continue;
      const range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, start + 'Protect'.length);
      const box = range.getBoundingClientRect();
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    }
    throw new Error('the word is not in the block');
  });
  await page.mouse.dblclick(at.x, at.y);
  await quote.click();
  await expect(page.getByLabel('Passage (optional)')).toHaveValue('Protect');
  await expect(page.getByLabel('Passage (optional)')).toBeFocused();
  await page.getByLabel('Your comment', { exact: true }).fill('Protect from what, exactly?');
  await page.getByRole('button', { name: 'Post the comment' }).click();

  const thread = page.locator('li.thread').filter({ hasText: 'Protect from what, exactly?' });
  await expect(thread.locator('blockquote')).toContainText('Protect');
  await screenshot(page, 'discussion-quoted-selection', hydrated);
});

test('a member reports a comment, and an admin hides it from the moderation queue with a reason', async ({ browser, hydrated, pageProblems }) => {
  const baseURL = test.info().project.use.baseURL;
  const run = hydrated ? 'hydrated' : 'plain';
  const words = `An off-topic remark (${run} run)`;
  const reason = `Off topic (${run} run)`;
  const [author, reporter] = hydrated
    ? ['zsofia.kovacs@example.org', 'awa.diop@example.org']
    : ['awa.diop@example.org', 'zsofia.kovacs@example.org'];

  async function as(email: string, path: string) {
    const context = await browser.newContext({ javaScriptEnabled: hydrated, baseURL });
    const page = await context.newPage();
    watchProblems(page, pageProblems);
    const signIn = new SignInPage(page, hydrated);
    await signIn.open(path);
    await signIn.signIn(email, DEMO_PASSWORD);
    await ready(page, hydrated);
    return { context, page };
  }

  // The author comments.
  const first = await as(author, DRAFT);
  await first.page.locator('li.block').filter({ hasText: 'Adopt a common impact assessment' }).locator('.block-discussion a').click();
  await expect(first.page.getByRole('heading', { level: 1 })).toContainText('Discussion');
  await first.page.getByLabel('Your comment', { exact: true }).fill(words);
  await first.page.getByRole('button', { name: 'Post the comment' }).click();
  await expect(first.page.locator('li.thread').filter({ hasText: words })).toBeVisible();
  const discussion = new URL(first.page.url()).pathname;
  await first.context.close();

  // Another member reports it.
  const second = await as(reporter, discussion);
  const comment = second.page.locator('li.thread').filter({ hasText: words });
  await comment.getByText('Report', { exact: true }).click();
  await comment.getByLabel('Reason').fill(reason);
  await comment.getByRole('button', { name: 'Send the report' }).click();
  await expect(second.page.locator('li.thread').filter({ hasText: words })).toBeVisible();
  await second.context.close();

  // The admin finds it in the queue, with the reason, and hides it.
  const admin = await as('amelie.laurent@example.org', '/moderation');
  await expect(admin.page.getByRole('heading', { level: 1 })).toHaveText('Reported comments');
  const report = admin.page.locator('li.report').filter({ hasText: reason });
  await expect(report).toContainText(words);
  await expectAccessible(admin.page, hydrated);
  await screenshot(admin.page, 'moderation-queue', hydrated);
  await report.getByRole('link', { name: 'Open the discussion' }).click();
  await ready(admin.page, hydrated);
  const reported = admin.page.locator('li.thread').filter({ hasText: words });
  await reported.getByText('Hide', { exact: true }).click();
  const why = `Not about this recommendation (${run} run).`;
  await reported.getByLabel('Reason').last().fill(why);
  await reported.getByRole('button', { name: 'Hide the comment' }).click();
  const hidden = admin.page.locator('li.thread').filter({ hasText: why });
  await expect(hidden.locator('.comment-hidden')).toContainText('Hidden by a moderator.');
  await expectAccessible(admin.page, hydrated);

  // The queue no longer lists it.
  await admin.page.goto('/moderation');
  await expect(admin.page.locator('li.report').filter({ hasText: reason })).toHaveCount(0);
  await admin.context.close();
});

test('a member proposes an amendment, sees its word diff, and comments on it', async ({ page, hydrated }) => {
  const run = hydrated ? 'hydrated' : 'plain';
  const block = hydrated ? 'Involve families in preparation' : 'Fund structured follow-up';
  const signIn = new SignInPage(page, hydrated);
  await signIn.open(DRAFT);
  await signIn.signIn('zsofia.kovacs@example.org', DEMO_PASSWORD);
  await ready(page, hydrated);
  await page.locator('li.block').filter({ hasText: block }).locator('.block-discussion a').click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Discussion');
  await ready(page, hydrated);

  const replacement = page.getByLabel('Replacement text');
  const current = await replacement.inputValue();
  await replacement.fill(current.replace(block, `${block} (${run} amendment)`));
  await page.getByLabel('Rationale').fill(`Clearer, says the ${run} run.`);
  await page.getByRole('button', { name: 'Propose the amendment' }).click();

  const amendment = page.locator('li.amendment').filter({ hasText: `Clearer, says the ${run} run.` });
  await expect(amendment.locator('ins')).toContainText(`(${run} amendment)`);
  await amendment.getByText('Comments on this amendment (0)').click();
  await amendment.getByLabel('Your comment on this amendment').fill(`Does this change the meaning? (${run})`);
  await amendment.getByRole('button', { name: 'Post the comment' }).click();

  const discussed = page.locator('li.amendment').filter({ hasText: `Clearer, says the ${run} run.` });
  await expect(discussed.getByText('Comments on this amendment (1)')).toBeVisible();
  await expect(discussed.locator('li.thread')).toContainText(`Does this change the meaning? (${run})`);
  // Not counted among the block's own comments.
  await expect(page.locator('section[aria-labelledby="threads-heading"] > ol.threads li.thread').filter({ hasText: 'Does this change the meaning?' })).toHaveCount(0);
  await expectAccessible(page, hydrated);
  await screenshot(page, 'discussion-amendment', hydrated);
});

test('a member reads the earlier texts of a block on its discussion page', async ({ page, hydrated }) => {
  const signIn = new SignInPage(page, hydrated);
  await signIn.open(DRAFT);
  await signIn.signIn('zsofia.kovacs@example.org', DEMO_PASSWORD);
  await ready(page, hydrated);
  await page.locator('li.block').filter({ hasText: 'Fund structured follow-up' }).locator('.block-discussion a').click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Discussion');
  await ready(page, hydrated);

  const history = page.locator('section.text-history');
  await expect(history.getByRole('heading', { name: "The text's history" })).toBeVisible();
  const entries = history.locator('ol.history-list > li');
  await expect(entries.first()).toBeHidden();
  await history.getByText(/^Revisions \(\d+\)$/).click();
  await expect(entries.first()).toBeVisible();
  // Oldest last; the newest change is open, read-only.
  await expect(entries.last()).toContainText('rev 1');
  await expect(entries.first().locator('details')).toHaveAttribute('open', '');
  await expect(history.getByRole('button')).toHaveCount(0);
  await expectAccessible(page, hydrated);
  await screenshot(page, 'discussion-history', hydrated);
});

test('with JavaScript, a comment posted by another member appears without a reload, and text being typed stays', async ({ browser, hydrated, pageProblems }) => {
  test.skip(!hydrated, 'live updates need JavaScript (without it, the page is current when loaded)');
  const baseURL = test.info().project.use.baseURL;
  const block = 'Adopt a common impact assessment';
  const words = 'Seen live by the reader.';

  async function as(email: string) {
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    watchProblems(page, pageProblems);
    const signIn = new SignInPage(page, true);
    await signIn.open(DRAFT);
    await signIn.signIn(email, DEMO_PASSWORD);
    await ready(page, true);
    await page.locator('li.block').filter({ hasText: block }).locator('.block-discussion a').click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Discussion');
    await ready(page, true);
    return { context, page };
  }

  const reader = await as('lucia.romero@example.org');
  // The reader has started a comment of her own, and the page must not reload under her.
  await reader.page.getByLabel('Your comment', { exact: true }).fill('Half a thought');
  await reader.page.evaluate(() => { (window as unknown as { __samePage: boolean }).__samePage = true; });

  const writer = await as('awa.diop@example.org');
  await writer.page.getByLabel('Your comment', { exact: true }).fill(words);
  await writer.page.getByRole('button', { name: 'Post the comment' }).click();
  await expect(writer.page.locator('li.thread').filter({ hasText: words })).toBeVisible();

  await expect(reader.page.locator('li.thread').filter({ hasText: words })).toBeVisible();
  await expect(reader.page.getByRole('heading', { name: /^Comments \(\d+\)$/ })).toBeVisible();
  expect(await reader.page.evaluate(() => (window as unknown as { __samePage?: boolean }).__samePage)).toBe(true);
  await expect(reader.page.getByLabel('Your comment', { exact: true })).toHaveValue('Half a thought');
  await writer.context.close();
  await reader.context.close();
});
