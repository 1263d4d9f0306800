import { test, expect, ready, SignInPage, DEMO_PASSWORD, ADMIN, MEMBER } from './fixtures';
import type { APIRequestContext, BrowserContext, Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

// The XSS corpus (issue 14, "keep it closed"): every payload goes in through every text input
// the app has, as someone allowed to write there, and then every page showing it is opened
// in Chromium. A payload that runs calls `__xss(…)` (or opens a dialog); none may, and no
// page may carry an event-handler attribute or a script URL made from what was typed.
const PAYLOADS: string[] = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'xss-payloads.json'), 'utf8'));
const EDITOR = 'marco.bellini@example.org';
const SLUG = 'inclusive-volunteering';

/** Everything that ran: calls of `__xss` from any frame, and dialogs. */
async function listen(context: BrowserContext, page: Page, ran: string[]) {
  await context.exposeFunction('__xss', (what: unknown) => ran.push(`__xss(${String(what)}) on ${page.url()}`));
  // Markup the Content-Security-Policy had to block got into the page: name where.
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) {
      ran.push(`blocked by the CSP on ${page.url()}: ${message.text().slice(0, 120)}`);
    }
  });
  page.on('dialog', async (dialog) => {
    ran.push(`dialog "${dialog.message()}" on ${page.url()}`);
    await dialog.dismiss();
  });
}

/** A server function, posted as the app's own forms post it (answers the JSON, or null). */
async function call(request: APIRequestContext, name: string, form: Record<string, string>) {
  const response = await request.post(`/fn/${name}`, {
    form,
    headers: { accept: 'application/json', 'sec-fetch-site': 'same-origin' },
  });
  expect(response.status(), `${name} must not fail on the server`).toBeLessThan(500);
  // Refused input (too long, not a choice) is not stored: nothing to show, nothing to run.
  return response.ok() ? response.json() : null;
}

async function getJson(request: APIRequestContext, pathAndQuery: string) {
  const response = await request.get(pathAndQuery, { headers: { accept: 'application/json' } });
  expect(response.ok(), pathAndQuery).toBeTruthy();
  return response.json();
}

/**
 * Opens `url` and checks the page as rendered: nothing ran, and no element of the page carries
 * an on… attribute or a javascript:, vbscript: or data: URL (which would run on a click).
 */
async function visit(page: Page, hydrated: boolean, url: string, ran: string[], unsafe: string[]) {
  await page.goto(url);
  await ready(page, hydrated);
  await scan(page, url, ran, unsafe);
}

/** Checks the page as it is now (see `visit`); `what` names it in the failures. */
async function scan(page: Page, what: string, ran: string[], unsafe: string[]) {
  const found = await page.evaluate(() => {
    const bad: string[] = [];
    const scheme = /^\s*(javascript|vbscript|data):/i;
    for (const element of Array.from(document.querySelectorAll('body *'))) {
      for (const attribute of Array.from(element.attributes)) {
        const name = attribute.name.toLowerCase();
        if (name.startsWith('on')) bad.push(`<${element.localName} ${name}="${attribute.value}">`);
        const isUrl = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'srcdoc', 'poster'].includes(name);
        // The browser decodes entities in attributes: what it would follow is the value read here.
        if (isUrl && (scheme.test(attribute.value.replace(/[\u0000-\u001f]/g, '')) || name === 'srcdoc')) {
          bad.push(`<${element.localName} ${name}="${attribute.value}">`);
        }
      }
    }
    return bad;
  });
  unsafe.push(...found.map((b) => `${what}: ${b}`));
  expect(ran, `nothing ran on ${what}`).toEqual([]);
}

