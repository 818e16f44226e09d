// Locating and compiling the build outputs in dist/ (Node: fs; browsers: fetch).
export const isNode = typeof process === 'object' && typeof process.versions === 'object' &&
  typeof process.versions.node === 'string';

export function distURL(name) {
  return new URL(`../dist/${name}`, import.meta.url);
}

/** A compiled WebAssembly.Module for dist/<name>. */
export async function compileWasm(name) {
  const url = distURL(name);
  if (isNode) {
    const [{ readFile }, { fileURLToPath }] = await Promise.all([import('node:fs/promises'), import('node:url')]);
    return WebAssembly.compile(await readFile(fileURLToPath(url)));
  }
  if (typeof WebAssembly.compileStreaming === 'function') {
    return WebAssembly.compileStreaming(fetch(url));
  }
  const res = await fetch(url);
  return WebAssembly.compile(await res.arrayBuffer());
}
