// Starting and stopping the portal's server for the browser tests: where the binary and the
// built site are, a free port, the server's own log, and waiting until it answers /healthz.
// Used once per run by global-setup.ts (to seed the template database) and once per test by
// fixtures.ts (each test's own server on its own copy of that database).
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const targetDir = process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache', 'selfcare-target');
const repo = path.join(__dirname, '..', '..', '..');

/** The server binary: SELFCARE_BIN, else the release build in $CARGO_TARGET_DIR. */
export const serverBin = process.env.SELFCARE_BIN || path.join(targetDir, 'release', 'selfcare');

/**
 * The built JS, WASM and CSS: LEPTOS_SITE_ROOT, else where `cargo leptos build` put them (in
 * $CARGO_TARGET_DIR or in the checkout's `target/`, whichever holds a `pkg` folder).
 */
export const siteRoot =
  process.env.LEPTOS_SITE_ROOT ||
  [path.join(targetDir, 'site'), path.join(repo, 'target', 'site')].find((p) => fs.existsSync(path.join(p, 'pkg'))) ||
  path.join(targetDir, 'site');

/** A port nobody listens on now. Another process may take it before the server binds it: see `startServer`. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface Server {
  url: string;
  port: number;
  /** Milliseconds from spawning the process to the first 200 of /healthz. */
  startMs: number;
  /** SIGTERM (the server shuts down gracefully), SIGKILL if it has not exited after 5 s. */
  stop(): Promise<void>;
}

// A worker that dies mid-test must not leave servers behind.
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Thrown when the port was taken between `freePort` and the server's bind: try another. */
class PortTaken extends Error {}

/**
 * Starts `selfcare serve` on 127.0.0.1 with the SQLite database `dbFile` (created and migrated
 * when missing; seeded when empty and `env` asks for the demo with SELFCARE_DEMO=1), its output appended to `logFile`, and waits until it answers /healthz.
 *
 * It is ready only once its own output says it listens on the port and /healthz answers 200:
 * a 200 alone could come from another process that took the port first.
 */
export async function startServer(
  dbFile: string,
  logFile: string,
  timeoutMs = 20_000,
  env: Record<string, string> = {},
): Promise<Server> {
  if (!fs.existsSync(serverBin)) {
    throw new Error(
      `no server binary at ${serverBin}: build it (cargo leptos build --release) or set SELFCARE_BIN ` +
        `(and LEPTOS_SITE_ROOT); see end2end/README.md`,
    );
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(await freePort(), dbFile, logFile, timeoutMs, env);
    } catch (e) {
      if (!(e instanceof PortTaken) || attempt === 5) throw e;
    }
  }
}

async function startOn(
  port: number,
  dbFile: string,
  logFile: string,
  timeoutMs: number,
  env: Record<string, string>,
): Promise<Server> {
  const started = Date.now();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(serverBin, ['serve', '--addr', `127.0.0.1:${port}`], {
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${dbFile}`,
      LEPTOS_SITE_ROOT: siteRoot,
      RUST_LOG: 'info',
      NO_COLOR: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) =>
    child.on('exit', () => {
      running.delete(child);
      resolve();
    }),
  );
  // This start's output (the log file may hold an earlier one's too).
  let output = '';
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      fs.appendFileSync(logFile, chunk);
    });
  }

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const listening = `listening on ${url} `;
  let dead = false;
  exited.then(() => (dead = true));
  while (Date.now() - started < timeoutMs) {
    if (dead) {
      if (/address already in use/i.test(output)) throw new PortTaken();
      throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) before it answered on ${url}:\n${output.slice(-4_000)}`);
    }
    if (output.includes(listening)) {
      try {
        const res = await fetch(`${url}/healthz`);
        if (res.status === 200) return { url, port, startMs: Date.now() - started, stop };
      } catch {
        // Not answering yet.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await stop();
  throw new Error(`the server did not answer ${url}/healthz within ${timeoutMs} ms; its log: ${logFile}`);
}
