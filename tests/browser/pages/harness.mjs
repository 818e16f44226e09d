// Tiny in-page test runner: test(name, fn) registers, run() executes in order and publishes
// window.__results = {passed, failed, skipped, failures, skips} for run.mjs.
const tests = [];
export function test(name, fn) { tests.push({ name, fn }); }

export class AssertionError extends Error { get name() { return 'AssertionError'; } }
export function ok(v, msg = 'expected truthy') { if (!v) throw new AssertionError(msg); }
function fmt(v) {
  if (v instanceof Uint8Array) return `Uint8Array[${Array.from(v).join(',')}]`;
  try { return JSON.stringify(v); } catch { return String(v); }
}
export function eq(a, b, msg = '') {
  if (!Object.is(a, b)) throw new AssertionError(`${msg} expected ${fmt(b)}, got ${fmt(a)}`);
}
export function deepEq(a, b, msg = '') {
  if (fmt(a) !== fmt(b)) throw new AssertionError(`${msg} expected ${fmt(b)}, got ${fmt(a)}`);
}
export function bytes(...xs) { return new Uint8Array(xs); }
/** Awaits p, expects a rejection; check(err) is an object of expected props or a function. */
export async function rejects(p, check = {}) {
  let err;
  try { await (typeof p === 'function' ? p() : p); } catch (e) { err = e; }
  if (err === undefined) throw new AssertionError(`expected rejection ${fmt(check)}, got fulfilment`);
  if (typeof check === 'function') { check(err); return err; }
  for (const [k, v] of Object.entries(check)) {
    if (k === 'type') { if (!(err instanceof v)) throw new AssertionError(`expected ${v.name}, got ${err?.name}: ${err?.message}`); continue; }
    if (!Object.is(err[k], v)) throw new AssertionError(`expected err.${k} ${fmt(v)}, got ${fmt(err[k])} (${err?.name}: ${err?.message})`);
  }
  return err;
}
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function run() {
  const out = document.getElementById('out') || document.body.appendChild(document.createElement('pre'));
  const res = { passed: 0, failed: 0, skipped: 0, failures: [], skips: [], names: [] };
  for (const t of tests) {
    const t0 = performance.now();
    try {
      const r = await Promise.race([
        Promise.resolve().then(t.fn),
        new Promise((_, rej) => setTimeout(() => rej(new Error('test timeout 20000 ms')), 20000)),
      ]);
      if (r && r.skip) { res.skipped++; res.skips.push({ name: t.name, reason: r.skip }); out.textContent += `SKIP ${t.name}: ${r.skip}\n`; continue; }
      res.passed++; out.textContent += `ok   ${t.name} (${(performance.now() - t0).toFixed(0)} ms)\n`;
    } catch (e) {
      res.failed++;
      res.failures.push({ name: t.name, error: `${e?.name}: ${e?.message}` });
      out.textContent += `FAIL ${t.name}: ${e?.name}: ${e?.message}\n`;
    }
    res.names.push(t.name);
  }
  window.__results = res;
  return res;
}

/** For pages that cannot run at all (e.g. import failure): publish a single failure. */
export function fatal(e) {
  window.__results = { passed: 0, failed: 1, skipped: 0, failures: [{ name: 'page setup', error: `${e?.name}: ${e?.message}` }], skips: [] };
}
