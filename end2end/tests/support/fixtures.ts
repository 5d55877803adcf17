// What every spec imports instead of '@playwright/test': the same `test` and `expect`, with each
// test isolated. A test gets its own copy of the template database (seeded once per run by
// global-setup.ts) and its own server on a free port, started before the test and stopped after
// it; `baseURL` points at that server, and the database helpers (db.ts) at that copy. So a test
// may change anything, including the per-address sign-in throttle: no other test sees it, and
// nothing needs to be put back.
//
// When a test fails, its database (`e2e.db`) and the server's log are kept in its folder under
// artifacts/test-results/, beside the trace.
import { test as base } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { Server, startServer } from './server';

export { expect } from '@playwright/test';
export type { Browser, Download, Locator, Page, Response } from '@playwright/test';

interface Isolation {
  /** This test's copy of the template database (also `process.env.E2E_DB` while it runs). */
  database: string;
  /** This test's server, on that copy. */
  server: Server;
}

const timings = process.env.E2E_TIMINGS;

export const test = base.extend<Isolation>({
  database: [
    async ({}, use, testInfo) => {
      const template = process.env.E2E_TEMPLATE_DB;
      const runDir = process.env.E2E_RUN_DIR;
      if (!template || !runDir) throw new Error('no template database: run the tests through playwright.config.ts');
      const file = path.join(runDir, `${testInfo.testId}.db`);
      fs.copyFileSync(template, file);
      // db.ts reads it on every query; a worker runs one test at a time.
      process.env.E2E_DB = file;
      await use(file);
      delete process.env.E2E_DB;
      // The server has stopped by now (it depends on this fixture): the files are complete.
      const failed = testInfo.status !== testInfo.expectedStatus;
      for (const suffix of ['', '-wal', '-shm']) {
        if (failed && fs.existsSync(file + suffix)) fs.copyFileSync(file + suffix, testInfo.outputPath(`e2e.db${suffix}`));
        fs.rmSync(file + suffix, { force: true });
      }
    },
    { auto: true },
  ],

  server: async ({ database }, use, testInfo) => {
    const log = database.replace(/\.db$/, '.log');
    const server = await startServer(database, log);
    await use(server);
    const stopping = Date.now();
    await server.stop();
    if (timings) {
      const record = { test: testInfo.titlePath.join(' › '), start: server.startMs, stop: Date.now() - stopping };
      fs.appendFileSync(timings, JSON.stringify(record) + '\n');
    }
    if (testInfo.status !== testInfo.expectedStatus) {
      await testInfo.attach('server.log', { path: log, contentType: 'text/plain' });
    }
    fs.rmSync(log, { force: true });
  },

  baseURL: async ({ server }, use) => {
    await use(server.url);
  },
});
