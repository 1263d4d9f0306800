import { test, expect, ready, expectAccessible, screenshot, watchProblems, SignInPage, DEMO_PASSWORD, MEMBER, newPaper } from './fixtures';
import type { Browser, Page } from '@playwright/test';

const DRAFT = '/papers/inclusive-volunteering/draft';

async function signedIn(browser: Browser, hydrated: boolean, email: string, problems: string[]): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: hydrated, baseURL: test.info().project.use.baseURL });
  const page = await context.newPage();
  watchProblems(page, problems);
  const signIn = new SignInPage(page, hydrated);
  await signIn.open(DRAFT);
  await signIn.signIn(email, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Inclusive volunteering');
  await ready(page, hydrated);
  return page;
}

/** The block whose text contains `words`. */
function block(page: Page, words: string) {
  return page.locator('li.block').filter({ hasText: words });
}

test('the draft shows coverage, warnings and evidence, and is accessible', async ({ page, hydrated }) => {
  const signIn = new SignInPage(page, hydrated);
  await signIn.open(DRAFT);
  await signIn.signIn(MEMBER, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Inclusive volunteering');
  await ready(page, hydrated);
  await expect(page.getByText(/claims and recommendations supported/)).toBeVisible();
  const unsupported = block(page, 'gains of a two-week camp fade');
  await expect(unsupported.getByText('Unsupported: no evidence backs this yet.')).toBeVisible();
  await expect(block(page, 'first place where they are judged').getByRole('link', { name: 'hu-2019-testimony-01' }).first()).toBeVisible();
  await expect(page.getByText('R1', { exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Edit' })).toHaveCount(0);
  await expectAccessible(page, hydrated);
  await screenshot(page, 'draft', hydrated);
});

test('an editor writes a claim with a citation and another editor sees it live, with presence', async ({ browser, hydrated, pageProblems }) => {
  const words = hydrated ? 'Preparation training is not yet sufficient' : 'Families who were sceptical';
  const added = hydrated ? 'live from the hydrated run' : 'saved from the plain run';
  const writer = await signedIn(browser, hydrated, 'marco.bellini@example.org', pageProblems);
  const reader = await signedIn(browser, hydrated, 'liisa.virtanen@example.org', pageProblems);

  // A link of the block the reader may be about to click as Marco arrives in it.
  const link = hydrated ? await block(reader, words).locator('.block-discussion a').elementHandle() : null;
  await block(writer, words).getByRole('link', { name: 'Edit' }).click();
  await expect(writer.getByRole('heading', { level: 1 })).toHaveText('Edit block');
  await ready(writer, hydrated);
  await expectAccessible(writer, hydrated);
  if (hydrated) {
    // The reader sees who is editing which block, without reloading.
    await expect(block(reader, words).getByText('Marco Bellini editing')).toBeVisible({ timeout: 5000 });
    await expect(reader.locator('.presence')).toContainText('Marco Bellini');
    // Only the block's head changed: its link is the same node, so a click on it in that
    // instant is not lost.
    expect(await link!.evaluate((a) => a.isConnected)).toBe(true);
  }
  const text = writer.getByLabel('Text', { exact: true });
  await text.fill(`${words} everywhere, ${added} [@th-2019-indicator-01; @pl-2019-testimony-01].`);
  if (hydrated) {
    // The preview (WASM and a server call) shows the citation as a link before saving.
    await expect(writer.locator('.preview').getByRole('link', { name: 'pl-2019-testimony-01' })).toBeVisible();
    await screenshot(writer, 'block-editor', hydrated);
  }
  await writer.getByRole('button', { name: 'Save block' }).click();
  await expect(writer).toHaveURL(/\/draft\?at=/);
  await expect(block(writer, added)).toBeVisible();

  if (!hydrated) {
    await reader.reload();
  }
  // Live for the hydrated reader: no reload.
  await expect(block(reader, added)).toBeVisible({ timeout: 5000 });
  await expect(block(reader, added).getByRole('link', { name: 'pl-2019-testimony-01' })).toBeVisible();
  await writer.context().close();
  await reader.context().close();
});

test('a conflicting save keeps both texts', async ({ browser, hydrated, pageProblems }) => {
  const words = hydrated ? 'Host communities value the work done' : 'Educators change their practice';
  const first = await signedIn(browser, hydrated, 'marco.bellini@example.org', pageProblems);
  const second = await signedIn(browser, hydrated, 'jonas.weber@example.org', pageProblems);
  for (const page of [first, second]) {
    if (hydrated && page === second) {
      // The live draft shows Marco arriving in the block: wait for that refresh, which
      // replaces the block list, rather than click into it as it happens.
      await expect(block(second, words).getByText('Marco Bellini editing')).toBeVisible({ timeout: 5000 });
    }
    await block(page, words).getByRole('link', { name: 'Edit' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Edit block');
    await ready(page, hydrated);
  }
  await first.getByLabel('Text', { exact: true }).fill(`${words}: Marco's version.`);
  await first.getByRole('button', { name: 'Save block' }).click();
  await expect(first).toHaveURL(/\/draft\?at=/);

  await second.getByLabel('Text', { exact: true }).fill(`${words}: Jonas's version.`);
  await second.getByRole('button', { name: 'Save block' }).click();
  await expect(second.getByRole('heading', { name: 'Someone saved this block while you were editing' })).toBeVisible();
  await expect(second.locator('.conflict-text')).toContainText("Marco's version.");
  await expect(second.getByLabel('Text', { exact: true })).toHaveValue(`${words}: Jonas's version.`);
  await ready(second, hydrated);
  await expectAccessible(second, hydrated);
  await screenshot(second, 'conflict', hydrated);
  // Saving again, now on top of Marco's revision, works.
  await second.getByLabel('Text', { exact: true }).fill(`${words}: merged by Jonas.`);
  await second.getByRole('button', { name: 'Save block' }).click();
  await expect(second).toHaveURL(/\/draft\?at=/);
  await expect(block(second, `${words}: merged by Jonas`)).toBeVisible();
  await first.context().close();
  await second.context().close();
});

/** Where the block containing `words` stands in the draft (0 = first). */
async function position(page: Page, words: string): Promise<number> {
  try {
    const texts = await page.locator('li.block').allInnerTexts();
    return texts.findIndex((t) => t.includes(words));
  } catch {
    return -2; // the page is being replaced (a form posted without JavaScript): ask again
  }
}

/**
 * Drags the block containing `moving` onto the one containing `target`, at `fraction` of its
 * height (upper half: before it; lower half: after it). Dispatched as the browser does it
 * (dragstart, dragover, drop with the pointer's position), all in one task of the page: the
 * live draft may replace the workspace at any moment, and a pointer position measured before
 * such a refresh would point elsewhere after it, as a person's pointer never does.
 */
async function dragOnto(page: Page, moving: string, target: string, fraction: number) {
  await block(page, target).scrollIntoViewIfNeeded();
  await page.evaluate(
    ({ moving, target, fraction }) => {
      const find = (words: string) =>
        [...document.querySelectorAll('li.block')].find((li) => li.textContent?.includes(words))!;
      const [from, to] = [find(moving), find(target)];
      const dataTransfer = new DataTransfer();
      const event = (type: string, at: { clientX?: number; clientY?: number } = {}) =>
        new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer, ...at });
      from.dispatchEvent(event('dragstart'));
      const box = to.getBoundingClientRect();
      const at = { clientX: box.x + 40, clientY: box.y + box.height * fraction };
      to.dispatchEvent(event('dragover', at));
      to.dispatchEvent(event('drop', at));
      from.dispatchEvent(event('dragend'));
    },
    { moving, target, fraction },
  );
}

test('an editor reorders blocks, deletes one and brings it back', async ({ browser, hydrated, pageProblems }) => {
  // Each run moves its own blocks: both projects share one server.
  const [moving, deleting] = hydrated
    ? ['Adopt a common impact assessment framework', 'Involve families in preparation']
    : ['Recognise leadership roles', 'Create a travel-cost top-up'];
  const page = await signedIn(browser, hydrated, 'marco.bellini@example.org', pageProblems);

  // With the keyboard or a click: "Move up" swaps the block with the one above it.
  const before = await position(page, moving);
  await block(page, moving).getByRole('button', { name: 'Move up' }).click();
  await expect.poll(() => position(page, moving)).toBe(before - 1);
  await expect(page.locator('li.block').nth(before)).not.toContainText(moving);
  await block(page, moving).getByRole('button', { name: 'Move down' }).focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => position(page, moving)).toBe(before);

  // Deleting shows an undo; undoing puts the block back where it was.
  const at = await position(page, deleting);
  await block(page, deleting).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByText('Block deleted.')).toBeVisible();
  await expect(block(page, deleting)).toHaveCount(0);
  await expectAccessible(page, hydrated);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(block(page, deleting)).toBeVisible();
  await expect.poll(() => position(page, deleting)).toBe(at);

  if (hydrated) {
    // Undo reloaded the page (a plain form): the drop needs its island live again.
    await ready(page, hydrated);
    // Drag and drop (WASM handles the drop): dropped on the upper half of a block, the block
    // lands just before it; on the lower half, just after it.
    const target = 'Fund structured follow-up';
    await dragOnto(page, moving, target, 0.1);
    await expect.poll(async () => (await position(page, target)) - (await position(page, moving))).toBe(1);
    await dragOnto(page, moving, target, 0.9);
    await expect.poll(async () => (await position(page, moving)) - (await position(page, target))).toBe(1);
    await screenshot(page, 'draft-reordered', hydrated);
  }
  await page.context().close();
});

test('a drop the server refuses says so, and the draft shows the order as it is', async ({ page, hydrated }) => {
  test.skip(!hydrated, 'dragging is for the hydrated page; without JavaScript blocks move with their buttons');
  const title = `Refused drop ${Date.now().toString(36)}`;
  await newPaper(page, hydrated, title);
  await page.getByRole('link', { name: 'Import from Markdown' }).click();
  await ready(page, hydrated);
  await page.getByLabel('Markdown', { exact: true }).fill('First paragraph.\n\nSecond paragraph.\n\nThird paragraph.');
  await page.getByRole('button', { name: 'Import blocks' }).click();
  await expect(page.getByText('3 blocks imported.')).toBeVisible();
  const draft = page.url();

  // This page hears no live updates (as when its connection lost the stream: the stream ends
  // at once and asks the browser to come back in ten minutes), so it does not learn that a
  // colleague deletes a block in another tab.
  await page.route('**/events', (route) =>
    route.fulfill({ status: 200, contentType: 'text/event-stream', body: 'retry: 600000\n\n' }),
  );
  await page.goto(draft);
  await ready(page, hydrated);
  const alert = page.locator('#move-failed');
  await expect(alert).toBeHidden();
  const other = await page.context().newPage();
  await other.goto(draft);
  await ready(other, hydrated);
  await block(other, 'Second paragraph.').getByRole('button', { name: 'Delete' }).click();
  await expect(other.getByText('Block deleted.')).toBeVisible();
  await other.close();
  await expect(block(page, 'Second paragraph.')).toHaveCount(1);

  // Dropping the deleted block: the server refuses, the page says so and shows the draft as
  // it is now.
  await dragOnto(page, 'Second paragraph.', 'Third paragraph.', 0.9);
  await expect(alert).toBeVisible();
  await expect(alert).toHaveAttribute('role', 'alert');
  await expect(alert).toContainText('The block could not be moved there');
  await expect(block(page, 'Second paragraph.')).toHaveCount(0);
  await expectAccessible(page, hydrated);
  await screenshot(page, 'draft-refused-drop', hydrated);

  // A drop that works puts the message away.
  await dragOnto(page, 'First paragraph.', 'Third paragraph.', 0.9);
  await expect.poll(() => position(page, 'First paragraph.')).toBe(1);
  await expect(alert).toBeHidden();
});

test('a long paper opens in parts, and each part links the others', async ({ page, hydrated }) => {
  // Both projects share one server: each works on a paper of its own.
  const title = `Long paper ${hydrated ? 'hydrated' : 'plain'} ${Date.now().toString(36)}`;
  await newPaper(page, hydrated, title);

  await page.getByRole('link', { name: 'Import from Markdown' }).click();
  await ready(page, hydrated);
  const paragraphs = Array.from({ length: 130 }, (_, i) => (i === 110 ? '## The last asks' : `Paragraph number ${i + 1}.`));
  await page.getByLabel('Markdown', { exact: true }).fill(paragraphs.join('\n\n'));
  await page.getByRole('button', { name: 'Import blocks' }).click();
  await expect(page.getByText('130 blocks imported.')).toBeVisible();
  await ready(page, hydrated);

  const parts = page.getByRole('navigation', { name: /Blocks 1–100 of 130/ }).first();
  await expect(parts.getByRole('link', { name: 'Blocks 101–130' })).toBeVisible();
  await expect(parts.getByText('The last asks')).toBeVisible();
  await expect(page.locator('li.block')).toHaveCount(100);
  await expect(block(page, 'Paragraph number 100.')).toBeVisible();
  await expectAccessible(page, hydrated);
  await screenshot(page, 'draft-parts', hydrated);

  // With JavaScript the router fetches the next part without reloading the page.
  if (hydrated) await page.evaluate(() => ((window as unknown as { kept: number }).kept = 7));
  await page.getByRole('link', { name: 'Next part: blocks 101–130' }).click();
  await expect(page.locator('li.block')).toHaveCount(30);
  await expect(block(page, 'Paragraph number 130.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'The last asks' })).toBeVisible();
  await expect(page).toHaveURL(/\?from=100$/);
  if (hydrated) expect(await page.evaluate(() => (window as unknown as { kept?: number }).kept)).toBe(7);
  await page.getByRole('link', { name: 'Previous part: blocks 1–100' }).click();
  await expect(block(page, 'Paragraph number 1.').first()).toBeVisible();
  await expect(page.locator('li.block')).toHaveCount(100);
});

test('with JavaScript, the draft fetches itself again for others arriving, not for its own viewer', async ({ browser, hydrated, pageProblems }) => {
  test.skip(!hydrated, 'the refresh is the live island\'s');
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const page = await context.newPage();
  watchProblems(page, pageProblems);
  const refreshes: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'fetch' && new URL(r.url()).pathname === DRAFT) refreshes.push(r.url());
  });
  const streamOpened = page.waitForRequest((r) => new URL(r.url()).pathname === `${DRAFT.replace('/draft', '')}/events`);
  const signIn = new SignInPage(page, hydrated);
  await signIn.open(DRAFT);
  await signIn.signIn('marco.bellini@example.org', DEMO_PASSWORD);
  await ready(page, hydrated);
  await streamOpened;

  // Another member opens the draft: their arrival is news here, and refreshes it once.
  const other = await signedIn(browser, hydrated, MEMBER, pageProblems);
  await expect(page.locator('p.presence')).toContainText('Zsófia Kovács');
  // Its own arrival, announced as its stream opened (seconds before the other's), fetched
  // nothing: the one refresh is the one that brought the other member.
  expect(refreshes).toHaveLength(1);
  await other.context().close();
  await context.close();
});
