// Browser tests of the portal: Playwright drives Debian's Chromium against a release build
// of the server on a fresh SQLite database (the server creates, migrates and seeds it).
import { defineConfig } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

const artifacts = path.join(__dirname, 'artifacts');
const dbPath = path.join(artifacts, 'e2e.db');
const bin = process.env.SELFCARE_BIN || '/root/.cache/selfcare-target/release/selfcare';
// The built JS, WASM and CSS: where the CI build puts them, else where `cargo leptos build` does.
const siteRoot =
  process.env.LEPTOS_SITE_ROOT ||
  ['/root/.cache/selfcare-target/site', path.join(__dirname, '..', 'target', 'site')].find((p) => fs.existsSync(p)) ||
  '/root/.cache/selfcare-target/site';
// E2E_PORT lets a second checkout run its browser tests beside this one.
const port = Number(process.env.E2E_PORT || 3100);
const baseURL = `http://127.0.0.1:${port}`;

fs.mkdirSync(path.join(artifacts, 'screenshots'), { recursive: true });
// The tests read the figures the pages must show from the same database.
process.env.E2E_DB = dbPath;

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export default defineConfig({
  testDir: './tests',
  outputDir: './artifacts/test-results',
  // Sign-in throttling counts failures per address: one worker keeps the count predictable.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  use: {
    baseURL,
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
  webServer: {
    // The database is removed in the command (not here) because worker processes load this
    // file again while the server is running. Every run starts from freshly seeded demo data.
    command:
      `rm -f ${quote(dbPath)} ${quote(dbPath + '-wal')} ${quote(dbPath + '-shm')} && ` +
      `exec ${quote(bin)} serve --addr 127.0.0.1:${port}`,
    url: `${baseURL}/healthz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      ...(process.env as Record<string, string>),
      DATABASE_URL: `sqlite://${dbPath}`,
      LEPTOS_SITE_ROOT: siteRoot,
      RUST_LOG: 'info',
    },
  },
});
