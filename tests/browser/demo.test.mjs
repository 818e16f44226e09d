// Opens examples/browser/index.html in headless Chromium (cross-origin isolated server),
// checks the worker's files and a "dropped" file appear in the tree, the quota gauge shows
// usage, and saves a screenshot (kept; its path is printed as a diagnostic).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { start, stop } from './server.mjs';

const EXE = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const WORKER_FILES = ['/worker/hello.txt', '/worker/data/numbers.csv', '/worker/data/random.bin'];

test('browser demo: tree, drop, gauge, worker, screenshot', { timeout: 120000 }, async (t) => {
  const base = await start();
  let browser = null;
  const problems = [];
  try {
    browser = await chromium.launch({
      executablePath: EXE, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: { width: 1100, height: 720 } });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console.error: ${m.text()}`); });
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`); });

    await page.goto(`${base}/examples/browser/index.html`);
    assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true, 'page is cross-origin isolated');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
    // The worker's files, written through share()/attach(), show up in the page's tree.
    await page.waitForFunction((paths) => paths.every((p) => document.querySelector(`#tree li[data-path="${p}"]`)),
      WORKER_FILES, { timeout: 30000, polling: 100 });
    await page.waitForSelector('body[data-worker="done"]', { timeout: 30000 });

    const before = Number(await page.getAttribute('#gauge', 'data-used'));
    const content = Buffer.from('dropped through the file input\n'.repeat(100));
    await page.setInputFiles('#file-input', { name: 'dropped.txt', mimeType: 'text/plain', buffer: content });
    await page.waitForSelector('#tree li[data-path="/uploads/dropped.txt"]', { timeout: 30000 });
    // Gauge refresh follows the tree in the same pass; wait until it reflects the new file.
    await page.waitForFunction((b) => Number(document.getElementById('gauge').dataset.used) > b, before, { timeout: 10000 });

    // A later worker write (button) also reaches the tree.
    await page.click('#worker-more');
    await page.waitForSelector('#tree li[data-path="/worker/extra-1.txt"]', { timeout: 30000 });

    const paths = await page.$$eval('#tree li[data-path]', (els) => els.map((e) => e.dataset.path));
    for (const p of [...WORKER_FILES, '/uploads/dropped.txt', '/README.txt']) assert.ok(paths.includes(p), `tree lists ${p}: ${paths.join(' ')}`);
    const size = await page.textContent('#tree li[data-path="/uploads/dropped.txt"] .size');
    assert.equal(size, `${content.length.toLocaleString('en-US')} B`);
    // The file really is in the filesystem, readable by the worker too (same tree).
    const used = Number(await page.getAttribute('#gauge', 'data-used'));
    const quota = Number(await page.getAttribute('#gauge', 'data-quota'));
    assert.ok(used > 0 && used >= content.length + 16384 + 2000, `used ${used}`);
    assert.equal(quota, 1 << 20);
    const text = await page.textContent('#gauge-text');
    assert.match(text, new RegExp(`^${used.toLocaleString('en-US')} / 1,048,576 bytes used`));
    const fill = await page.$eval('#gauge-fill', (e) => e.getBoundingClientRect().width);
    assert.ok(fill > 0, 'gauge bar is filled');

    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'dmemfs-demo-'));
    const shot = path.join(dir, 'demo.png');
    await page.waitForTimeout(400); // let the gauge's width transition finish
    const png = await page.screenshot({ path: shot, fullPage: true });
    t.diagnostic(`screenshot: ${shot} (${png.length} bytes)`);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.equal((await fsp.stat(shot)).size, png.length);
    assert.ok(png.length > 10 * 1024, `screenshot is ${png.length} bytes`);
    // Not one uniform color: the header and the tree panel render differently.
    const box = await page.locator('#tree-panel').boundingBox();
    const a = await page.screenshot({ clip: { x: 0, y: 0, width: 200, height: 40 } });
    const b = await page.screenshot({ clip: { x: box.x, y: box.y, width: 200, height: 40 } });
    assert.notDeepEqual(a, b, 'two regions of the page differ');
    assert.deepEqual(problems, []);
  } finally {
    if (browser) await browser.close().catch(() => {});
    await stop();
  }
});

test('browser demo without cross-origin isolation falls back to wasm-single', { timeout: 60000 }, async () => {
  const base = await start();
  let browser = null;
  try {
    browser = await chromium.launch({
      executablePath: EXE, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/noiso/examples/browser/index.html`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
    assert.match(await page.textContent('#env'), /wasm-single/);
    await page.setInputFiles('#file-input', { name: 'b.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(5000, 7) });
    await page.waitForSelector('#tree li[data-path="/uploads/b.bin"]', { timeout: 10000 });
    await page.waitForFunction(() => Number(document.getElementById('gauge').dataset.used) >= 5000, null, { timeout: 10000 });
    assert.equal(await page.isDisabled('#worker-more'), true);
    assert.deepEqual(errors, []);
  } finally {
    if (browser) await browser.close().catch(() => {});
    await stop();
  }
});
