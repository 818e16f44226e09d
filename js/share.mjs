// Worker sharing (SPEC §2.6, §8.5): the attaching worker becomes a real Emscripten pthread
// of the creating thread's module instance (TOOLCHAIN §3) and calls the core directly on the
// shared memory with its own stack and TLS. Universal: no Node-only imports.
//
// Host (creating thread): serves a BroadcastChannel (unref'd in Node) whose name goes into
// the descriptor. Guest (worker): attach() opens a reply channel of its own and sends its name
// over that channel; the host wraps the reply channel in a Worker-like adapter and runs
// 3.1.6's own PThread.loadWasmModuleToWorker + pthread_create. The event loop of the
// creating thread must be free to answer. Only plain data crosses the channels: the module
// and memory come from the descriptor (which reached the worker by postMessage).
import { Runtime } from './runtime-common.mjs';
import { distURL } from './runtime-load.mjs';
import { E, makeError } from './internal.mjs';

const unref = (ch) => { if (typeof ch.unref === 'function') ch.unref(); };
const randomName = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;

// ── Host side ─────────────────────────────────────────────────────────────────────

const hostNames = new WeakMap(); // Runtime → channel name this thread serves

/**
 * The name of a BroadcastChannel this (creating) thread serves for rt: a string, so the
 * descriptor stays structured-cloneable without a transfer list.
 */
export function hostChannel(rt) {
  let name = hostNames.get(rt);
  if (name) return name;
  name = `dmemfs-share:${randomName()}`;
  const ch = new BroadcastChannel(name);
  ch.onmessage = (e) => {
    const d = e.data;
    if (d && d.cmd === 'dmemfs-adopt' && typeof d.reply === 'string') adopt(rt, new BroadcastChannel(d.reply));
  };
  unref(ch); // an idle share must not keep the process alive
  hostNames.set(rt, name);
  return name;
}

function adopt(rt, port) {
  const P = rt.extra.PThread;
  let handler = null;
  const adapter = { // quacks like a Worker for PThread
    // Chromium's BroadcastChannel cannot carry a WebAssembly.Module or shared memory (the
    // message arrives as null): the guest takes both from its descriptor instead.
    postMessage: (m) => port.postMessage(m && m.cmd === 'load' ? { ...m, wasmModule: null, wasmMemory: null } : m),
    terminate: () => port.close(),
    on: (ev, fn) => { if (ev === 'message') handler = fn; },
    ref() {}, unref() {},
  };
  // Node's glue path registers through .on(); the browser's sets .onmessage.
  port.onmessage = (e) => {
    if (handler) handler(e.data); else if (adapter.onmessage) adapter.onmessage(e);
  };
  unref(port);
  try {
    P.loadWasmModuleToWorker(adapter, () => {
      const orig = adapter.onmessage;
      adapter.onmessage = (e) => {
        orig(e);
        if (e.data && e.data.cmd === 'cleanupThread') {
          // The thread exited: PThread put the adapter back in its pool; take it out.
          const i = P.unusedWorkers.indexOf(adapter);
          if (i >= 0) P.unusedWorkers.splice(i, 1);
          port.close();
        }
      };
      P.unusedWorkers.push(adapter); // spawnThread pops the last unused worker
      const t = rt.x.dmfsw_adopt_thread();
      if (!t) {
        const i = P.unusedWorkers.indexOf(adapter);
        if (i >= 0) P.unusedWorkers.splice(i, 1);
        port.postMessage({ cmd: 'dmemfs-adopt-failed' });
        port.close();
      }
    });
  } catch (e) {
    port.postMessage({ cmd: 'dmemfs-adopt-failed', message: String(e && e.message) });
    port.close();
  }
}

// ── Guest side ────────────────────────────────────────────────────────────────────

// The glue (pthread mode) reports to its parent through the global postMessage. Its
// commands go to the channel of the instance being set up or detached, else to the most
// recently attached live one; everything else (the user's own messages) to the original.
const GLUE_CMDS = new Set(['loaded', 'cleanupThread', 'processThreadQueue', 'processQueuedMainThreadWork',
  'spawnThread', 'killThread', 'cancelThread', 'onAbort', 'print', 'printErr', 'alert']);
const live = [];
let current = null;
let hooked = false;
function hookPostMessage() {
  if (hooked) return;
  hooked = true;
  const g = globalThis;
  const orig = typeof g.postMessage === 'function' ? g.postMessage.bind(g) : null;
  g.postMessage = (m, t) => {
    const port = current || live[live.length - 1];
    if (port && m && typeof m === 'object' && GLUE_CMDS.has(m.cmd)) return port.postMessage(m, t);
    if (orig) return orig(m, t);
    return undefined;
  };
}

