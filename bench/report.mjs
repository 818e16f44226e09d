// Turns a results object into <stem>.md, <stem>-ratio.svg and <stem>-gbps.svg. SVG by hand.
//   node bench/report.mjs bench/results/2026-11-24.json   (re-renders from a saved run)
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ORDER = ['dmemfs-threads', 'dmemfs-single', 'dmemfs-native', 'map', 'memfs-sync', 'memfs-promises',
  'zenfs-sync', 'zenfs-promises', 'nodefs-shm-sync', 'nodefs-shm-promises', 'nodefs-disk-sync', 'nodefs-disk-promises', 'posix-shm-c'];
export const LABELS = {
  'dmemfs-threads': 'dmemfs wasm-threads', 'dmemfs-single': 'dmemfs wasm-single', 'dmemfs-native': 'dmemfs native (C)',
  map: 'Map (floor)', 'memfs-sync': 'memfs sync', 'memfs-promises': 'memfs promises', 'zenfs-sync': 'zenfs sync',
  'zenfs-promises': 'zenfs promises', 'nodefs-shm-sync': 'node:fs shm sync', 'nodefs-shm-promises': 'node:fs shm promises',
  'nodefs-disk-sync': 'node:fs disk sync', 'nodefs-disk-promises': 'node:fs disk promises', 'posix-shm-c': 'POSIX shm (C)',
};
// JS peers: the "best peer" of a case is the fastest of these.
export const PEERS = ['memfs-sync', 'memfs-promises', 'zenfs-sync', 'zenfs-promises', 'nodefs-shm-sync',
  'nodefs-shm-promises', 'nodefs-disk-sync', 'nodefs-disk-promises'];
export const TARGETS = { small_files_rw: 3.5, stream_write_read: 6, random_access_rw: 7, large_stream_write_read: 120,
  many_files_random_read: 60, deep_tree_read: 3, metadata_ops: 60, worker_pool: 35 };
const COLORS = { 'dmemfs-threads': '#1f77b4', 'dmemfs-single': '#6baed6', 'dmemfs-native': '#08306b', map: '#999999',
  'memfs-sync': '#d62728', 'memfs-promises': '#ff9896', 'zenfs-sync': '#2ca02c', 'zenfs-promises': '#98df8a',
  'nodefs-shm-sync': '#ff7f0e', 'nodefs-shm-promises': '#ffbb78', 'nodefs-disk-sync': '#9467bd', 'nodefs-disk-promises': '#c5b0d5',
  'posix-shm-c': '#8c564b' };

