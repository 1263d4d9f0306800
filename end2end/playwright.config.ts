import { defineConfig } from '@playwright/test';

// Debian's Chromium, started the way this sandbox needs (no sandbox, no background network).
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
  ],
};

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    baseURL: process.env.GROUNDWORK_URL ?? 'http://127.0.0.1:3000',
    launchOptions: chromium,
    locale: 'en-GB',
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
  },
  projects: [
    // Every page works as plain server-rendered HTML…
    { name: 'ssr', use: { javaScriptEnabled: false } },
    // …and hydrated, where the WASM takes over.
    { name: 'hydrated', use: { javaScriptEnabled: true } },
  ],
});
