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
  await page.getByLabel('Your comment').fill(words);
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
