// SPEC §5.1 (normalization table, through stat/exists/mkdir/open), §5.2 (resolution), path types.
import { test } from 'node:test';
import {
  assert, forEachBuild, withFs, assertDMemFSError, assertTypeError, assertUnchanged, put,
} from './_helpers.mjs';

const LONG = '/' + 'k'.repeat(40); // a path longer than 32 units
const OK_ROWS = [
  ['', '/'], ['/', '/'], ['.', '/'], ['/.', '/'], ['a/..', '/'], ['//', '/'],
  ['a/b/c', '/a/b/c'], ['./a', '/a'], ['a/b/..', '/a'],
  ['/a/b/', '/a/b'], ['/a//b', '/a/b'], ['/a/./b/', '/a/b'],
  ['/a/b/../c', '/a/c'],
  ['\\a\\b', '/a/b'], ['a\\b', '/a/b'],
  ['///a', '/a'], ['//a//b', '/a/b'], ['\\\\a', '/a'],
  ['...', '/...'], [' ', '/ '], ['/ a /', '/ a '],
  // longer than 32 UTF-16 units: encoded by TextEncoder.encodeInto where the runtime can
  [LONG + '/\u00e9\uD83D\uDE00/./x/', LONG + '/\u00e9\uD83D\uDE00/x'], [LONG + '//z\\y', LONG + '/z/y'],
];
const EINVAL_ROWS = ['..', '/..', '../x', '/a/../../x', '..\\x', 'a/../..', '//..', '/../a', 'a\0b', '\0', '/a\0', 'x\uD800', '/\uDC00y', '/a/\uD83D',
  LONG + '\0b', LONG + '/x\uD800', LONG + '\uDC00/y', LONG + '/\u00e9\0', LONG + '/\uDE00\uD83D'];

const part255 = 'x'.repeat(255);
const p4096 = Array.from({ length: 16 }, () => '/' + 'y'.repeat(255)).join('');

