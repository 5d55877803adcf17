// First load of a portal page in Chromium, as a signed-in customer with an empty cache: the
// bytes of JS, WASM and CSS (decoded, gzip -9 computed here, and as the server sent them) and
// the time from navigation until the page is hydrated (`<body data-hydrated="true">`).
//
//   node bench/first-load.mjs <base url> <session token> [path] [runs]
//
// Prints one JSON object. Uses Debian's Chromium through the browser tests' playwright-core
// (end2end/node_modules; never a downloaded browser). Each run is a new browser context, so
// nothing is cached; the time is the median of the runs, the bytes are the first run's.

import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'end2end', 'package.json'));
const { chromium } = require('playwright-core');

const [base, token, pagePath = '/', runsArg = '5'] = process.argv.slice(2);
if (!base || !token) {
  console.error('usage: node bench/first-load.mjs <base url> <session token> [path] [runs]');
  process.exit(2);
}
const runs = Number(runsArg);

const kindOf = (url) => {
  const p = new URL(url).pathname;
  if (p.endsWith('.wasm')) return 'wasm';
  if (p.endsWith('.js')) return 'js';
  if (p.endsWith('.css')) return 'css';
  return null;
};

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

async function once() {
  const context = await browser.newContext();
  await context.addCookies([{ name: 'selfcare_session', value: token, url: base }]);
  const page = await context.newPage();
  // Notes the moment the app marks the body hydrated, on the page's own clock.
  await page.addInitScript(() => {
    new MutationObserver(() => {
      if (document.body?.dataset.hydrated === 'true' && window.__hydratedAt === undefined) {
        window.__hydratedAt = performance.now();
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-hydrated'] });
  });
  const assets = [];
  const failed = [];
  page.on('response', (response) => {
    const kind = kindOf(response.url());
    if (kind) assets.push({ kind, response });
    if (response.status() >= 400) failed.push(`${new URL(response.url()).pathname} ${response.status()}`);
  });
  page.on('requestfailed', (request) => failed.push(`${new URL(request.url()).pathname} failed`));
  const main = await page.goto(base + pagePath, { waitUntil: 'load' });
  if (main.status() !== 200) throw new Error(`${pagePath} answered ${main.status()}`);
  try {
    await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached', timeout: 30_000 });
  } catch (e) {
    // Usually the site root was built with another version than the server (asset names differ).
    throw new Error(
      `not hydrated within 30 s` + (failed.length ? `; failed requests: ${failed.join(', ')}` : ''),
    );
  }
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      ttfb_ms: nav.responseStart,
      dom_content_loaded_ms: nav.domContentLoadedEventEnd,
      load_ms: nav.loadEventEnd,
      hydrated_ms: window.__hydratedAt ?? null,
    };
  });
  const files = [];
  for (const { kind, response } of assets) {
    const body = await response.body();
    const sizes = await response.request().sizes();
    const headers = await response.allHeaders();
    files.push({
      kind,
      url: new URL(response.url()).pathname,
      status: response.status(),
      bytes: body.length,
      gzip_bytes: zlib.gzipSync(body, { level: 9 }).length,
      sent_bytes: sizes.responseBodySize,
      content_encoding: headers['content-encoding'] ?? null,
      cache_control: headers['cache-control'] ?? null,
    });
  }
  await context.close();
  return { timing, files };
}

try {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once());
  const median = (xs) => {
    const s = xs.filter((x) => x !== null).sort((a, b) => a - b);
    return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
  };
  const { files } = results[0];
  const totals = {};
  for (const kind of ['js', 'wasm', 'css']) {
    const of = files.filter((f) => f.kind === kind);
    totals[kind] = {
      files: of.length,
      bytes: of.reduce((s, f) => s + f.bytes, 0),
      gzip_bytes: of.reduce((s, f) => s + f.gzip_bytes, 0),
      sent_bytes: of.reduce((s, f) => s + f.sent_bytes, 0),
    };
  }
  console.log(
    JSON.stringify({
      path: pagePath,
      runs,
      hydrated_ms: median(results.map((r) => r.timing.hydrated_ms)),
      ttfb_ms: median(results.map((r) => r.timing.ttfb_ms)),
      load_ms: median(results.map((r) => r.timing.load_ms)),
      hydrated_ms_all: results.map((r) => r.timing.hydrated_ms),
      totals,
      files,
    }),
  );
} finally {
  await browser.close();
}