let glueP = null;
const loadGlue = () => (glueP ??= import(distURL('dmemfs-threads.mjs').href));

let chain = Promise.resolve(); // attaches in one worker run one at a time (routing above)

/**
 * Becomes a pthread of the descriptor's instance. Resolves {rt, detach}. Rejects when the
 * creating thread is gone or cannot create the thread.
 */
export function attachRuntime(desc) {
  const p = chain.then(() => attachOne(desc));
  chain = p.catch(() => {});
  return p;
}

async function attachOne(desc) {
  const glue = await loadGlue();
  hookPostMessage();
  const replyName = `${desc.channel}:${randomName()}`;
  const port1 = new BroadcastChannel(replyName); // ref'd while attaching: keeps the worker alive
  const req = new BroadcastChannel(desc.channel);
  let M = null;
  let exp = null;
  let timer = null;
  current = port1;
  try {
    ({ mod: M, exp } = await new Promise((resolve, reject) => {
      let mod = null;
      let inst = null;
      port1.onmessage = (e) => {
        const d = e.data;
        try {
          if (!d) return;
          if (d.cmd === 'load') {
            glue.default({
              ENVIRONMENT_IS_PTHREAD: true, wasmMemory: desc.memory, buffer: desc.memory.buffer,
              instantiateWasm(info, receive) {
                inst = new WebAssembly.Instance(desc.module, info);
                receive(inst);
                return inst.exports;
              },
            }).then((m) => { mod = m; }, reject);
          } else if (d.cmd === 'run') {
            mod.__performance_now_clock_drift = performance.now() - d.time;
            mod.__emscripten_thread_init(d.threadInfoStruct, 0, 0, 1);
            mod.establishStackSpace();
            mod.PThread.receiveObjectTransfer(d);
            mod.PThread.threadInit(); // TLS
            resolve({ mod, exp: inst.exports }); // the start routine is never invoked
          } else if (d.cmd === 'processThreadQueue') {
            if (mod) mod._emscripten_current_thread_process_queued_calls();
          } else if (d.cmd === 'dmemfs-adopt-failed') {
            reject(makeError(E.EAGAIN, 'attach', undefined, undefined, `the creating thread could not create a thread${d.message ? `: ${d.message}` : ''}`));
          }
        } catch (err) { reject(err); }
      };
      req.postMessage({ cmd: 'dmemfs-adopt', reply: replyName });
      // The creating thread answers from its event loop; if it is gone, end at the
      // filesystem's default deadline like any other wait (§8.6).
      const ms = desc.defaultLockTimeout;
      if (Number.isFinite(ms)) {
        timer = setTimeout(() => reject(makeError(E.EAGAIN, 'attach', undefined, undefined,
          'the creating thread did not answer')), Math.max(ms, 1000));
      }
    }));
  } catch (e) {
    port1.close();
    throw e;
  } finally {
    clearTimeout(timer);
    current = null;
    req.close();
  }
  unref(port1);
  live.push(port1);
  // A private copy of the exports: detach swaps every function for a stub, so a late call
  // (a suspended iterator, a stray handle) never runs on the exited thread's freed stack.
  const x = {};
  for (const [k, v] of Object.entries(exp)) if (typeof v === 'function') x[k] = v;
  let rt;
  try {
    rt = new Runtime(x, desc.memory, { build: 'threads', shared: true, module: desc.module, extra: M });
  } catch (e) {
    exitThread(M, port1, exp);
    throw e;
  }
  let done = false;
  const detach = () => {
    if (done) return;
    done = true;
    try { exp.dmfsw_free(rt.scratch); } catch { /* ignore */ }
    const ebadf = E.EBADF;
    for (const k of Object.keys(x)) x[k] = k.includes('malloc') || k === 'dmfsw_wait_word' ? () => 0 : () => ebadf;
    exitThread(M, port1, exp);
  };
  return { rt, detach };
}

function exitThread(M, port, exp) {
  try { exp.dmfsw_share_detached(); } catch { /* ignore */ }
  current = port;
  try {
    M.__emscripten_thread_exit(0); // frees TLS; the host frees struct pthread and stack
  } catch (e) {
    if (e !== 'unwind' && !(e && e.name === 'ExitStatus')) throw e;
  } finally {
    current = null;
    const i = live.indexOf(port);
    if (i >= 0) live.splice(i, 1);
    setTimeout(() => port.close(), 0); // after cleanupThread has gone out
  }
}
