#!/usr/bin/env node
// The benchmark of dmemfs against its peers. Every backend × case runs in a fresh child
// process, one at a time; a backend that cannot load is reported n/a, never fatal.
//
//   node bench/run.mjs [--quick] [--backends a,b] [--cases x,y] [--repeat 5] [--warmup 1]
//                      [--large-read-size BYTES] [--no-native] [--out bench/results]
//                      [--budget SECONDS] [--child-timeout SECONDS] [--no-lib-build]
//
// Writes <out>/<YYYY-MM-DD>[-quick].json and .md and the SVG charts (bench/report.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { BENCH_DIR, ROOT_DIR, params } from './lib/common.mjs';
import { CASES } from './workloads.mjs';
import { writeReport } from './report.mjs';

export const JS_BACKENDS = ['dmemfs-threads', 'dmemfs-single', 'map', 'memfs-sync', 'memfs-promises',
  'zenfs-sync', 'zenfs-promises', 'nodefs-shm-sync', 'nodefs-shm-promises', 'nodefs-disk-sync', 'nodefs-disk-promises'];
export const NATIVE_BACKENDS = ['dmemfs-native', 'posix-shm-c'];

const argv = process.argv.slice(2);
const flag = (k) => argv.includes(k);
const val = (k, d) => { const i = argv.indexOf(k); return i < 0 ? d : argv[i + 1]; };
const quick = flag('--quick');
const repeat = Number(val('--repeat', 5)), warmup = Number(val('--warmup', 1));
// --processes N: N fresh children per backend × case (each warm-up 1, repeat 5); the row's
// median is the median of their medians, min/max over all samples. On a small VM the JIT's
// and GC's background threads make one child's median a draw; N children show the spread.
const processes = Math.max(1, Number(val('--processes', 1)) | 0);
const largeRead = val('--large-read-size', undefined);
const wantBackends = val('--backends', null)?.split(',');
const wantCases = val('--cases', CASES.join(',')).split(',');
const outDir = val('--out', join(BENCH_DIR, 'results'));
// A backend × case that needs longer (ZenFS on 10 000 entries: minutes) is reported n/a.
const timeoutMs = Number(val('--child-timeout', quick ? 90 : 60)) * 1000;
for (const c of wantCases) if (!CASES.includes(c)) { console.error(`unknown case ${c}`); process.exit(2); }

const log = (s) => process.stderr.write(s + '\n');
const parseLines = (text) => text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
function summarize(r) {
  if (r.status !== 'ok' || !r.samples) return r;
  const s = [...r.samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { ...r, min: s[0], max: s[s.length - 1], median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2 };
}

// ── native program: build (library first if missing), run ─────────────────────────────
const NATIVE_DIR = join(ROOT_DIR, 'build', 'bench-native');
const LIB = join(NATIVE_DIR, 'libdmemfs.a');
const mtime = (f) => (existsSync(f) ? statSync(f).mtimeMs : 0);

function buildNative() {
  mkdirSync(NATIVE_DIR, { recursive: true });
  let libReason = null;
  if (!flag('--no-lib-build')) { // incremental: a library older than the sources is rebuilt
    log('building libdmemfs.a (Release) in build/bench-native ...');
    const configured = existsSync(join(NATIVE_DIR, 'CMakeCache.txt'));
    const cfg = configured ? { status: 0 }
      : spawnSync('cmake', ['-S', ROOT_DIR, '-B', NATIVE_DIR, '-DCMAKE_BUILD_TYPE=Release', '-DDMFS_BUILD_TESTS=OFF'], { encoding: 'utf8' });
    const bld = cfg.status === 0 ? spawnSync('cmake', ['--build', NATIVE_DIR, '-j2'], { encoding: 'utf8' }) : cfg;
    if (bld.status !== 0) libReason = `libdmemfs.a does not build: ${(bld.stderr || bld.stdout || '').trim().split('\n').filter((l) => /error/i.test(l)).slice(0, 2).join(' | ') || 'cmake failed'}`;
  }
  const haveLib = existsSync(LIB);
  const exe = join(NATIVE_DIR, haveLib ? 'native_bench' : 'native_bench_posix');
  const src = join(BENCH_DIR, 'native_bench.c');
  if (mtime(exe) < Math.max(mtime(src), haveLib ? mtime(LIB) : 0)) {
    const args = ['-O2', '-std=c11', '-Wall', '-Wextra', '-o', exe, src];
    if (haveLib) args.push('-DHAVE_DMEMFS', '-I', join(ROOT_DIR, 'c', 'include'), LIB);
    args.push('-lpthread');
    const cc = spawnSync('gcc', args, { encoding: 'utf8' });
    if (cc.status !== 0) return { exe: null, reason: `native_bench does not compile: ${cc.stderr.trim().split('\n').slice(0, 3).join(' | ')}` };
  }
  return { exe, reason: haveLib ? null : libReason ?? 'libdmemfs.a missing' };
}

function runNative() {
  const rows = [], limits = [];
  const { exe, reason } = buildNative();
  if (!exe) {
    for (const b of NATIVE_BACKENDS) for (const c of wantCases) rows.push({ backend: b, case: c, status: 'na', reason });
    return { rows, limits };
  }
  const args = ['--warmup', String(warmup), '--repeat', String(repeat), '--cases', wantCases.join(','), '--offsets', join(BENCH_DIR, 'offsets-42.json')];
  if (quick) args.push('--quick');
  if (largeRead) args.push('--large-read-size', largeRead);
  log(`native: ${exe} ${args.join(' ')}`);
  const r = spawnSync(exe, args, { encoding: 'utf8', timeout: timeoutMs * 4, maxBuffer: 1 << 24 });
  const lines = parseLines(r.stdout || '');
  for (const l of lines) {
    if (l.limit) limits.push(l);
    else if (l.status === 'na' && !l.case) for (const c of wantCases) rows.push({ backend: l.backend, case: c, status: 'na', reason: reason ?? l.reason });
    else rows.push(summarize({ ...l, kind: 'native', api: 'C' }));
  }
  if (r.status !== 0) {
    const why = r.error ? String(r.error.message) : `exit ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n').slice(-2).join(' | ')}`;
    for (const b of NATIVE_BACKENDS) for (const c of wantCases)
      if (!rows.some((x) => x.backend === b && x.case === c)) rows.push({ backend: b, case: c, status: 'error', reason: `native_bench crashed: ${why}` });
  }
  return { rows, limits };
}

// ── JS children ─────────────────────────────────────────────────────────────────
function runChild(backend, c) {
  const args = ['--expose-gc', join(BENCH_DIR, 'child.mjs'), backend, c, '--warmup', String(warmup), '--repeat', String(repeat)];
  if (quick) args.push('--quick', '--budget', val('--budget', '1.5'));
  else if (val('--budget', null)) args.push('--budget', val('--budget', null));
  if (largeRead) args.push('--large-read-size', largeRead);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 24, cwd: ROOT_DIR });
  const lines = parseLines(r.stdout || '');
  const wall = (performance.now() - t0) / 1000;
  if (lines.length) return { ...summarize(lines[lines.length - 1]), wallSeconds: +wall.toFixed(2) };
  // too slow is a result (n/a), not a failure: the data was never found wrong
  if (r.error?.code === 'ETIMEDOUT') return { backend, case: c, status: 'na', reason: `slower than the per-case limit of ${timeoutMs / 1000} s (--child-timeout)`, wallSeconds: +wall.toFixed(2) };
  const why = `exit ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`;
  return { backend, case: c, status: 'error', reason: why, wallSeconds: +wall.toFixed(2) };
}

