// Runs the browser test pages in headless Chromium through playwright-core.
// Prints one line per test failure/skip, one per page, then exactly "N passed, N failed".
import { chromium } from 'playwright-core';
import { start, stop } from './server.mjs';

const PAGES = [
  { path: '/tests/browser/pages/api.html' },
  { path: '/noiso/tests/browser/pages/noiso.html' },
  { path: '/tests/browser/pages/workers.html' },
];
// DMFS_BROWSER_PAGE_TIMEOUT (ms) overrides the per-page limit; arguments filter the pages
// (substring match), and an argument starting with '/' is opened as an extra page URL path.
const PAGE_TIMEOUT = +process.env.DMFS_BROWSER_PAGE_TIMEOUT || 60000;
// DMFS_BROWSER_VERBOSE=1 prints every console message of the pages (and their workers).
const VERBOSE = !!process.env.DMFS_BROWSER_VERBOSE;
const EXE = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const t0 = performance.now();
let passed = 0, failed = 0, skipped = 0;
let browser = null;
try {
  const base = await start();
  browser = await chromium.launch({
    executablePath: EXE, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const argv = process.argv.slice(2);
  const only = argv.filter((a) => !a.startsWith('/'));
  const pages = [...PAGES.filter((p) => !only.length || only.some((o) => p.path.includes(o))),
    ...argv.filter((a) => a.startsWith('/')).map((path) => ({ path }))];
  for (const p of pages) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const logs = [];
    page.on('console', (m) => { if (VERBOSE || m.type() === 'error' || m.type() === 'warning') logs.push(`console.${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    page.on('response', (r) => { if (r.status() >= 400) logs.push(`HTTP ${r.status()} ${new URL(r.url()).pathname}`); });
    page.on('crash', () => logs.push('page crashed'));
    const tp = performance.now();
    let r = null;
    try {
      await page.goto(base + p.path, { timeout: PAGE_TIMEOUT });
      await page.waitForFunction(() => window.__results !== undefined, null, { timeout: PAGE_TIMEOUT, polling: 100 });
      r = await page.evaluate(() => window.__results);
    } catch (e) {
      logs.push(`runner: ${e.message.split('\n')[0]}`);
    }
    const ms = (performance.now() - tp).toFixed(0);
    if (!r) {
      failed++;
      console.log(`FAIL ${p.path}: no results (timeout or load failure) [${ms} ms]`);
    } else {
      for (const f of r.failures) console.log(`  FAIL ${p.path} :: ${f.name}: ${f.error}`);
      for (const s of r.skips || []) console.log(`  SKIP ${p.path} :: ${s.name}: ${s.reason}`);
      passed += r.passed; failed += r.failed; skipped += r.skipped || 0;
      console.log(`${r.failed ? 'FAIL' : 'ok  '} ${p.path}: ${r.passed} passed, ${r.failed} failed, ${r.skipped || 0} skipped [${ms} ms]`);
    }
    for (const l of logs) console.log(`  ${p.path} ${l}`);
    await ctx.close();
  }
} catch (e) {
  failed++;
  console.log(`runner error: ${e?.stack || e}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  await stop();
}
console.log(`browser tests took ${((performance.now() - t0) / 1000).toFixed(1)} s${skipped ? `, ${skipped} skipped` : ''}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