forEachBuild('paths', (build) => {
  // Every accepted row: mkdir of the input creates the normalized path (non-root rows),
  // stat/exists/isDir through the input see it.
  for (const [input, result] of OK_ROWS) {
    test(`normalize ${JSON.stringify(input)} → ${result}`, async () => {
      await withFs(build, {}, async (fs) => {
        if (result === '/') {
          assert.equal(await fs.exists(input), true);
          assert.equal(await fs.isDir(input), true);
          assert.equal((await fs.stat(input)).isDir, true);
          await assertDMemFSError(fs.mkdir(input), { code: 'EEXIST', syscall: 'mkdir', path: '/' });
          await fs.mkdir(input, { existOk: true });
          assert.deepEqual(await fs.listdir('/'), []);
        } else {
          await fs.mkdir(input);
          assert.equal(await fs.isDir(result), true);
          assert.equal(await fs.exists(input), true);
          assert.equal((await fs.stat(input)).isDir, true);
          await assertDMemFSError(fs.mkdir(input), { code: 'EEXIST', syscall: 'mkdir', path: result });
          const parts = result.split('/').filter(Boolean);
          assert.deepEqual(await fs.listdir('/'), [parts[0]]);
        }
      });
    });
  }

  for (const input of EINVAL_ROWS) {
    test(`normalize ${JSON.stringify(input)} → EINVAL (path as given)`, async () => {
      await withFs(build, {}, async (fs) => {
        await assertUnchanged(fs, async () => {
          await assertDMemFSError(fs.stat(input), { code: 'EINVAL', syscall: 'stat', path: input });
          await assertDMemFSError(fs.mkdir(input), { code: 'EINVAL', syscall: 'mkdir', path: input });
          await assertDMemFSError(fs.open(input, 'wb'), { code: 'EINVAL', syscall: 'open', path: input });
          assert.equal(await fs.exists(input), false);
          assert.equal(await fs.isDir(input), false);
          assert.equal(await fs.isFile(input), false);
        });
      });
    });
  }

  test('name of 255 bytes accepted; 256 bytes → ENAMETOOLONG; 128 × é (256 bytes) → ENAMETOOLONG', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/' + part255);
      assert.equal(await fs.isDir('/' + part255), true);
      for (const bad of ['/' + 'x'.repeat(256), '/' + 'é'.repeat(128)]) {
        await assertDMemFSError(fs.mkdir(bad), { code: 'ENAMETOOLONG', syscall: 'mkdir', path: bad });
        await assertDMemFSError(fs.stat(bad), { code: 'ENAMETOOLONG', syscall: 'stat' });
        await assertDMemFSError(fs.open(bad, 'wb'), { code: 'ENAMETOOLONG', syscall: 'open' });
        assert.equal(await fs.exists(bad), false);
        assert.equal(await fs.isFile(bad), false);
      }
      assert.deepEqual(await fs.listdir('/'), [part255]);
    });
  });

  test('127 × é + "x" (255 bytes) is accepted', async () => {
    await withFs(build, {}, async (fs) => {
      const name = '/' + 'é'.repeat(127) + 'x';
      await put(fs, name, 'v');
      assert.equal(await fs.isFile(name), true);
    });
  });

  test('path of exactly 4096 bytes accepted; + "/b" → ENAMETOOLONG', async () => {
    await withFs(build, {}, async (fs) => {
      assert.equal(Buffer.byteLength(p4096), 4096);
      await fs.mkdir(p4096);
      assert.equal(await fs.isDir(p4096), true);
      const longer = p4096 + '/b';
      await assertDMemFSError(fs.mkdir(longer), { code: 'ENAMETOOLONG', syscall: 'mkdir', path: longer });
      await assertDMemFSError(fs.open(longer, 'wb'), { code: 'ENAMETOOLONG' });
      assert.equal(await fs.exists(longer), false);
    });
  });

  test('the 4096-byte limit is on the normalized result (redundant slashes do not count)', async () => {
    await withFs(build, {}, async (fs) => {
      const messy = p4096.replaceAll('/', '//') + '/';
      await fs.mkdir(messy);
      assert.equal(await fs.isDir(p4096), true);
    });
  });

  test('.. is textual: /f/../g is /g even when /f is a file', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'x');
      await put(fs, '/f/../g', 'y');
      assert.equal(await fs.isFile('/g'), true);
      assert.deepEqual(await fs.listdir('/'), ['f', 'g']);
    });
  });

  test('names are case-sensitive and not Unicode-normalized', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/A', '1');
      await put(fs, '/a', '2');
      await put(fs, '/caf\u00e9', '3');
      await put(fs, '/cafe\u0301', '4');
      assert.deepEqual(await fs.listdir('/'), ['A', 'a', 'caf\u00e9', 'cafe\u0301']);
      assert.equal((await fs.stats()).fileCount, 4);
    });
  });

  test('whitespace is kept in names', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir(' a ');
      assert.deepEqual(await fs.listdir('/'), [' a ']);
      assert.equal(await fs.exists('/a'), false);
    });
  });

  test('relative paths act as absolute ones', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, 'rel.bin', 'x');
      assert.equal(await fs.isFile('/rel.bin'), true);
      const h = await fs.open('rel.bin', 'rb');
      assert.equal(h.path, '/rel.bin');
      await h.close();
    });
  });

  test("trailing slash is not 'directory': open('/t/', 'wb') creates the file /t", async () => {
    await withFs(build, {}, async (fs) => {
      const h = await fs.open('/t/', 'wb');
      assert.equal(h.path, '/t');
      await h.close();
      assert.equal(await fs.isFile('/t'), true);
      assert.equal(await fs.isFile('/t/'), true);
    });
  });

  test('normalization is idempotent (each normalized result maps to itself)', async () => {
    await withFs(build, {}, async (fs) => {
      for (const [input, result] of OK_ROWS) {
        if (result === '/') continue;
        await fs.mkdir(input, { existOk: true });
        const h = await fs.open(result + '/probe', 'wb');
        assert.equal(h.path, result + '/probe');
        await h.close();
        await fs.remove(result + '/probe');
      }
    });
  });

  test('error path is the normalized path when normalization succeeded', async () => {
    await withFs(build, {}, async (fs) => {
      await assertDMemFSError(fs.stat('a//b/./c/'), { code: 'ENOENT', syscall: 'stat', path: '/a/b/c' });
      await assertDMemFSError(fs.open('\\x\\y', 'rb'), { code: 'ENOENT', syscall: 'open', path: '/x/y' });
    });
  });

  // §5.2 resolution
  test('§5.2: with /f a file, open/stat/listdir/mkdir of /f/x → ENOTDIR; exists false', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'data');
      await assertUnchanged(fs, async () => {
        await assertDMemFSError(fs.open('/f/x', 'rb'), { code: 'ENOTDIR', syscall: 'open', path: '/f/x' });
        await assertDMemFSError(fs.open('/f/x', 'wb'), { code: 'ENOTDIR', syscall: 'open', path: '/f/x' });
        await assertDMemFSError(fs.stat('/f/x'), { code: 'ENOTDIR', syscall: 'stat', path: '/f/x' });
        await assertDMemFSError(fs.listdir('/f/x'), { code: 'ENOTDIR', syscall: 'listdir', path: '/f/x' });
        await assertDMemFSError(fs.mkdir('/f/x'), { code: 'ENOTDIR', syscall: 'mkdir', path: '/f/x' });
        await assertDMemFSError(fs.mkdir('/f/x', { existOk: true }), { code: 'ENOTDIR' });
        assert.equal(await fs.exists('/f/x'), false);
        assert.equal(await fs.isFile('/f/x'), false);
        assert.equal(await fs.isDir('/f/x'), false);
      });
    });
  });

  test('§5.2: first problem from the root wins: /missing/f/x → ENOENT', async () => {
    await withFs(build, {}, async (fs) => {
      await put(fs, '/f', 'x');
      await assertDMemFSError(fs.stat('/missing/f/x'), { code: 'ENOENT', path: '/missing/f/x' });
      await assertDMemFSError(fs.stat('/f/missing/x'), { code: 'ENOTDIR', path: '/f/missing/x' });
      await assertDMemFSError(fs.open('/missing/f', 'wb'), { code: 'ENOENT', syscall: 'open' });
    });
  });

  test('§5.2: a deeper file component → ENOTDIR', async () => {
    await withFs(build, {}, async (fs) => {
      await fs.mkdir('/d/e');
      await put(fs, '/d/e/f', 'x');
      await assertDMemFSError(fs.stat('/d/e/f/g/h'), { code: 'ENOTDIR' });
      await assertDMemFSError(fs.open('/d/e/f/g', 'xb'), { code: 'ENOTDIR' });
    });
  });

  // Path types (§5.1 rule 1, §10)
  const badPaths = [
    ['42', 42], ['null', null], ['undefined', undefined], ['URL', new URL('file:///a')],
    ['Buffer', Buffer.from('/a')], ['Uint8Array', new Uint8Array([47, 97])],
    ['object with toString', { toString: () => '/a' }], ['String object', new String('/a')], // eslint-disable-line no-new-wrappers
    ['symbol', Symbol('a')], ['array', ['/a']],
  ];
  for (const [label, v] of badPaths) {
    test(`path ${label} → TypeError ERR_INVALID_ARG_TYPE on stat/exists/isDir/isFile/mkdir/open/listdir`, async () => {
      await withFs(build, {}, async (fs) => {
        await fs.mkdir('/a');
        await assertUnchanged(fs, async () => {
          await assertTypeError(fs.stat(v), 'ERR_INVALID_ARG_TYPE');
          await assertTypeError(fs.exists(v), 'ERR_INVALID_ARG_TYPE');
          await assertTypeError(fs.isDir(v), 'ERR_INVALID_ARG_TYPE');
          await assertTypeError(fs.isFile(v), 'ERR_INVALID_ARG_TYPE');
          await assertTypeError(fs.mkdir(v), 'ERR_INVALID_ARG_TYPE');
          await assertTypeError(fs.open(v, 'wb'), 'ERR_INVALID_ARG_TYPE');
          await assertTypeError(fs.listdir(v), 'ERR_INVALID_ARG_TYPE');
          await assertTypeError(fs.getSize(v), 'ERR_INVALID_ARG_TYPE');
        });
      });
    });
  }
});
