// Shared end-to-end plumbing: a static server over the Trunk build (dist/) on a free loopback
// port, and Debian's Chromium driven by playwright-core (never a downloaded browser).
import { createServer } from 'node:http';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const DIST = join(ROOT, 'dist');
export const SHOTS = join(ROOT, 'target', 'e2e-screenshots');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/**
 * Serves `dir` on 127.0.0.1 under `prefix` (a sub-path like `/docs/play/`, default `/`);
 * resolves to { url, close, requests, setDown } (requests: every path asked for; `setDown(true)`
 * makes every later request fail at the network level, as if the host were unreachable).
 */
/**
 * Serves `dir` under `prefix`. `headers` are added to every response (the page benchmark sends
 * COOP/COEP so the page is cross-origin isolated and its timers are not coarsened to 0.1 ms).
 */
export async function serve(dir = DIST, prefix = '/', headers = {}) {
  const requests = [];
  let down = false;
  const server = createServer(async (req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    const full = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push(full);
    if (!full.startsWith(prefix)) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    const path = '/' + full.slice(prefix.length);
    let file = normalize(join(dir, path));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, headers).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    requests,
    setDown: (value) => {
      down = value;
    },
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/** Launches Debian's Chromium headless with the flags this sandboxed machine needs. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Types a command into the terminal and waits until its output block appears. */
export async function run(page, command) {
  const input = page.getByRole('textbox', { name: 'Terminal', exact: true });
  await input.fill(command);
  await input.press('Enter');
}

/**
 * Registers the usual per-file setup with node:test: one static server over dist/ and one
 * browser for all the file's tests. Returns an object whose `server` and `browser` fields are
 * filled in before the first test runs.
 */
export function shared(hooks) {
  const ctx = { server: undefined, browser: undefined };
  hooks.before(async () => {
    ctx.server = await serve();
    ctx.browser = await launch();
    await mkdir(SHOTS, { recursive: true });
  });
  hooks.after(async () => {
    await ctx.browser?.close();
    await ctx.server?.close();
  });
  return ctx;
}
