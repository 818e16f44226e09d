// SPEC §6 through the JS API: every §6.6 worked example to the byte, §6.2–§6.5 rules,
// QuotaExceededError / NodeLimitExceededError fields and exact messages (§4.3).
import { test } from 'node:test';
import {
  assert, forEachBuild, withFs, assertDMemFSError, assertUnchanged, put, get, bytes, filled,
  used, QuotaExceededError, NodeLimitExceededError, DMemFSError,
} from './_helpers.mjs';

const chunks = async (fs) => (await fs.stats()).chunkCount;

forEachBuild('quota', (build) => {
  test('ex 1: quota 138 fits a 10-byte write', async () => {
    await withFs(build, { maxQuota: 138 }, async (fs) => {
      await put(fs, '/a.bin', filled(10));
      const s = await fs.stats();
      assert.equal(s.usedBytes, 138);
      assert.equal(s.freeBytes, 0);
    });
  });

  test('ex 1: quota 137 → ENOSPC(138, 137) with the exact §4.3 message', async () => {
    await withFs(build, { maxQuota: 137 }, async (fs) => {
      const h = await fs.open('/a.bin', 'wb');
      const e = await assertDMemFSError(h.write(filled(10)), {
        code: 'ENOSPC', requested: 138, available: 137, syscall: 'write', path: '/a.bin',
        message: "ENOSPC: no space left on device (quota exceeded: requested 138 bytes, available 137), write '/a.bin'",
      });
      assert.ok(e instanceof QuotaExceededError);
      assert.ok(e instanceof DMemFSError);
      assert.ok(!(e instanceof NodeLimitExceededError));
      assert.equal(e.errno, -28);
      assert.equal(await h.tell(), 0);
      await h.close();
      assert.equal(await used(fs), 0);
      assert.equal(await fs.getSize('/a.bin'), 0);
    });
  });

  test('ex 2: quota 8: open wb works; 10-byte write → ENOSPC(138, 8); /f stays, size 0', async () => {
    await withFs(build, { maxQuota: 8 }, async (fs) => {
      const h = await fs.open('/f', 'wb');
      await assertDMemFSError(h.write(filled(10)), { code: 'ENOSPC', requested: 138, available: 8, path: '/f' });
      await h.close();
      assert.equal(await fs.isFile('/f'), true);
      assert.equal(await fs.getSize('/f'), 0);
    });
  });

  test('ex 3: importTree 10 bytes: quota 138 → 138; quota 137 → ENOSPC(138, 137), no /a', async () => {
    await withFs(build, { maxQuota: 138 }, async (fs) => {
      await fs.importTree({ '/a': filled(10) });
      assert.equal(await used(fs), 138);
    });
    await withFs(build, { maxQuota: 137 }, async (fs) => {
      await assertDMemFSError(fs.importTree({ '/a': filled(10) }), { code: 'ENOSPC', requested: 138, available: 137, syscall: 'importTree', path: undefined });
      assert.equal(await used(fs), 0);
      assert.equal(await fs.exists('/a'), false);
    });
  });

  test("ex 4: 'random_access' quota 10: write 10 → 10; one more → ENOSPC(1, 0); overwrite free", async () => {
    await withFs(build, { maxQuota: 10, defaultStorage: 'random_access' }, async (fs) => {
      const h = await fs.open('/r', 'wb');
      await h.write(filled(10));
      assert.equal(await used(fs), 10);
      await assertDMemFSError(h.write(bytes('x')), { code: 'ENOSPC', requested: 1, available: 0 });
      await h.seek(0);
      assert.equal(await h.write(filled(10, 0x62)), 10);
      await h.close();
      assert.equal(await used(fs), 10);
      assert.equal(await get(fs, '/r'), 'b'.repeat(10));
    });
  });

  for (const [n, u] of [[100, 228], [1024, 1152], [1000, 1128], [8, 136]]) {
    test(`ex 5: open(new, 'wb', {preallocate: ${n}}) → used ${u}`, async () => {
      await withFs(build, {}, async (fs) => {
        const h = await fs.open('/p', 'wb', { preallocate: n });
        assert.equal(await h.tell(), 0);
        await h.close();
        assert.equal(await used(fs), u);
        const s = await fs.stat('/p');
        assert.equal(s.size, n);
        assert.equal(s.generation, 1);
        assert.equal(await chunks(fs), 1);
      });
    });
  }

  test('ex 6: 500-byte file (628), reopened wb, "small" → 133', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', filled(500));
      assert.equal(await used(fs), 628);
      await put(fs, '/f', 'small');
      assert.equal(await used(fs), 133);
    });
  });

  test('ex 7: remove of a 1000-byte file: 1128 → 0', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', filled(1000));
      assert.equal(await used(fs), 1128);
      await fs.remove('/f');
      assert.equal(await used(fs), 0);
    });
  });

  test('ex 8: quota 1000, 500-byte seq file: a one-byte r+b write at 0 → ENOSPC(500, 372)', async () => {
    await withFs(build, { maxQuota: 1000 }, async (fs) => {
      await put(fs, '/f', filled(500));
      const h = await fs.open('/f', 'r+b');
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(h.write(bytes('x')), { code: 'ENOSPC', requested: 500, available: 372, syscall: 'write', path: '/f' });
      });
      assert.equal(await h.tell(), 0);
      await h.close();
      assert.equal(await chunks(fs), 1);
    });
  });

  test("ex 8: same after open('wb', {preallocate: 500}) then a write at cursor 0", async () => {
    await withFs(build, { maxQuota: 1000 }, async (fs) => {
      const h = await fs.open('/f', 'wb', { preallocate: 500 });
      assert.equal(await used(fs), 628);
      await assertDMemFSError(h.write(bytes('x')), { code: 'ENOSPC', requested: 500, available: 372 });
      await h.close();
      assert.equal(await used(fs), 628);
    });
  });

  test("ex 8: under 'random_access' that preallocation costs 500 and writes inside cost 0", async () => {
    await withFs(build, { maxQuota: 1000, defaultStorage: 'random_access' }, async (fs) => {
      const h = await fs.open('/f', 'wb', { preallocate: 500 });
      assert.equal(await used(fs), 500);
      assert.equal(await h.write(filled(500, 1)), 500);
      await h.close();
      assert.equal(await used(fs), 500);
    });
  });

  test('ex 9: quota 330, 100-byte file, seek(50), write 200 → ENOSPC(150, 130), all rolled back', async () => {
    await withFs(build, { maxQuota: 330 }, async (fs) => {
      await put(fs, '/f', filled(100));
      assert.equal(await used(fs), 228);
      const h = await fs.open('/f', 'r+b');
      await h.seek(50);
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(h.write(filled(200, 0x62)), { code: 'ENOSPC', requested: 150, available: 130, path: '/f' });
      });
      assert.equal(await h.tell(), 50);
      await h.close();
      assert.equal(await used(fs), 228);
      assert.equal(await fs.getSize('/f'), 100);
      assert.equal(await chunks(fs), 1); // still sequential
      assert.equal(await get(fs, '/f'), 'a'.repeat(100));
    });
  });

  test('ex 10: write 6 (134), seek(10), write 5 → promoted, 15 bytes, zeros at 6–9, used 15', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/f', 'wb');
      await h.write(bytes('abcdef'));
      assert.equal(await used(fs), 134);
      await h.seek(10);
      await h.write(bytes('ghijk'));
      await h.close();
      assert.equal(await used(fs), 15);
      assert.equal(await chunks(fs), 0);
      assert.deepEqual(Array.from(await fs.readFile('/f')), [...bytes('abcdef'), 0, 0, 0, 0, ...bytes('ghijk')]);
    });
  });

  test('ex 11: copyTree 100-byte file, quota 455 → ENOSPC(228, 227)', async () => {
    await withFs(build, { maxQuota: 455 }, async (fs) => {
      await fs.mkdir('/src');
      await put(fs, '/src/f', filled(100));
      await assertDMemFSError(fs.copyTree('/src', '/dst'), { code: 'ENOSPC', requested: 228, available: 227, path: '/src', dest: '/dst' });
      assert.equal(await used(fs), 228);
      assert.equal(await fs.exists('/dst'), false);
    });
  });

  test('ex 11: copyTree 200-byte file, quota 655 → ENOSPC(328, 327), used 328, no /dst', async () => {
    await withFs(build, { maxQuota: 655 }, async (fs) => {
      await fs.mkdir('/src');
      await put(fs, '/src/f', filled(200));
      await assertDMemFSError(fs.copyTree('/src', '/dst'), { code: 'ENOSPC', requested: 328, available: 327 });
      assert.equal(await used(fs), 328);
      assert.equal(await fs.exists('/dst'), false);
    });
  });

  test('ex 12: 10 × 10-byte source (1380) costs 228 as a copy; rmtree returns to 1380', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/src');
      const h = await fs.open('/src/f', 'wb');
      for (let i = 0; i < 10; i++) await h.write(filled(10));
      await h.close();
      assert.equal(await used(fs), 1380);
      await fs.copyTree('/src', '/copy');
      assert.equal(await used(fs), 1380 + 228);
      await fs.rmtree('/copy');
      assert.equal(await used(fs), 1380);
    });
  });

  test('ex 12: a promoted 10-byte source (usage 10) costs 138 as a sequential copy', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/src');
      await put(fs, '/src/f', filled(10));
      const h = await fs.open('/src/f', 'r+b');
      await h.write(bytes('x'));
      await h.close();
      assert.equal(await used(fs), 10);
      await fs.copyTree('/src', '/copy');
      assert.equal(await used(fs), 148);
      await fs.copy('/src/f', '/c2');
      assert.equal(await used(fs), 286);
    });
  });

  test("ex 13: 'random_access': importTree 10 bytes → 10; remove → 0", async () => {
    await withFs(build, { defaultStorage: 'random_access' }, async (fs) => {
      await fs.importTree({ '/a': filled(10) });
      assert.equal(await used(fs), 10);
      await fs.remove('/a');
      assert.equal(await used(fs), 0);
    });
  });

  test('ex 14: quota 500, 200-byte file (328): importing 1000 bytes onto it → ENOSPC(800, 172)', async () => {
    await withFs(build, { maxQuota: 500 }, async (fs) => {
      await put(fs, '/existing.bin', filled(200));
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.importTree({ '/existing.bin': filled(1000) }), { code: 'ENOSPC', requested: 800, available: 172, syscall: 'importTree' });
      });
    });
  });

  test('ex 15: quota 1024: a 10000-byte write → ENOSPC(10128, 1024)', async () => {
    await withFs(build, { maxQuota: 1024 }, async (fs) => {
      const h = await fs.open('/big', 'wb');
      await assertDMemFSError(h.write(filled(10000)), { code: 'ENOSPC', requested: 10128, available: 1024 });
      await h.close();
    });
  });

  test('ex 15: quota 1 MiB: a second 700000-byte write → ENOSPC(700128, 348448); file stays 700000', async () => {
    await withFs(build, { maxQuota: 1 << 20 }, async (fs) => {
      const h = await fs.open('/big', 'wb');
      await h.write(filled(700000));
      await assertDMemFSError(h.write(filled(700000)), { code: 'ENOSPC', requested: 700128, available: 348448 });
      await h.close();
      assert.equal(await fs.getSize('/big'), 700000);
      assert.equal(await used(fs), 700128);
    });
  });

  test('ex 16: overhead 0, quota 500: 100 × x, then ab 1000 × y → ENOSPC(1000, 400)', async () => {
    await withFs(build, { chunkOverhead: 0, maxQuota: 500 }, async (fs) => {
      await put(fs, '/f', 'x'.repeat(100));
      const h = await fs.open('/f', 'ab');
      await assertDMemFSError(h.write(bytes('y'.repeat(1000))), { code: 'ENOSPC', requested: 1000, available: 400 });
      await h.close();
      assert.equal(await get(fs, '/f'), 'x'.repeat(100));
    });
  });

  test('ex 16: overhead 0, quota 2048: write 1000, remove, write 1000 elsewhere → fine', async () => {
    await withFs(build, { chunkOverhead: 0, maxQuota: 2048 }, async (fs) => {
      await put(fs, '/a', filled(1000));
      await fs.remove('/a');
      await put(fs, '/b', filled(1000));
      assert.equal(await used(fs), 1000);
    });
  });

  test('ex 17: overhead 100: a 3-byte write → 103', async () => {
    await withFs(build, { chunkOverhead: 100 }, async (fs) => {
      await put(fs, '/f', 'abc');
      assert.equal(await used(fs), 103);
    });
  });

  test("ex 18: 'random_access': 10000 bytes, truncate(100) → used 100", async () => {
    await withFs(build, { defaultStorage: 'random_access' }, async (fs) => {
      const h = await fs.open('/f', 'wb');
      await h.write(filled(10000));
      assert.equal(await used(fs), 10000);
      assert.equal(await h.truncate(100), 100);
      await h.close();
      assert.equal(await used(fs), 100);
      assert.equal(await fs.getSize('/f'), 100);
    });
  });

  test('ex 19: random 1–50-byte writes into quota 400 keep used ≤ 400 after every call', async () => {
    const seed = process.env.DMFS_SEED ? Number(process.env.DMFS_SEED) : (Date.now() % 2147483647);
    console.log(`ex 19 [${build}] DMFS_SEED=${seed}`);
    let x = seed >>> 0 || 1;
    const rnd = (n) => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x % n; };
    await withFs(build, { maxQuota: 400 }, async (fs) => {
      const handles = [];
      for (let i = 0; i < 3; i++) handles.push(await fs.open(`/f${i}`, 'wb'));
      for (let i = 0; i < 200; i++) {
        const h = handles[rnd(3)];
        if (rnd(4) === 0) await h.seek(rnd(80));
        const n = 1 + rnd(50);
        try {
          await h.write(filled(n));
        } catch (e) {
          assert.ok(e instanceof QuotaExceededError, `seed ${seed}: ${e.message}`);
        }
        const s = await fs.stats();
        assert.ok(s.usedBytes <= 400, `seed ${seed}: used ${s.usedBytes}`);
        assert.equal(s.freeBytes, 400 - s.usedBytes);
      }
      for (const h of handles) await h.close();
    });
  });

  test('ex 20: maxNodes 3: /a.txt, /b.txt, then /c.txt → ENOSPC(nodes 3/3), exact message', async () => {
    await withFs(build, { maxNodes: 3 }, async (fs) => {
      await put(fs, '/a.txt', 'a');
      await put(fs, '/b.txt', 'b');
      const e = await assertDMemFSError(fs.open('/c.txt', 'wb'), {
        code: 'ENOSPC', current: 3, limit: 3, requested: 1, available: 0, syscall: 'open', path: '/c.txt',
        message: "ENOSPC: no space left on device (node limit exceeded: current 3, limit 3), open '/c.txt'",
      });
      assert.ok(e instanceof NodeLimitExceededError);
      assert.ok(e instanceof QuotaExceededError);
      assert.equal(e.code, 'ENOSPC');
      assert.equal(await fs.exists('/c.txt'), false);
    });
  });

  test('ex 20: maxNodes 2: mkdir /d1 works, /d2 → ENOSPC(nodes 2/2)', async () => {
    await withFs(build, { maxNodes: 2 }, async (fs) => {
      await fs.mkdir('/d1');
      await assertDMemFSError(fs.mkdir('/d2'), { code: 'ENOSPC', current: 2, limit: 2, requested: 1, available: 0, syscall: 'mkdir', path: '/d2' });
    });
  });

  test("ex 20: maxNodes 3: mkdir('/x/y/z') needs 3 with 2 free → ENOSPC(nodes 1/3), nothing created", async () => {
    await withFs(build, { maxNodes: 3 }, async (fs) => {
      await assertDMemFSError(fs.mkdir('/x/y/z'), { code: 'ENOSPC', current: 1, limit: 3, requested: 3, available: 2 });
      assert.deepEqual(await fs.listdir('/'), []);
      assert.equal((await fs.stats()).dirCount, 1);
    });
  });

  test('ex 20: maxNodes 1: every create fails', async () => {
    await withFs(build, { maxNodes: 1 }, async (fs) => {
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.open('/f', 'xb'), { code: 'ENOSPC', current: 1, limit: 1 });
        await assertDMemFSError(fs.mkdir('/d'), { code: 'ENOSPC', current: 1, limit: 1 });
        await assertDMemFSError(fs.writeFile('/w', bytes('x')), { code: 'ENOSPC', current: 1, limit: 1, syscall: 'writeFile' });
        await assertDMemFSError(fs.importTree({ '/i': bytes('x') }), { code: 'ENOSPC', current: 1, limit: 1, syscall: 'importTree' });
      });
    });
  });

  test('node limit is checked before bytes (§2.1 step 7)', async () => {
    await withFs(build, { maxNodes: 1, maxQuota: 0 }, async (fs) => {
      await assertDMemFSError(fs.open('/f', 'wb', { preallocate: 10 }), { code: 'ENOSPC', current: 1, limit: 1 });
      await assertDMemFSError(fs.importTree({ '/f': filled(10) }), { code: 'ENOSPC', current: 1, limit: 1 });
    });
  });

  test('a replacement needs no spare node (open wb, writeFile, importTree)', async () => {
    await withFs(build, { maxNodes: 2 }, async (fs) => {
      await put(fs, '/f', 'a');
      await put(fs, '/f', 'bb');
      await fs.writeFile('/f', bytes('ccc'));
      await fs.importTree({ '/f': bytes('dddd') });
      assert.equal(await get(fs, '/f'), 'dddd');
    });
  });

  // §6.2 example
  test('§6.2: two 10-byte writes → 276, 2 chunks; truncate(15) → 143, 1; truncate(30) → 286, 2; write at 0 → 30, 0', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/s', 'wb');
      await h.write(filled(10));
      await h.write(filled(10));
      assert.equal(await used(fs), 276);
      assert.equal(await chunks(fs), 2);
      await h.truncate(15);
      assert.equal(await used(fs), 143);
      assert.equal(await chunks(fs), 1);
      await h.truncate(30);
      assert.equal(await used(fs), 286);
      assert.equal(await chunks(fs), 2);
      await h.seek(0);
      await h.write(bytes('z'));
      assert.equal(await used(fs), 30);
      assert.equal(await chunks(fs), 0);
      await h.close();
    });
  });

  test('§6.2: shrinking by one byte compacts N chunks to one and returns (N − 1) × ov + 1', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/s', 'wb');
      for (let i = 0; i < 5; i++) await h.write(filled(4));
      assert.equal(await used(fs), 20 + 5 * 128);
      await h.truncate(19);
      assert.equal(await used(fs), 19 + 128);
      assert.equal(await chunks(fs), 1);
      await h.truncate(0);
      assert.equal(await used(fs), 0);
      assert.equal(await chunks(fs), 0);
      await h.close();
    });
  });

  test("§6.2: 'sequential' write past the end → ENOTSUP, truncate grows with one chunk", async () => {
    await withFs(build, { defaultStorage: 'sequential' }, async (fs) => {
      const h = await fs.open('/s', 'wb');
      await h.write(filled(4));
      await h.seek(8);
      await assertDMemFSError(h.write(filled(1)), { code: 'ENOTSUP', syscall: 'write', path: '/s' });
      assert.equal(await h.truncate(8), 8);
      assert.equal(await used(fs), 8 + 256);
      await h.write(filled(1)); // now at end
      assert.equal(await used(fs), 9 + 384);
      await h.close();
    });
  });

  test('§6.3: RA gap charged, pure overwrite free, truncate up/down; wb and truncate(0) keep RA', async () => {
    await withFs(build, { defaultStorage: 'random_access' }, async (fs) => {
      const h = await fs.open('/r', 'wb');
      await h.seek(5);
      await h.write(filled(5));
      assert.equal(await used(fs), 10);
      await h.seek(2);
      await h.write(filled(3));
      assert.equal(await used(fs), 10);
      await h.seek(8);
      await h.write(filled(4));
      assert.equal(await used(fs), 12);
      await h.truncate(20);
      assert.equal(await used(fs), 20);
      await h.truncate(0);
      assert.equal(await used(fs), 0);
      await h.write(filled(7));
      assert.equal(await used(fs), 7);
      await h.close();
      await put(fs, '/r', filled(3));
      assert.equal(await used(fs), 3);
      assert.equal(await chunks(fs), 0);
    });
  });

  test("§6.3: an 'auto' file stays random-access after truncate(0) and wb", async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/r', 'wb');
      await h.write(filled(4));
      await h.seek(0);
      await h.write(filled(1)); // promoted
      assert.equal(await used(fs), 4);
      await h.truncate(0);
      await h.write(filled(4));
      assert.equal(await used(fs), 4);
      await h.close();
      await put(fs, '/r', filled(6));
      assert.equal(await used(fs), 6);
    });
  });

  test('§6.4: promotion needs free ≥ size exactly (boundary passes)', async () => {
    await withFs(build, { maxQuota: 228 + 100 }, async (fs) => {
      await put(fs, '/f', filled(100)); // 228, free 100
      const h = await fs.open('/f', 'r+b');
      assert.equal(await h.write(bytes('x')), 1);
      await h.close();
      assert.equal(await used(fs), 100);
    });
    await withFs(build, { maxQuota: 228 + 99 }, async (fs) => {
      await put(fs, '/f', filled(100));
      const h = await fs.open('/f', 'r+b');
      await assertDMemFSError(h.write(bytes('x')), { code: 'ENOSPC', requested: 100, available: 99 });
      await h.close();
      assert.equal(await used(fs), 228);
    });
  });

  test('§6.5: 0-byte write charges 0; reads and stats charge 0; mkdir/rename/move charge 0', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', filled(10));
      const u = await used(fs);
      const h = await fs.open('/f', 'r+b');
      await h.write(new Uint8Array(0));
      await h.read();
      await h.close();
      await fs.readFile('/f');
      await fs.exportTree();
      await fs.mkdir('/d');
      await fs.rename('/f', '/d/f');
      await fs.move('/d/f', '/e/f');
      await fs.glob('/**');
      assert.equal(await used(fs), u);
    });
  });

  test('§6.5: huge truncate / preallocate / write far past the end → ENOSPC before memory is touched', async () => {
    await withFs(build, { maxQuota: 1 << 20 }, async (fs) => {
      const h = await fs.open('/f', 'wb');
      await assertDMemFSError(h.truncate(2 ** 50), { code: 'ENOSPC', requested: 2 ** 50 + 128, available: 1 << 20 });
      await h.seek(2 ** 40);
      await assertDMemFSError(h.write(bytes('x')), { code: 'ENOSPC', requested: 2 ** 40 + 1, available: 1 << 20 });
      await h.close();
      await assertDMemFSError(fs.open('/g', 'wb', { preallocate: 2 ** 50 }), { code: 'ENOSPC', requested: 2 ** 50 + 128, available: 1 << 20 });
      assert.equal(await used(fs), 0);
    });
  });

  test('QuotaExceededError catches NodeLimitExceededError', async () => {
    await withFs(build, { maxNodes: 1 }, async (fs) => {
      try {
        await fs.mkdir('/x');
        assert.fail('resolved');
      } catch (e) {
        assert.ok(e instanceof QuotaExceededError);
        assert.equal(e.requested, 1);
        assert.equal(e.available, 0);
        assert.equal(e.current, 1);
        assert.equal(e.limit, 1);
      }
    });
  });

  test('writeFile quota: net change only; ENOSPC keeps old content', async () => {
    await withFs(build, { maxQuota: 400 }, async (fs) => {
      await fs.writeFile('/f', filled(200)); // 328
      await fs.writeFile('/f', filled(272)); // 400: needs only the net 72
      assert.equal(await used(fs), 400);
      await assertDMemFSError(fs.writeFile('/f', filled(273)), { code: 'ENOSPC', requested: 1, available: 0, syscall: 'writeFile', path: '/f' });
      assert.equal((await fs.readFile('/f')).length, 272);
    });
  });
});
