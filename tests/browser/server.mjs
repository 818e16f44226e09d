// Static server for the browser tests: serves the repo root on 127.0.0.1 (ephemeral port).
// Every response is cross-origin isolated (COOP/COEP/CORP) except under /noiso/, which
// serves the same files without those headers to exercise the non-isolated fallback.
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm',
  '.json': 'application/json', '.css': 'text/css', '.map': 'application/json',
};

let server = null;

async function handle(req, res) {
  const url = new URL(req.url, 'http://x');
  let p = decodeURIComponent(url.pathname);
  const iso = !(p === '/noiso' || p.startsWith('/noiso/'));
  if (!iso) p = p.slice('/noiso'.length) || '/';
  const h = { 'Cache-Control': 'no-store' };
  if (iso) {
    h['Cross-Origin-Opener-Policy'] = 'same-origin';
    h['Cross-Origin-Embedder-Policy'] = 'require-corp';
    h['Cross-Origin-Resource-Policy'] = 'same-origin';
  }
  // Chromium asks for a favicon on every page; answer it so 404s in the log mean something.
  if (p === '/favicon.ico') { res.writeHead(204, h); res.end(); return; }
  const file = path.join(ROOT, path.normalize(p));
  if (file !== ROOT && !file.startsWith(ROOT + path.sep)) {
    res.writeHead(403, h); res.end('forbidden'); return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, h); res.end(); return;
  }
  let data;
  try { data = await fs.readFile(file); } catch {
    res.writeHead(404, { ...h, 'Content-Type': 'text/plain' }); res.end('not found'); return;
  }
  h['Content-Type'] = TYPES[path.extname(file)] || 'application/octet-stream';
  h['Content-Length'] = data.length;
  res.writeHead(200, h);
  res.end(req.method === 'HEAD' ? undefined : data);
}

/** Starts the server; resolves to its base URL, e.g. http://127.0.0.1:41234 */
export function start() {
  if (server) throw new Error('server already started');
  server = http.createServer((req, res) => {
    handle(req, res).catch((e) => { res.writeHead(500); res.end(String(e)); });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
}

export function stop() {
  if (!server) return Promise.resolve();
  const s = server; server = null;
  s.closeAllConnections?.();
  return new Promise((resolve) => s.close(() => resolve()));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  start().then((u) => console.log(`serving ${ROOT} at ${u}`));
}
