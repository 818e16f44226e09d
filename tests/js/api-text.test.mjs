// SPEC §2.5 (TextHandle): every example, encodings, errors modes, readline, iteration.
import { test } from 'node:test';
import {
  assert, forEachBuild, withFs, assertDMemFSError, assertTypeError, assertRangeError,
  put, get, bytes, used, TextHandle, FileHandle,
} from './_helpers.mjs';

/** Opens `content` (string or bytes) for reading and returns [TextHandle, FileHandle]. */
async function reader(fs, content, opts) {
  await put(fs, '/t.txt', content);
  const h = await fs.open('/t.txt', 'rb');
  return [new TextHandle(h, opts), h];
}

forEachBuild('text', (build) => {
  test('constructor defaults and getters', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/a', 'wb');
      const t = new TextHandle(h);
      assert.equal(t.handle, h);
      assert.equal(t.encoding, 'utf-8');
      assert.equal(t.errors, 'strict');
      assert.equal(typeof t.close, 'undefined');
      await h.close();
    });
  });

  for (const enc of ['utf-8', 'utf8', 'UTF-8', 'UTF8', 'Utf-8', 'uTf8']) {
    test(`encoding ${enc} accepted, reported as 'utf-8'`, async () => {
      await withFs(build, {}, async (fs) => {
        const h = await fs.open('/a', 'wb');
        const t = new TextHandle(h, { encoding: enc });
        assert.equal(t.encoding, 'utf-8');
        await h.close();
      });
    });
  }

  for (const enc of ['latin1', 'utf-16', 'ascii', 'utf_8', '', 'utf-8 ']) {
    test(`encoding ${JSON.stringify(enc)} → RangeError ERR_ENCODING_NOT_SUPPORTED (thrown)`, async () => {
      await withFs(build, {}, async (fs) => {
        const h = await fs.open('/a', 'wb');
        await assertRangeError(() => new TextHandle(h, { encoding: enc }), 'ERR_ENCODING_NOT_SUPPORTED');
        await h.close();
      });
    });
  }

  for (const errors of ['ignore', 'STRICT', '', 'surrogateescape']) {
    test(`errors ${JSON.stringify(errors)} → TypeError ERR_INVALID_ARG_VALUE`, async () => {
      await withFs(build, {}, async (fs) => {
        const h = await fs.open('/a', 'wb');
        await assertTypeError(() => new TextHandle(h, { errors }), 'ERR_INVALID_ARG_VALUE');
        await h.close();
      });
    });
  }

  test("errors 'replace' getter", async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/a', 'wb');
      assert.equal(new TextHandle(h, { errors: 'replace' }).errors, 'replace');
      await h.close();
    });
  });

  for (const [label, v] of [['{}', {}], ['null', null], ['undefined', undefined], ['string', '/a'], ['number', 3]]) {
    test(`new TextHandle(${label}) → TypeError`, async () => {
      await assertTypeError(() => new TextHandle(v));
    });
  }

  // write
  test('write("hello") → 5', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/w', 'wb');
      const t = new TextHandle(h);
      assert.equal(await t.write('hello'), 5);
      await h.close();
      assert.equal(await get(fs, '/w'), 'hello');
    });
  });

  test('write counts characters (code points), not bytes or UTF-16 units', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/w', 'wb');
      const t = new TextHandle(h);
      assert.equal(await t.write('あい😀'), 3);
      await h.close();
      assert.equal(await fs.getSize('/w'), 3 + 3 + 4);
    });
  });

  test("write('') → 0, no write (generation unchanged, no chunk)", async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/w', 'wb');
      const t = new TextHandle(h);
      assert.equal(await t.write(''), 0);
      await h.close();
      assert.equal((await fs.stat('/w')).generation, 0);
      assert.equal((await fs.stats()).chunkCount, 0);
    });
  });

  test('write does one handle.write: one chunk, one generation bump', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/w', 'wb');
      const t = new TextHandle(h);
      await t.write('a\nb\nc\n' + 'é'.repeat(100));
      await h.close();
      assert.equal((await fs.stats()).chunkCount, 1);
      assert.equal((await fs.stat('/w')).generation, 1);
      assert.equal(await used(fs), 6 + 200 + 128);
    });
  });

  test('46-character ASCII write with quota 10 → ENOSPC(174, 10), nothing written', async () => {
    await withFs(build, { maxQuota: 10 }, async (fs) => {
      const h = await fs.open('/q.txt', 'wb');
      const t = new TextHandle(h);
      const s = 'x'.repeat(46);
      await assertDMemFSError(t.write(s), { code: 'ENOSPC', requested: 174, available: 10, syscall: 'write', path: '/q.txt' });
      await h.close();
      assert.equal(await fs.getSize('/q.txt'), 0);
      assert.equal(await used(fs), 0);
    });
  });

  for (const [label, v] of [['42', 42], ['Uint8Array', new Uint8Array(1)], ['null', null], ['String object', new String('x')]]) { // eslint-disable-line no-new-wrappers
    test(`text write(${label}) → TypeError`, async () => {
      await withFs(build, {}, async (fs) => {
        const h = await fs.open('/w', 'wb');
        await assertTypeError(new TextHandle(h).write(v));
        await h.close();
        assert.equal(await fs.getSize('/w'), 0);
      });
    });
  }

  test("lone surrogate in strict mode → TypeError ERR_INVALID_ARG_VALUE, nothing written", async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/w', 'wb');
      const t = new TextHandle(h);
      await assertTypeError(t.write('ab\uD800cd'), 'ERR_INVALID_ARG_VALUE');
      await assertTypeError(t.write('\uDC00'), 'ERR_INVALID_ARG_VALUE');
      await h.close();
      assert.equal(await fs.getSize('/w'), 0);
      assert.equal((await fs.stat('/w')).generation, 0);
    });
  });

  test("lone surrogate in replace mode → U+FFFD", async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/w', 'wb');
      const t = new TextHandle(h, { errors: 'replace' });
      assert.equal(await t.write('a\uD800b'), 3);
      await h.close();
      assert.equal(await get(fs, '/w'), 'a\uFFFDb');
    });
  });

  test('invalid bytes in strict mode → TypeError ERR_ENCODING_INVALID_ENCODED_DATA', async () => {
    await withFs(build, {}, async (fs) => {
      const [t, h] = await reader(fs, new Uint8Array([0x61, 0xff, 0x62]));
      await assertTypeError(t.read(), 'ERR_ENCODING_INVALID_ENCODED_DATA');
      await h.close();
    });
  });

  test('invalid bytes in replace mode → U+FFFD', async () => {
    await withFs(build, {}, async (fs) => {
      const [t, h] = await reader(fs, new Uint8Array([0x61, 0xff, 0x62]), { errors: 'replace' });
      assert.equal(await t.read(), 'a\uFFFDb');
      await h.close();
    });
  });

  test('truncated multi-byte sequence at EOF: strict rejects, replace gives U+FFFD', async () => {
    await withFs(build, {}, async (fs) => {
      const [t, h] = await reader(fs, new Uint8Array([0x61, 0xe3, 0x81]));
      await assertTypeError(t.read(), 'ERR_ENCODING_INVALID_ENCODED_DATA');
      await h.close();
      const h2 = await fs.open('/t.txt', 'rb');
      const t2 = new TextHandle(h2, { errors: 'replace' });
      const s = await t2.read();
      assert.ok(s.startsWith('a') && s.includes('\uFFFD'), JSON.stringify(s));
      await h2.close();
    });
  });

  test('a BOM is an ordinary character (kept on read and write)', async () => {
    await withFs(build, {}, async (fs) => {
      const [t, h] = await reader(fs, new Uint8Array([0xef, 0xbb, 0xbf, 0x41, 0x42]));
      assert.equal(await t.read(1), '\uFEFF');
      assert.equal(await t.read(), 'AB');
      await h.close();
      const w = await fs.open('/b', 'wb');
      assert.equal(await new TextHandle(w).write('\uFEFFx'), 2);
      await w.close();
      assert.deepEqual(Array.from(await fs.readFile('/b')), [0xef, 0xbb, 0xbf, 0x78]);
    });
  });

  // read
  test('"あいうえお" → read(2) ×4: "あい", "うえ", "お", ""', async () => {
    await withFs(build, {}, async (fs) => {
      const [t, h] = await reader(fs, 'あいうえお');
      assert.equal(await t.read(2), 'あい');
      assert.equal(await t.read(2), 'うえ');
      assert.equal(await t.read(2), 'お');
      assert.equal(await t.read(2), '');
      await h.close();
    });
  });

  test('read(): negative → all remaining; 0 → ""; never splits 😀', async () => {
    await withFs(build, {}, async (fs) => {
      const [t, h] = await reader(fs, 'a😀b😀c');
      assert.equal(await t.read(0), '');
      assert.equal(await t.read(2), 'a😀');
      assert.equal(await t.read(1), 'b');
      assert.equal(await t.read(-5), '😀c');
      assert.equal(await t.read(), '');
      await h.close();
    });
  });

  test('read() default reads everything', async () => {
    await withFs(build, {}, async (fs) => {
      const big = 'αβγ'.repeat(5000) + '\n';
      const [t, h] = await reader(fs, big);
      assert.equal(await t.read(), big);
      assert.equal(await t.read(), '');
      await h.close();
    });
  });

  test('read(n) over many characters crossing internal buffer boundaries', async () => {
    await withFs(build, {}, async (fs) => {
      const s = Array.from({ length: 3000 }, (_, i) => String.fromCodePoint(0x3041 + (i % 80), 0x1f600 + (i % 50))).join('');
      const [t, h] = await reader(fs, s);
      const chars = Array.from(s);
      let out = '';
      let pos = 0;
      for (;;) {
        const part = await t.read(7);
        if (part === '') break;
        assert.equal(part, chars.slice(pos, pos + 7).join(''));
        pos += 7;
        out += part;
      }
      assert.equal(out, s);
      await h.close();
    });
  });

  test('"あい\\nうえ\\n" → read(1) "あ", readline() "い\\n", then "うえ\\n"', async () => {
    await withFs(build, {}, async (fs) => {
      const [t, h] = await reader(fs, 'あい\nうえ\n');
      assert.equal(await t.read(1), 'あ');
      assert.equal(await t.readline(), 'い\n');
      assert.equal(await t.readline(), 'うえ\n');
      assert.equal(await t.readline(), '');
      await h.close();
    });
  });

  const LINE_EXAMPLES = [
    ['line1\nline2\nline3', ['line1\n', 'line2\n', 'line3']],
    ['line1\r\nline2\r\n', ['line1\r\n', 'line2\r\n']],
    ['line1\rline2\r', ['line1\r', 'line2\r']],
    ['a\r\rb', ['a\r', '\r', 'b']],
    ['\n\n', ['\n', '\n']],
    ['x\r', ['x\r']],
    ['', []],
    ['no newline', ['no newline']],
    ['mixed\r\nand\rthen\nend', ['mixed\r\n', 'and\r', 'then\n', 'end']],
  ];
  for (const [content, lines] of LINE_EXAMPLES) {
    test(`readline over ${JSON.stringify(content)}`, async () => {
      await withFs(build, {}, async (fs) => {
        const [t, h] = await reader(fs, content);
        for (const l of lines) assert.equal(await t.readline(), l);
        assert.equal(await t.readline(), '');
        assert.equal(await t.readline(), '');
        await h.close();
      });
    });
    test(`async iteration over ${JSON.stringify(content)}`, async () => {
      await withFs(build, {}, async (fs) => {
        const [t, h] = await reader(fs, content);
        const got = [];
        for await (const l of t) got.push(l);
        assert.deepEqual(got, lines);
        await h.close();
      });
    });
  }

  test('\\r\\n split across a large read-ahead boundary is still one line end', async () => {
    await withFs(build, {}, async (fs) => {
      for (const n of [4095, 4096, 8191, 16383, 65535]) {
        const content = 'x'.repeat(n) + '\r\nnext';
        const [t, h] = await reader(fs, content);
        assert.equal(await t.readline(), 'x'.repeat(n) + '\r\n');
        assert.equal(await t.readline(), 'next');
        await h.close();
      }
    });
  });

  test('readline(limit): stops after limit characters, never splits \\r\\n; readline(0) → ""', async () => {
    await withFs(build, {}, async (fs) => {
      const [t, h] = await reader(fs, 'abcdef\nxy\r\nz');
      assert.equal(await t.readline(0), '');
      assert.equal(await t.readline(3), 'abc');
      assert.equal(await t.readline(100), 'def\n');
      assert.equal(await t.readline(2), 'xy');
      assert.equal(await t.readline(1), '\r\n');
      assert.equal(await t.readline(-1), 'z');
      assert.equal(await t.readline(5), '');
      await h.close();
    });
  });

  test('readline(1) on "\\r\\n" returns "\\r\\n" (§11.2)', async () => {
    await withFs(build, {}, async (fs) => {
      const [t, h] = await reader(fs, '\r\n');
      assert.equal(await t.readline(1), '\r\n');
      assert.equal(await t.readline(1), '');
      await h.close();
    });
  });

  test('readline limit counts characters: "😀😀\\n" readline(1) → "😀"', async () => {
    await withFs(build, {}, async (fs) => {
      const [t, h] = await reader(fs, '😀😀\n');
      assert.equal(await t.readline(1), '😀');
      assert.equal(await t.readline(), '😀\n');
      await h.close();
    });
  });

  test('read/readline/write argument types', async () => {
    await withFs(build, {}, async (fs) => {
      const [t, h] = await reader(fs, 'abc');
      await assertRangeError(t.read(1.5));
      await assertTypeError(t.read('1'), 'ERR_INVALID_ARG_TYPE');
      await assertRangeError(t.readline(NaN));
      await assertTypeError(t.readline(null), 'ERR_INVALID_ARG_TYPE');
      assert.equal(await t.read(), 'abc');
      await h.close();
    });
  });

  test('write after text reads lands just after the last character returned', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/t.txt', 'line1\nline2\nline3\n');
      const h = await fs.open('/t.txt', 'r+b');
      const t = new TextHandle(h);
      assert.equal(await t.readline(), 'line1\n');
      assert.equal(await t.write('LINE2'), 5);
      await h.close();
      assert.equal(await get(fs, '/t.txt'), 'line1\nLINE2\nline3\n');
    });
  });

  test('write after read(n) of multi-byte text lands after those characters', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/t.txt', 'あいうえお');
      const h = await fs.open('/t.txt', 'r+b');
      const t = new TextHandle(h);
      assert.equal(await t.read(2), 'あい');
      await t.write('X');
      await h.close();
      // 'X' overwrites the first byte of 'う' (3 bytes) → invalid tail; compare bytes.
      const b = await fs.readFile('/t.txt');
      assert.deepEqual(Array.from(b.subarray(0, 7)), [...bytes('あい'), 0x58]);
      assert.equal(b.length, 15);
    });
  });

  test('TextHandle on a closed FileHandle → EBADF for read, readline and write', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/c', 'abc');
      const h = await fs.open('/c', 'r+b');
      const t = new TextHandle(h);
      await h.close();
      await assertDMemFSError(t.read(), { code: 'EBADF', path: '/c' });
      await assertDMemFSError(t.readline(), { code: 'EBADF', path: '/c' });
      await assertDMemFSError(t.write('x'), { code: 'EBADF', path: '/c', syscall: 'write' });
    });
  });

  test('text read on a wb handle → EBADF; text write on rb → EBADF', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/c', 'abc');
      const w = await fs.open('/d', 'wb');
      await assertDMemFSError(new TextHandle(w).read(), { code: 'EBADF', syscall: 'read' });
      await w.close();
      const r = await fs.open('/c', 'rb');
      await assertDMemFSError(new TextHandle(r).write('x'), { code: 'EBADF', syscall: 'write' });
      await r.close();
    });
  });

  test('text and handle calls interleave in call order', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/o', 'wb');
      const t = new TextHandle(h);
      const ps = [t.write('ab'), h.write(bytes('CD')), t.write('ef')];
      assert.deepEqual(await Promise.all(ps), [2, 2, 2]);
      await h.close();
      assert.equal(await get(fs, '/o'), 'abCDef');
    });
  });

  test('TextHandle is not a FileHandle and does not own the handle', async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/o', 'wb');
      const t = new TextHandle(h);
      assert.ok(!(t instanceof FileHandle));
      await t.write('x');
      assert.equal(h.closed, false);
      await h.close();
    });
  });
});