const DMEMFS_MEM = ['wasmBytes', 'coreHeapBytes', 'storedBytes', 'chargedBytes', 'nodes', 'chunks'];
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const fmtBytes = (b) => (Math.abs(b) >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${(b / 1024).toFixed(0)} KiB`);

export function analyse(results) {
  const cases = [...new Set(results.rows.map((r) => r.case))];
  const backends = ORDER.filter((b) => results.rows.some((r) => r.backend === b));
  const get = (b, c) => results.rows.find((r) => r.backend === b && r.case === c);
  const best = {};
  for (const c of cases) {
    const ok = PEERS.map((b) => get(b, c)).filter((r) => r?.status === 'ok');
    ok.sort((x, y) => x.median - y.median);
    best[c] = ok[0] ?? null;
  }
  return { cases, backends, get, best };
}

function markdown(results, a) {
  const { cases, backends, get, best } = a;
  const m = results.meta;
  const L = [];
  L.push(`# dmemfs benchmark — ${m.date.slice(0, 10)}${m.quick ? ' (quick)' : ''}`, '');
  L.push(`Node ${m.node}, ${m.platform}, ${m.cpus} × ${m.cpu}, ${m.memGiB} GiB; load average at start ${m.loadavg.map((x) => x.toFixed(2)).join(' ')}.`);
  const np = m.processes ?? 1;
  L.push(`Warm-up ${m.warmup}, repeat ${m.repeat}, each backend × case in ${np > 1 ? `${np} fresh processes (median of their medians)` : 'a fresh process'}; ${m.seconds} s in all. ` +
    `Peers: memfs ${m.peerVersions.memfs}, @zenfs/core ${m.peerVersions['@zenfs/core']}. Command: \`node bench/run.mjs${m.quick ? ' --quick' : ''}${np > 1 ? ` --processes ${np}` : ''}\`.`, '');
  L.push('## Median time (ms)', '', 'Lower is better. **Bold**: fastest JS peer of the case. Every run verified all the data it read.', '');
  L.push(`| case | ${backends.map((b) => LABELS[b] ?? b).join(' | ')} |`, `|---|${backends.map(() => '---:').join('|')}|`);
  for (const c of cases) {
    L.push(`| ${c} | ${backends.map((b) => {
      const r = get(b, c);
      if (!r) return '';
      if (r.status !== 'ok') return r.status === 'error' ? '**FAIL**' : 'n/a';
      const s = fmt(r.median);
      return best[c] && best[c].backend === b ? `**${s}**` : s;
    }).join(' | ')} |`);
  }
  L.push('', '## Ratio to the fastest JS peer', '', '< 1: faster than every JS peer. The native rows are C programs, shown for scale.', '');
  L.push(`| case | best peer (ms) | ${backends.map((b) => LABELS[b] ?? b).join(' | ')} |`, `|---|---|${backends.map(() => '---:').join('|')}|`);
  for (const c of cases) {
    const bp = best[c];
    L.push(`| ${c} | ${bp ? `${LABELS[bp.backend]} (${fmt(bp.median)})` : 'n/a'} | ${backends.map((b) => {
      const r = get(b, c);
      return r?.status === 'ok' && bp ? (r.median / bp.median).toFixed(2) : '';
    }).join(' | ')} |`);
  }
  L.push('', '## dmemfs against the targets', '', '| case | target (ms) | wasm-threads | wasm-single | native (C) | fastest JS peer |', '|---|---:|---:|---:|---:|---:|');
  for (const c of cases) {
    const cell = (b) => {
      const r = get(b, c);
      if (!r) return '';
      if (r.status !== 'ok') return r.status === 'error' ? 'FAIL' : 'n/a';
      return `${fmt(r.median)} ${r.median <= TARGETS[c] ? '✓' : '✗'}`;
    };
    L.push(`| ${c} | ${TARGETS[c]} | ${cell('dmemfs-threads')} | ${cell('dmemfs-single')} | ${cell('dmemfs-native')} | ${best[c] ? fmt(best[c].median) : 'n/a'} |`);
  }
  if (m.quick) L.push('', 'The targets are for the full sizes; quick runs shrink large_stream_write_read, many_files_random_read and metadata_ops.');
  const memRows = [];
  for (const b of ['dmemfs-threads', 'dmemfs-single']) for (const c of cases) {
    const r = get(b, c);
    if (r?.status === 'ok' && r.memory?.coreHeapBytes !== undefined) memRows.push([b, c, r.memory]);
  }
  if (memRows.length) {
    L.push('', '## dmemfs memory against its bound', '',
      'After the first run, filesystem still open. Bound: stored bytes (file content) + 256 bytes per node. ' +
      'Core heap: the usable size (as the C library reports it, rounding included) of every block the core ' +
      'has allocated and not freed (nodes, names, directory indexes, chunk lists and content); only the ' +
      'allocator\'s own boundary tag per block (4–8 bytes) is not in it. A sequential file also keeps about ' +
      '20 bytes per chunk on wasm32 (its length, pointer and end offset): SPEC §6.2 stores one chunk per append ' +
      'and charges it to the quota as chunkOverhead (default 128), so the last columns compare with the ' +
      'charged bytes (usedBytes). The wasm memory is never returned, so it also holds what earlier runs freed.', '',
      '| backend | case | stored | nodes | chunks | core heap | over stored per node | ≤ stored + 256/node | charged | ≤ charged + 256/node | wasm memory |',
      '|---|---|---:|---:|---:|---:|---:|:---:|---:|:---:|---:|');
    for (const [b, c, mm] of memRows) {
      const per = (mm.coreHeapBytes - mm.storedBytes) / mm.nodes;
      const ok = (base) => (mm.coreHeapBytes <= base + 256 * mm.nodes ? '✓' : '✗');
      L.push(`| ${LABELS[b]} | ${c} | ${fmtBytes(mm.storedBytes)} | ${mm.nodes} | ${mm.chunks} | ${fmtBytes(mm.coreHeapBytes)} | ` +
        `${per.toFixed(0)} B | ${ok(mm.storedBytes)} | ${fmtBytes(mm.chargedBytes)} | ${ok(mm.chargedBytes)} | ${fmtBytes(mm.wasmBytes)} |`);
    }
  }
  L.push('', '## Min / median / max (ms)', '', '| backend | case | min | median | max | memory retained |', '|---|---|---:|---:|---:|---|');
  for (const b of backends) for (const c of cases) {
    const r = get(b, c);
    if (r?.status !== 'ok') continue;
    const mem = r.memory ? Object.entries(r.memory).filter(([k]) => !DMEMFS_MEM.includes(k))
      .map(([k, v]) => `${k} ${fmtBytes(v)}`).join(', ') : '';
    L.push(`| ${LABELS[b] ?? b} | ${c} | ${fmt(r.min)} | ${fmt(r.median)}${r.medians ? ` (per process: ${r.medians.map(fmt).join(', ')})` : ''} | ${fmt(r.max)} | ${mem} |`);
  }
  L.push('', 'Memory: deltas after the first (warm-up) run with the filesystem still open, after `gc()`: RSS, V8 heap, ' +
    'ArrayBuffers (wasm memory shows in RSS; dmemfs\'s own figures are in the table above); native: RSS and the core\'s own heap count.');
  L.push('', '## Physical limits', '', '| copy | GB/s |', '|---|---:|');
  for (const l of results.limits) L.push(`| ${l.label} | ${l.gbps.toFixed(1)} |`);
  const na = results.rows.filter((r) => r.status !== 'ok');
  if (na.length) {
    L.push('', '## Not available or failed', '', '| backend | case | status | reason |', '|---|---|---|---|');
    for (const r of na) L.push(`| ${LABELS[r.backend] ?? r.backend} | ${r.case} | ${r.status} | ${esc(r.reason ?? '')} |`);
  }
  L.push('', '## Charts', '', `![ratio to the fastest JS peer](${basename(a.stem)}-ratio.svg)`, '', `![GB/s against the copy limits](${basename(a.stem)}-gbps.svg)`, '');
  return L.join('\n');
}

