// Once per run (per shard): seeds the template database every test starts from. The server is
// started once with SELFCARE_DEMO=1 on an empty SQLite file, which it creates, migrates and fills
// with the demo data,
// and stopped; the file is then compacted into one self-contained `template.db` (VACUUM INTO
// reads through the write-ahead log, so no -wal/-shm file is needed beside it). fixtures.ts
// copies it for each test. The run's folder is removed at the end.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serverBin, siteRoot, startServer } from './server';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'selfcare-e2e-'));
  const seeded = path.join(runDir, 'seeded.db');
  const template = path.join(runDir, 'template.db');
  const log = path.join(runDir, 'template-server.log');

  const started = Date.now();
  try {
    // Seeding writes hundreds of customers with their bills and usage: give it time.
    const server = await startServer(seeded, log, 180_000, { SELFCARE_DEMO: '1' });
    await server.stop();
    execFileSync('sqlite3', [seeded, `VACUUM INTO '${template}'`]);
    for (const file of [seeded, `${seeded}-wal`, `${seeded}-shm`]) fs.rmSync(file, { force: true });
    const demo = execFileSync('sqlite3', [template, "SELECT COUNT(*) FROM customers WHERE email = 'demo@example.com'"], {
      encoding: 'utf8',
    }).trim();
    if (demo !== '1') throw new Error(`the template database has no demo data; the server's log:\n${fs.readFileSync(log, 'utf8')}`);
  } catch (e) {
    fs.rmSync(runDir, { recursive: true, force: true });
    throw e;
  }
  if (process.env.E2E_TIMINGS) {
    fs.appendFileSync(process.env.E2E_TIMINGS, JSON.stringify({ template: Date.now() - started }) + '\n');
  }
  console.log(`Template database seeded in ${Date.now() - started} ms by ${serverBin} (site ${siteRoot}).`);

  // Read by fixtures.ts in the workers, which inherit this environment.
  process.env.E2E_RUN_DIR = runDir;
  process.env.E2E_TEMPLATE_DB = template;

  return async () => {
    if (!process.env.E2E_KEEP_RUN_DIR) fs.rmSync(runDir, { recursive: true, force: true });
  };
}
