// Browser tests of the portal: Playwright drives Debian's Chromium against a release build of
// the server. Every test has a server and a database of its own (tests/support/fixtures.ts),
// copied from a template that tests/support/global-setup.ts seeds once per run; so tests run
// in parallel and in any order.
import { defineConfig } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

fs.mkdirSync(path.join(__dirname, 'artifacts', 'screenshots'), { recursive: true });

export default defineConfig({
  testDir: './tests',
  outputDir: './artifacts/test-results',
  globalSetup: './tests/support/global-setup.ts',
  // Two workers on this project's two-core machines (README: the figures); E2E_WORKERS to change.
  workers: Number(process.env.E2E_WORKERS || 2),
  fullyParallel: true,
  retries: 0,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  use: {
    // baseURL is each test's own server's (fixtures.ts).
    headless: true,
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    timezoneId: 'UTC',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
});