test('no payload of the corpus runs on any page that shows it', async ({ browser, page, context, hydrated, baseURL }) => {
  test.setTimeout(600_000);
  const run = hydrated ? 'h' : 's';
  const ran: string[] = [];
  const unsafe: string[] = [];
  await listen(context, page, ran);

  // The editor: papers, blocks, Markdown import, assessments, findings, CSV import.
  await new SignInPage(page, hydrated).open('/papers');
  await new SignInPage(page, hydrated).signIn(EDITOR, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/papers$/);
  const api = page.request;

  const slugs: string[] = [];
  for (const [n, payload] of PAYLOADS.entries()) {
    const slug = await call(api, 'create_paper', { 'paper[title]': `${payload} ${run}${n}`, 'paper[summary]': payload });
    if (slug) slugs.push(slug);
  }
  expect(slugs.length, 'most payloads make a paper').toBeGreaterThan(PAYLOADS.length / 2);
  const paper = slugs[0];
  const blocks: string[] = [];
  let after = '';
  for (const payload of PAYLOADS) {
    for (const kind of ['text', 'claim']) {
      const block = await call(api, 'add_block', { slug: paper, after, kind });
      expect(block, 'a block is added').toBeTruthy();
      await call(api, 'save_block', { slug: paper, block, rev: '1', kind, text: payload, stances: '' });
      blocks.push(block);
      after = block;
    }
  }
  await call(api, 'import_markdown', { slug: paper, markdown: PAYLOADS.join('\n\n') });
  await call(api, 'preview_block', { text: PAYLOADS.join('\n\n') });

  const assessment = await call(api, 'save_assessment', {
    id: '',
    'assessment[title]': `Assessment ${run} ${PAYLOADS[2]}`,
    'assessment[programme]': PAYLOADS[4],
    'assessment[method]': 'survey',
    'assessment[period_from]': '2022-01-01',
    'assessment[period_to]': '2022-12-31',
    'assessment[countries]': 'FR',
    'assessment[summary]': PAYLOADS.join('\n\n'),
    'assessment[link]': '',
  });
  expect(assessment, 'the assessment is saved').toBeTruthy();
  for (const link of ["javascript:__xss('assessment link')", "JaVaScRiPt:__xss('x')", "data:text/html,<script>__xss('x')</script>"]) {
    await call(api, 'save_assessment', {
      id: assessment,
      'assessment[title]': `Assessment ${run} ${PAYLOADS[2]}`,
      'assessment[programme]': PAYLOADS[4],
      'assessment[method]': 'survey',
      'assessment[period_from]': '2022-01-01',
      'assessment[period_to]': '2022-12-31',
      'assessment[countries]': 'FR',
      'assessment[summary]': PAYLOADS.join('\n\n'),
      'assessment[link]': link,
    });
  }
  const keys: string[] = [];
  for (const [n, payload] of PAYLOADS.entries()) {
    const item = {
      key: `xss-${run}-${n}`,
      kind: 'indicator',
      swot_quadrant: '',
      text: payload,
      value: '1',
      unit: payload.slice(0, 40),
      sample_size: '',
      baseline: '',
      country: 'FR',
      region: payload.slice(0, 80),
      collected_on: '2022-03-01',
      language: 'en',
      tags: payload.slice(0, 80),
      consent: 'given',
      visibility: 'public',
    };
    const form: Record<string, string> = { current_key: '', version: '', assessment };
    for (const [field, value] of Object.entries(item)) form[`item[${field}]`] = value;
    let key = await call(api, 'save_evidence', form);
    if (!key) {
      // A field's own limit refused it: the text alone still goes in.
      form['item[unit]'] = '%';
      form['item[region]'] = '';
      form['item[tags]'] = '';
      key = await call(api, 'save_evidence', form);
    }
    if (key) keys.push(key);
  }
  expect(keys.length, 'every payload makes a finding').toBe(PAYLOADS.length);
  // The history shows before and after values: change each once.
  for (const key of keys.slice(0, 5)) {
    const form = await getJson(api, `/fn/evidence_form?key=${encodeURIComponent(key)}&assessment=`);
    const fields: Record<string, string> = { current_key: key, version: form.version, assessment: form.assessment_id };
    for (const [field, value] of Object.entries(form.input)) fields[`item[${field}]`] = String(value ?? '');
    fields['item[text]'] = PAYLOADS[(keys.indexOf(key) + 1) % PAYLOADS.length];
    await call(api, 'save_evidence', fields);
  }
  // A citation key carrying HTML, cited in a block.
  for (const key of keys.slice(0, 3)) {
    const block = await call(api, 'add_block', { slug: paper, after, kind: 'claim' });
    await call(api, 'save_block', { slug: paper, block, rev: '1', kind: 'claim', text: `Cited [@${key}] and [@<b onmouseover=__xss(1)>x</b>].`, stances: '' });
  }
  // A CSV with the payloads in every text column, through the upload form.
  const csvCell = (v: string) => `"${v.replace(/"/g, '""')}"`;
  const csv = ['key,kind,swot_quadrant,text,value,unit,sample_size,baseline,country,region,collected_on,language,tags,consent,visibility']
    .concat(PAYLOADS.map((p, n) => [`xss-csv-${run}-${n}`, 'testimony', '', csvCell(p), '', '', '', '', 'FR', csvCell(p.slice(0, 80)), '2022-03-01', 'en', csvCell(p.slice(0, 80)), 'given', 'public'].join(',')))
    .concat([[csvCell(PAYLOADS[0]), 'testimony', '', 'x', '', '', '', '', 'FR', '', '2022-03-01', 'en', '', 'given', 'public'].join(',')])
    .join('\n');
  const upload = await api.post(`/assessments/${assessment}/import`, {
    multipart: { file: { name: `${PAYLOADS[0]}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) } },
    headers: { accept: 'text/html', 'sec-fetch-site': 'same-origin' },
    maxRedirects: 0,
  });
  expect(upload.status(), 'the upload is checked').toBeLessThan(400);
  const preview = upload.headers()['location'] ?? '';

  // Discussion: comments (on a whole block and on a passage of it), replies, a correction,
  // reports, hiding and amendments with their rejection, each with the payloads as its text.
  const comments: string[] = [];
  for (const [n, p] of PAYLOADS.entries()) {
    const block = blocks[2 * n];
    const whole = await call(api, 'post_comment', { slug: paper, block, kind: 'question', text: p, passage: '' });
    if (whole) comments.push(whole);
    // The block's text is the payload: a passage of it is quoted back beside the comment.
    await call(api, 'post_comment', { slug: paper, block, kind: 'comment', text: p, passage: p.slice(0, 24) });
  }
  expect(comments.length, 'most payloads make a comment').toBeGreaterThan(PAYLOADS.length / 2);
  for (const [n, comment] of comments.slice(0, 8).entries()) {
    await call(api, 'reply_comment', { slug: paper, parent: comment, text: PAYLOADS[(n + 3) % PAYLOADS.length] });
    await call(api, 'report_comment', { slug: paper, comment, reason: PAYLOADS[(n + 5) % PAYLOADS.length].slice(0, 400) });
  }
  await call(api, 'edit_comment', { slug: paper, comment: comments[0], text: PAYLOADS[PAYLOADS.length - 1] });
  await call(api, 'hide_comment', { slug: paper, comment: comments[1], reason: PAYLOADS[6].slice(0, 400) });
  for (const [n, p] of PAYLOADS.slice(0, 6).entries()) {
    const amendment = await call(api, 'propose_amendment', { slug: paper, block: blocks[2 * n + 1], text: p, rationale: PAYLOADS[(n + 1) % PAYLOADS.length], rev: '' });
    if (amendment && n % 2 === 0) {
      await call(api, 'reject_amendment', { slug: paper, amendment, reason: PAYLOADS[(n + 2) % PAYLOADS.length].slice(0, 400) });
    }
  }
  // Consent withdrawn and given back, with the reason kept in the finding's history.
  for (const [n, key] of keys.slice(0, 3).entries()) {
    for (const [consent, reason] of [['withdrawn', ''], ['given', PAYLOADS[n + 7].slice(0, 400)]]) {
      const form = await getJson(api, `/fn/evidence_form?key=${encodeURIComponent(key)}&assessment=`);
      const fields: Record<string, string> = { current_key: key, version: form.version, assessment: form.assessment_id, consent_reason: reason };
      for (const [field, value] of Object.entries(form.input)) fields[`item[${field}]`] = String(value ?? '');
      fields['item[consent]'] = consent;
      await call(api, 'save_evidence', fields);
    }
  }
  // Published twice (release notes, an override's reason), so the reading, version and
  // comparison pages show the payloads too.
  const recommendation = await call(api, 'add_block', { slug: paper, after, kind: 'recommendation' });
  await call(api, 'save_block', { slug: paper, block: recommendation, rev: '1', kind: 'recommendation', text: PAYLOADS[3], stances: '' });
  for (const [n, notes] of [PAYLOADS[8], PAYLOADS[9]].entries()) {
    const check = await getJson(api, `/fn/prepublish_check?slug=${encodeURIComponent(paper)}`);
    const form: Record<string, string> = { slug: paper, number: String(check.next_number), release_notes: notes.slice(0, 2000) };
    for (const [i, blocker] of (check.unsupported ?? []).entries()) {
      form[`overrides[${i}][block]`] = blocker.id;
      form[`overrides[${i}][reason]`] = PAYLOADS[(n + 10) % PAYLOADS.length].slice(0, 400);
    }
    expect(await call(api, 'publish_paper', form), `version ${n + 1} is published`).toBe(n + 1);
    await call(api, 'save_block', { slug: paper, block: blocks[0], rev: String(2 + n), kind: 'text', text: `Version ${n + 2}: ${PAYLOADS[(n + 11) % PAYLOADS.length]}`, stances: '' });
  }

  // Members vote with payloads as reasons on the demo consultation.
  const recommendations: string[] = (await getJson(api, `/fn/consultation?slug=${SLUG}`)).targets
    ?.map((t: { id: string }) => t.id)
    .filter((id: string) => id) ?? [];
  const voters = [MEMBER, 'lucia.romero@example.org', 'nikos.papadopoulos@example.org', 'sanne.devries@example.org', 'camille.dubois@example.org'];
  let payload = 0;
  for (const voter of voters) {
    const voting = await browser.newContext({ baseURL });
    await voting.request.post('/fn/login', { form: { email: voter, password: DEMO_PASSWORD }, headers: { accept: 'application/json' } });
    for (const target of recommendations) {
      await call(voting.request, 'cast_vote', { slug: SLUG, target, choice: 'oppose', reason: PAYLOADS[payload++ % PAYLOADS.length], rev: '' });
    }
    await voting.close();
  }

  // The admin: organisation names, invitations, and a new member's own name.
  const admin = await browser.newContext({ baseURL });
  await admin.request.post('/fn/login', { form: { email: ADMIN, password: DEMO_PASSWORD }, headers: { accept: 'application/json' } });
  for (const [n, p] of PAYLOADS.slice(0, 8).entries()) {
    await call(admin.request, 'create_organisation', { name: `${p.slice(0, 80)} ${run}${n}`, short_name: `X${run}${n}`, country: 'FR', kind: 'member' });
  }
  const overview = await call(admin.request, 'admin_overview', {});
  const organisation = overview.organisations?.[0]?.id ?? '';
  for (const [n, p] of PAYLOADS.slice(0, 6).entries()) {
    const invitation = await call(admin.request, 'invite_member', { email: `xss-${run}-${n}@example.org`, organisation, role: 'member' });
    if (!invitation) continue;
    const token = String(invitation.url).split('/').pop()!;
    const newcomer = await browser.newContext({ baseURL });
    await call(newcomer.request, 'accept_invitation', { token, name: p.slice(0, 100), password: 'long enough words', password_confirm: 'long enough words' });
    await newcomer.close();
  }
  await admin.close();
  await call(api, 'add_paper_editor', { slug: paper, member: overview.members?.find((m: { email: string }) => m.email === 'jonas.weber@example.org')?.id ?? '' });

  // Every page that shows what was typed.
  const pages = [
    '/', '/papers', '/evidence', '/evidence?page=2', '/evidence?page=3', `/assessments/${assessment}`,
    `/assessments/${assessment}/edit`, `/papers/${paper}/draft`, `/papers/${paper}/editors`,
    `/papers/${SLUG}/consultation`, `/papers/${SLUG}/consultation/results`, '/account',
    ...slugs.slice(0, 6).map((s) => `/papers/${s}/draft`),
    ...blocks.slice(0, 4).map((b) => `/papers/${paper}/draft/blocks/${b}`),
    ...keys.map((k) => `/evidence/${encodeURIComponent(k)}`),
    ...keys.slice(0, 5).map((k) => `/evidence/${encodeURIComponent(k)}/edit`),
    ...PAYLOADS.slice(0, 12).map((p) => `/evidence?q=${encodeURIComponent(p)}`),
    ...PAYLOADS.slice(0, 4).map((p) => `/login?next=${encodeURIComponent(p)}`),
    ...blocks.slice(0, 12).map((b) => `/papers/${paper}/draft/blocks/${b}/discussion`),
    `/papers/${paper}/draft?open_comments=1`, '/moderation', '/needs-me', `/papers/${paper}/publish`,
    `/papers/${paper}`, `/papers/${paper}/v/1`, `/papers/${paper}/compare/1/2`,
    ...PAYLOADS.slice(0, 6).map((p) => `/?q=${encodeURIComponent(p)}`),
  ];
  if (preview) pages.push(preview);
  for (const url of pages) await visit(page, hydrated, url, ran, unsafe);
  // The standalone HTML file is downloaded and opened from the reader's disk: opened here the
  // same way, outside the app, with only the policy it carries itself.
  const standalone = await api.get(`/papers/${paper}/v/2/paper.html`);
  expect(standalone.ok(), 'the standalone file downloads').toBeTruthy();
  await page.goto('about:blank');
  await page.setContent(await standalone.text());
  await scan(page, 'the standalone paper.html', ran, unsafe);

  // The admin's pages, with the newcomers' names and the organisations.
  const adminPage = await browser.newContext({ baseURL });
  const adminTab = await adminPage.newPage();
  await listen(adminPage, adminTab, ran);
  await new SignInPage(adminTab, hydrated).open('/admin');
  await new SignInPage(adminTab, hydrated).signIn(ADMIN, DEMO_PASSWORD);
  await expect(adminTab).toHaveURL(/\/admin$/);
  await visit(adminTab, hydrated, '/admin', ran, unsafe);
  await visit(adminTab, hydrated, `/papers/${SLUG}/consultation/results`, ran, unsafe);
  await adminPage.close();

  expect(ran, 'no payload ran').toEqual([]);
  expect(unsafe, 'no event handler or script URL made it into a page').toEqual([]);
});