// Horizontal grouped bars, one group per case. scale(v) → x pixels.
function barChart({ title, subtitle, groups, scale, ticks, refs = [], width = 900 }) {
  const left = 190, right = 30, top = 64, barH = 9, gap = 14;
  const plotW = width - left - right;
  let y = top;
  const parts = [];
  for (const g of groups) {
    parts.push(`<text x="8" y="${y + 11}" font-weight="bold">${esc(g.name)}</text>`);
    y += 16;
    if (!g.bars.length) { parts.push(`<text x="${left}" y="${y + 8}" fill="#777">no data</text>`); y += 12; }
    for (const bar of g.bars) {
      const w = Math.max(1, scale(bar.value));
      parts.push(`<text x="${left - 6}" y="${y + barH - 1}" text-anchor="end" font-size="10">${esc(LABELS[bar.backend] ?? bar.backend)}</text>`);
      parts.push(`<rect x="${left}" y="${y}" width="${Math.min(w, plotW).toFixed(1)}" height="${barH}" fill="${COLORS[bar.backend] ?? '#444'}"><title>${esc(bar.tip)}</title></rect>`);
      parts.push(`<text x="${(left + Math.min(w, plotW) + 3).toFixed(1)}" y="${y + barH - 1}" font-size="9" fill="#333">${esc(bar.text)}</text>`);
      y += barH + 2;
    }
    y += gap;
  }
  const height = y + 24;
  const grid = ticks.map((t) => `<line x1="${(left + scale(t)).toFixed(1)}" y1="${top - 6}" x2="${(left + scale(t)).toFixed(1)}" y2="${height - 26}" stroke="#ddd"/>` +
    `<text x="${(left + scale(t)).toFixed(1)}" y="${height - 12}" text-anchor="middle" font-size="10">${t}</text>`).join('');
  const refLines = refs.map((r, i) => `<line x1="${(left + scale(r.value)).toFixed(1)}" y1="${top - 6}" x2="${(left + scale(r.value)).toFixed(1)}" y2="${height - 26}" stroke="${r.color}" stroke-dasharray="4 3"/>` +
    `<text x="${(left + scale(r.value) - 3).toFixed(1)}" y="${top - 10 - i * 11}" text-anchor="end" font-size="10" fill="${r.color}">${esc(r.label)}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">\n` +
    `<rect width="100%" height="100%" fill="#fff"/>\n<text x="8" y="18" font-size="14" font-weight="bold">${esc(title)}</text>\n` +
    `<text x="8" y="34" font-size="11" fill="#555">${esc(subtitle)}</text>\n${grid}\n${refLines}\n${parts.join('\n')}\n</svg>\n`;
}

function ratioSvg(results, a) {
  const { cases, backends, get, best } = a;
  const groups = cases.map((c) => ({
    name: c,
    bars: backends.map((b) => get(b, c)).filter((r) => r?.status === 'ok' && best[c])
      .map((r) => ({ backend: r.backend, value: r.median / best[c].median, text: `${(r.median / best[c].median).toFixed(2)}×  ${fmt(r.median)} ms`, tip: `${r.backend} ${c}: ${r.median.toFixed(3)} ms` })),
  }));
  const lo = 0.01, hi = 1000, W = 900 - 190 - 30;
  const scale = (v) => (Math.log10(Math.min(Math.max(v, lo), hi) / lo) / Math.log10(hi / lo)) * W;
  return barChart({
    title: `Time relative to the fastest JS peer (log scale; 1 = fastest peer; lower is better)${results.meta.quick ? ' — quick run' : ''}`,
    subtitle: `${results.meta.date.slice(0, 16)}Z, median of ${results.meta.repeat}`,
    groups, scale, ticks: [0.01, 0.1, 1, 10, 100, 1000], refs: [{ value: 1, label: 'fastest peer', color: '#c00' }],
  });
}

function gbpsSvg(results, a) {
  const { cases, backends, get } = a;
  const moving = cases.filter((c) => !['metadata_ops'].includes(c));
  const groups = moving.map((c) => ({
    name: c,
    bars: backends.map((b) => get(b, c)).filter((r) => r?.status === 'ok' && r.bytes > 0)
      .map((r) => { const g = r.bytes / (r.median / 1e3) / 1e9; return { backend: r.backend, value: g, text: `${g.toFixed(2)} GB/s`, tip: `${r.backend} ${c}: ${r.bytes} bytes in ${r.median.toFixed(3)} ms` }; }),
  }));
  const max = Math.max(1, ...results.limits.map((l) => l.gbps), ...groups.flatMap((g) => g.bars.map((b) => b.value)));
  const top = Math.ceil(max / 5) * 5, W = 900 - 190 - 30;
  const scale = (v) => (Math.min(v, top) / top) * W;
  const ticks = Array.from({ length: top / 5 + 1 }, (_, i) => i * 5);
  const refColors = ['#c00', '#e6550d', '#756bb1'];
  return barChart({
    title: `Throughput (bytes written + read per ms of median) against the copy limits${results.meta.quick ? ' — quick run' : ''}`,
    subtitle: 'dashed: one memcpy of the same bytes (C memcpy, Uint8Array.set, wasm memory.copy); every filesystem copies at least twice',
    groups, scale, ticks, refs: results.limits.map((l, i) => ({ value: l.gbps, label: `${l.label} ${l.gbps.toFixed(1)}`, color: refColors[i % 3] })),
  });
}

export function writeReport(results, stem) {
  const a = { ...analyse(results), stem };
  writeFileSync(`${stem}.md`, markdown(results, a));
  writeFileSync(`${stem}-ratio.svg`, ratioSvg(results, a));
  writeFileSync(`${stem}-gbps.svg`, gbpsSvg(results, a));
  return [`${stem}.md`, `${stem}-ratio.svg`, `${stem}-gbps.svg`];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  if (!file) { console.error('usage: node bench/report.mjs <results.json>'); process.exit(2); }
  console.log(writeReport(JSON.parse(readFileSync(file, 'utf8')), file.replace(/\.json$/, '')).join('\n'));
}
