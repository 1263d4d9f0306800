// What a first visit downloads, and how long a page takes to become interactive on a slow
// connection, measured in Chromium with the network recorded (issue 16's goals).
//
//   node first-load.mjs http://127.0.0.1:3000
//
// Run by `scripts/bench.sh first-load` against a release build (a release server and the
// release bundle: wasm-opt and precompressed files). Each page is opened in a fresh browser
// context, so with a cold cache. Bytes are what crossed the wire (compressed bodies and
// headers, Chromium's `encodedDataLength`). The slow connection is Chromium's network
// emulation at 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency. "Interactive" is the moment
// the loader marks once every island on the page is live (`groundwork:interactive`), or the
// load event for a page without islands (it then has no script to wait for).
import { chromium } from '@playwright/test';

const base = (process.argv[2] ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
const EDITOR = { email: 'marco.bellini@example.org', password: 'groundwork-demo' };
const PAGES = [
  { name: 'home', path: '/' },
  { name: 'evidence library', path: '/evidence' },
  { name: 'a finding', path: '/evidence/eu-2020-swot-01' },
  { name: 'draft, visitor (sign-in page)', path: '/papers/inclusive-volunteering/draft' },
  { name: 'draft, editor', path: '/papers/inclusive-volunteering/draft', signedIn: true },
  { name: 'block editor, editor', path: null, signedIn: true, blockEditor: true },
  { name: 'consultation, editor', path: '/papers/inclusive-volunteering/consultation', signedIn: true },
  { name: 'consultation results, editor', path: '/papers/inclusive-volunteering/consultation/results', signedIn: true },
  { name: 'discussion of a block, editor', path: null, signedIn: true, discussion: true },
  { name: 'published paper, visitor', path: '/papers/inclusive-volunteering' },
];
const SLOW = { offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
});

function kindOf(url, mime) {
  if (url.includes('/pkg/') && url.endsWith('.wasm')) return 'wasm';
  if (url.endsWith('.js') || mime.includes('javascript')) return 'js';
  if (url.endsWith('.css') || mime.includes('css')) return 'css';
  if (mime.includes('html')) return 'html';
  return 'other';
}

/** Opens `url` in a fresh context; returns bytes per kind and the interactive time (ms). */
async function measure(url, { signedIn, slow }) {
  const context = await browser.newContext({ locale: 'en-GB' });
  if (signedIn) {
    const answer = await context.request.post(`${base}/fn/login`, {
      form: { email: EDITOR.email, password: EDITOR.password, next: '/' },
      maxRedirects: 0,
    });
    if (answer.status() >= 400) throw new Error(`sign-in failed: ${answer.status()}`);
  }
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  if (slow) await cdp.send('Network.emulateNetworkConditions', SLOW);
  const requests = new Map();
  const bytes = { html: 0, css: 0, js: 0, wasm: 0, other: 0 };
  cdp.on('Network.responseReceived', (e) => requests.set(e.requestId, kindOf(e.response.url, e.response.mimeType ?? '')));
  cdp.on('Network.loadingFinished', (e) => {
    const kind = requests.get(e.requestId) ?? 'other';
    bytes[kind] += e.encodedDataLength;
  });
  await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
  const islands = await page.locator('leptos-island').count();
  if (islands > 0) {
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true', null, { timeout: 120_000 });
  }
  await page.waitForLoadState('networkidle', { timeout: 120_000 });
  const interactive = await page.evaluate(() => {
    const mark = performance.getEntriesByName('groundwork:interactive')[0];
    const nav = performance.getEntriesByType('navigation')[0];
    return Math.round(mark ? mark.startTime : nav.loadEventEnd);
  });
  await context.close();
  return { bytes, total: Object.values(bytes).reduce((a, b) => a + b, 0), islands, interactive };
}

/** The editor's block-editor address for the draft's first block with text. */
async function blockEditorUrl() {
  const context = await browser.newContext();
  await context.request.post(`${base}/fn/login`, { form: { email: EDITOR.email, password: EDITOR.password, next: '/' }, maxRedirects: 0 });
  const page = await context.newPage();
  await page.goto(`${base}/papers/inclusive-volunteering/draft`);
  const href = await page.locator('li.block a', { hasText: 'Edit' }).first().getAttribute('href');
  await context.close();
  return `${base}${href}`;
}

const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
console.log(`first load against ${base} (cold cache; bytes on the wire)`);
console.log('| page | islands | HTML | CSS | JS | WASM | total | interactive, fast | interactive, 1.6 Mbit/s + 150 ms |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const p of PAGES) {
  const url = p.blockEditor ? await blockEditorUrl() : p.discussion ? `${await blockEditorUrl()}/discussion` : `${base}${p.path}`;
  const fast = await measure(url, { signedIn: p.signedIn, slow: false });
  const slow = await measure(url, { signedIn: p.signedIn, slow: true });
  const b = fast.bytes;
  console.log(`| ${p.name} | ${fast.islands} | ${kb(b.html)} | ${kb(b.css)} | ${kb(b.js)} | ${kb(b.wasm)} | ${kb(fast.total)} | ${fast.interactive} ms | ${slow.interactive} ms |`);
}
await browser.close();
