// Code written for node:fs/promises, run against an in-memory dmemfs filesystem with a
// 64 KiB quota. Run: node examples/node-fs-adapter.mjs
import { MemoryFileSystem } from '../js/index.mjs';
import { toNodeFsPromises } from '../js/node-fs.mjs';

// An ordinary function that takes any fs/promises-like object.
async function buildSite(fs, root) {
  await fs.mkdir(`${root}/site/assets`, { recursive: true });
  await fs.writeFile(`${root}/site/index.html`, '<h1>hello</h1>\n');
  await fs.appendFile(`${root}/site/index.html`, '<p>built in memory</p>\n');
  await fs.writeFile(`${root}/site/assets/logo.bin`, new Uint8Array(1024));
  await fs.copyFile(`${root}/site/index.html`, `${root}/site/404.html`);
  // Node's rename replaces an existing file; the adapter does the same.
  await fs.writeFile(`${root}/site/tmp.html`, '<h1>new</h1>\n');
  await fs.rename(`${root}/site/tmp.html`, `${root}/site/404.html`);
}

const mfs = await MemoryFileSystem.create({ maxQuota: 64 * 1024 });
try {
  const fs = toNodeFsPromises(mfs);
  await buildSite(fs, '');

  for (const entry of await fs.readdir('/site', { withFileTypes: true, recursive: true })) {
    const p = `${entry.parentPath}/${entry.name}`;
    const size = entry.isFile() ? `${(await fs.stat(p)).size} bytes` : 'directory';
    console.log(`${p.padEnd(24)} ${size}`);
  }
  console.log(await fs.readFile('/site/404.html', 'utf8'));

  // Errors look like Node's.
  try {
    await fs.readFile('/site/missing.html');
  } catch (err) {
    console.log(`${err.code} (errno ${err.errno}, syscall ${err.syscall}): ${err.message}`);
  }
  // The quota is a hard limit: the write fails and nothing is left behind.
  try {
    await fs.writeFile('/site/huge.bin', new Uint8Array(100 * 1024));
  } catch (err) {
    console.log(`${err.message} (requested ${err.requested}, available ${err.available})`);
  }
  console.log('huge.bin exists:', await mfs.exists('/site/huge.bin'));
  console.log('bytes used:', (await mfs.stats()).usedBytes);
} finally {
  await mfs.close();
}