function runLimits() {
  const r = spawnSync(process.execPath, [join(BENCH_DIR, 'limits.mjs')], { encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) { log(`limits.mjs failed: ${r.stderr}`); return []; }
  return parseLines(r.stdout);
}

const started = new Date();
const results = {
  meta: {
    date: started.toISOString(), quick, repeat, warmup, processes, node: process.version, platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model, cpus: os.cpus().length, memGiB: +(os.totalmem() / 2 ** 30).toFixed(1), loadavg: os.loadavg(),
    params: params({ quick, largeReadSize: largeRead ? Number(largeRead) : undefined }),
    peerVersions: {},
  },
  limits: [], rows: [],
};
for (const pkg of ['memfs', '@zenfs/core']) {
  try { results.meta.peerVersions[pkg] = JSON.parse(readFileSync(join(BENCH_DIR, 'node_modules', pkg, 'package.json'), 'utf8')).version; } catch { results.meta.peerVersions[pkg] = 'not installed'; }
}

const jsBackends = JS_BACKENDS.filter((b) => !wantBackends || wantBackends.includes(b));
if (!flag('--no-native')) {
  const n = runNative();
  results.limits.push(...n.limits);
  results.rows.push(...n.rows.filter((r) => !wantBackends || wantBackends.includes(r.backend)));
}
results.limits.push(...runLimits());
for (const l of results.limits) log(`limit ${l.label}: ${l.gbps} GB/s`);
function runChildren(b, c) {
  const runs = [runChild(b, c)];
  // a backend × case that is n/a or failed once is not run again
  while (runs.length < processes && runs[0].status === 'ok') {
    const r = runChild(b, c);
    if (r.status !== 'ok') return r;
    runs.push(r);
  }
  if (runs.length === 1) return runs[0];
  const meds = runs.map((r) => r.median).sort((x, y) => x - y), mid = meds.length >> 1;
  const samples = runs.flatMap((r) => r.samples);
  return {
    ...runs[0], samples, medians: runs.map((r) => r.median),
    median: meds.length % 2 ? meds[mid] : (meds[mid - 1] + meds[mid]) / 2,
    min: Math.min(...samples), max: Math.max(...samples),
    wallSeconds: +runs.reduce((t, r) => t + r.wallSeconds, 0).toFixed(2),
  };
}

for (const c of wantCases) {
  for (const b of jsBackends) {
    const r = runChildren(b, c);
    results.rows.push(r);
    log(`${c.padEnd(24)} ${b.padEnd(22)} ${r.status === 'ok' ? `median ${r.median.toFixed(2)} ms (min ${r.min.toFixed(2)}, max ${r.max.toFixed(2)})` : `${r.status}: ${r.reason}`}`);
  }
}
for (const r of results.rows.filter((x) => NATIVE_BACKENDS.includes(x.backend)))
  log(`${String(r.case).padEnd(24)} ${r.backend.padEnd(22)} ${r.status === 'ok' ? `median ${r.median.toFixed(2)} ms` : `${r.status}: ${r.reason}`}`);
results.meta.seconds = +((Date.now() - started.getTime()) / 1000).toFixed(1);

mkdirSync(outDir, { recursive: true });
const stem = join(outDir, `${started.toISOString().slice(0, 10)}${quick ? '-quick' : ''}`);
writeFileSync(`${stem}.json`, JSON.stringify(results, null, 1) + '\n');
const files = writeReport(results, stem);
log(`wrote ${stem}.json ${files.join(' ')} in ${results.meta.seconds} s`);
const failed = results.rows.filter((r) => r.status === 'error');
if (failed.length) { log(`${failed.length} case(s) FAILED:`); for (const f of failed) log(`  ${f.backend} ${f.case}: ${f.reason}`); process.exitCode = 1; }
