// The packed tarball, installed into a fresh project, bundled by Vite (programmatic build)
// and run in headless Chromium under COOP/COEP: both builds create, write, read, hit quota.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { here, installConsumer, packStaged, repo } from './stage.mjs';

const viteEntry = join(repo, 'node_modules', 'vite', 'dist', 'node', 'index.js');
const pwEntry = join(repo, 'node_modules', 'playwright-core', 'index.mjs');
const chromium = '/usr/bin/chromium';
const missing = [[viteEntry, 'vite (npm install --no-save --no-package-lock vite@5)'],
  [pwEntry, 'playwright-core (npm install --no-save --no-package-lock playwright-core@1.56)'],
  [chromium, 'chromium (apt-get install chromium)']].filter(([p]) => !existsSync(p)).map(([, m]) => m);

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

const notFound = [];
function serve(root) {
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (p === '/favicon.ico') { res.writeHead(204); res.end(); return; }
    const file = join(root, normalize(p === '/' ? '/index.html' : p));
    const h = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin', 'Cache-Control': 'no-store' };
    if (!file.startsWith(root + sep) || !existsSync(file)) {
      if (p !== '/favicon.ico') notFound.push(p);
      res.writeHead(404, h); res.end(); return;
    }
    res.writeHead(200, { ...h, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

test('Vite build of a page importing dmemfs runs in Chromium', {
  timeout: 150_000, skip: missing.length ? `missing: ${missing.join(', ')}` : false,
}, async (t) => {
  const { root, tgz } = packStaged();
  let server = null;
  let browser = null;
  try {
    const dir = installConsumer(root, tgz);
    for (const f of ['index.html', 'main.js', 'worker.js']) copyFileSync(join(here, 'vite', f), join(dir, f));
    const vite = await import(pathToFileURL(viteEntry).href);
    const outDir = join(dir, 'out');
    // worker.format 'es': dmemfs loads its runtimes with dynamic import(), which Vite's
    // default 'iife' worker format rejects (code-splitting). The page itself needs no config.
    await vite.build({ root: dir, logLevel: 'warn', configFile: false, worker: { format: 'es' },
      build: { outDir, emptyOutDir: true } });
    const assets = readdirSync(join(outDir, 'assets'));
    console.log(`vite ${vite.version} assets: ${assets.join(' ')}`);
    assert.ok(assets.some((f) => /^dmemfs-single-.*\.wasm$/.test(f)), 'single .wasm not emitted');
    assert.ok(assets.some((f) => /^dmemfs-threads-.*\.wasm$/.test(f)), 'threads .wasm not emitted');
    assert.ok(assets.some((f) => /^dmemfs-threads-.*\.mjs$/.test(f)), 'threads glue not emitted');

    server = await serve(outDir);
    const { chromium: pw } = await import(pathToFileURL(pwEntry).href);
    browser = await pw.launch({ executablePath: chromium, args: ['--no-sandbox', '--disable-gpu',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    const page = await browser.newPage();
    const logs = [];
    page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    page.on('worker', (w) => { logs.push(`worker started: ${w.url()}`); w.on('close', () => logs.push('worker closed')); });
    const failed = [];
    page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 30_000 }).catch((e) => {
      throw new Error(`${e.message}\nfailed requests: ${failed.join(' ')}\nconsole:\n${logs.join('\n')}`);
    });
    const result = await page.evaluate(() => window.__result);
    const shown = await page.textContent('#out');
    console.log(JSON.stringify(result));
    await t.test('both builds: create, write, read, quota error', () => {
      assert.deepEqual([...failed, ...notFound], [], `failed requests; console: ${logs.join('\n')}`);
      assert.equal(result.crossOriginIsolated, true);
      assert.equal(typeof result.version, 'string');
      for (const build of ['single', 'threads']) {
        assert.deepEqual(result[build], { build, text: `hello from ${build}`, quota: 'ENOSPC', listing: ['a.txt'] },
          `${build}: ${JSON.stringify(result[build])}\n${logs.join('\n')}`);
      }
      assert.equal(JSON.parse(shown).single.text, 'hello from single');
    });
    await t.test('threads: share() → Vite-bundled module Worker → attach()', () => {
      assert.deepEqual(result.share, { read: 'hello from threads', wrote: 'worker was here' },
        `share: ${JSON.stringify(result.share)}\n${logs.join('\n')}`);
    });
  } finally {
    await browser?.close();
    server?.close();
    rmSync(root, { recursive: true, force: true });
  }
});
