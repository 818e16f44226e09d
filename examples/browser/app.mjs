// dmemfs browser demo: file tree, drop zone, quota gauge and a Web Worker writing through
// share()/attach(). Needs cross-origin isolation for the wasm-threads build (SharedArrayBuffer);
// without it the page falls back to wasm-single and skips the worker.
import { MemoryFileSystem, QuotaExceededError, version } from '../../js/index.mjs';

const QUOTA = 1 << 20; // small, so the gauge moves visibly
const $ = (id) => document.getElementById(id);
const fmt = (n) => n.toLocaleString('en-US');
const recent = new Set(); // paths written in the last few seconds, highlighted in the tree

function log(text, cls) {
  const li = document.createElement('li');
  li.textContent = text;
  if (cls) li.className = cls;
  $('log').append(li);
  li.scrollIntoView({ block: 'nearest' });
}

const threads = globalThis.crossOriginIsolated === true;
const fs = await MemoryFileSystem.create({ maxQuota: QUOTA, build: threads ? 'threads' : 'single' });
$('env').textContent = `dmemfs ${version} · ${threads ? 'wasm-threads (cross-origin isolated)' : 'wasm-single'}`;
if (!threads) {
  $('env').textContent += ' · not cross-origin isolated: serve with COOP/COEP to enable the worker';
  $('env').classList.add('bad');
}
await fs.mkdir('/uploads', { existOk: true });
await fs.writeFile('/README.txt', new TextEncoder().encode('Files live in wasm memory; drop some to add them.\n'));

// --- tree -----------------------------------------------------------------------------
async function buildTree(dir) {
  const ul = document.createElement('ul');
  for (const name of await fs.listdir(dir)) {
    const path = dir === '/' ? `/${name}` : `${dir}/${name}`;
    const st = await fs.stat(path);
    const li = document.createElement('li');
    li.className = st.isDir ? 'dir' : 'file';
    li.dataset.path = path;
    const label = document.createElement('span');
    label.className = 'name';
    label.textContent = name;
    if (recent.has(path)) label.classList.add('new');
    li.append(label);
    if (st.isDir) li.append(await buildTree(path));
    else {
      const size = document.createElement('span');
      size.className = 'size';
      size.textContent = `${fmt(st.size)} B`;
      li.append(size);
    }
    ul.append(li);
  }
  return ul;
}

// --- gauge ----------------------------------------------------------------------------
async function renderGauge() {
  const s = await fs.stats();
  const pct = s.quotaBytes ? (100 * s.usedBytes) / s.quotaBytes : 100;
  const g = $('gauge');
  g.dataset.used = String(s.usedBytes);
  g.dataset.quota = String(s.quotaBytes);
  g.classList.toggle('warn', pct >= 75 && pct < 95);
  g.classList.toggle('full', pct >= 95);
  $('gauge-fill').style.width = `${Math.min(100, pct)}%`;
  $('gauge-text').textContent = `${fmt(s.usedBytes)} / ${fmt(s.quotaBytes)} bytes used (${pct.toFixed(1)}%) · ${fmt(s.freeBytes)} free`;
  $('gauge-counts').textContent = `${s.fileCount} files · ${s.dirCount} directories · ${s.chunkCount} chunks (${s.overheadPerChunk} B overhead each)`;
}

// Refreshes are coalesced: at most one runs, and one more follows if asked meanwhile.
let running = null, again = false;
function refresh() {
  if (running) { again = true; return running; }
  running = (async () => {
    do {
      again = false;
      const ul = await buildTree('/');
      ul.id = 'tree'; ul.className = 'tree'; ul.setAttribute('aria-label', 'file tree');
      $('tree').replaceWith(ul);
      await renderGauge();
    } while (again);
  })().catch((e) => log(`refresh failed: ${e.message}`, 'err')).finally(() => { running = null; });
  return running;
}
function touched(path) {
  recent.add(path);
  setTimeout(() => { recent.delete(path); refresh(); }, 4000);
  return refresh();
}
$('refresh').onclick = () => refresh();

// --- drop zone / file input ------------------------------------------------------------
async function addFiles(files) {
  for (const file of files) {
    const path = `/uploads/${file.name}`;
    try {
      await fs.writeFile(path, new Uint8Array(await file.arrayBuffer()));
      log(`page wrote ${path} (${fmt(file.size)} B)`);
      touched(path);
    } catch (e) {
      const why = e instanceof QuotaExceededError ? 'quota exceeded' : `${e.code || e.name}`;
      log(`could not add ${file.name}: ${why}: ${e.message}`, 'err');
    }
  }
  await refresh();
}
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault(); drop.classList.remove('over');
  addFiles([...e.dataTransfer.files]);
});
$('file-input').addEventListener('change', (e) => { addFiles([...e.target.files]); e.target.value = ''; });

// --- worker ---------------------------------------------------------------------------
if (threads) {
  const worker = new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' });
  worker.onerror = (e) => log(`worker error: ${e.message}`, 'err');
  worker.onmessage = ({ data }) => {
    if (data.type === 'ready') worker.postMessage(fs.share()); // a plain structured clone
    else if (data.type === 'attached') log('worker attached to the shared filesystem');
    else if (data.type === 'wrote') { log(`worker wrote ${data.path} (${fmt(data.size)} B)`); touched(data.path); }
    else if (data.type === 'done') { log('worker finished its first batch'); $('worker-more').disabled = false; document.body.dataset.worker = 'done'; }
    else if (data.type === 'error') log(`worker: ${data.code || data.name}: ${data.message}`, 'err');
  };
  $('worker-more').onclick = () => worker.postMessage({ op: 'write-more' });
} else {
  log('worker skipped: SharedArrayBuffer needs cross-origin isolation', 'err');
}

await refresh();
document.body.dataset.ready = 'true';
