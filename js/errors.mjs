// Error objects of SPEC §4.3. Argument errors are plain TypeError/RangeError with a Node-style `code`.

/** A failure reported by the filesystem core: `code`, `errno`, `syscall`, `path`, `dest`. */
export class DMemFSError extends Error {
  constructor({ code, errno, description, syscall, path, dest, detail } = {}) {
    let msg = `${code}: ${description}${detail ? ` (${detail})` : ''}, ${syscall}`;
    if (path !== undefined) msg += ` '${path}'`;
    if (dest !== undefined) msg += ` -> '${dest}'`;
    super(msg);
    Object.defineProperty(this, 'name', { value: new.target.name, configurable: true, writable: true });
    this.code = code;
    this.errno = errno;
    this.syscall = syscall;
    if (path !== undefined) this.path = path;
    if (dest !== undefined) this.dest = dest;
  }
}

/** ENOSPC from the byte quota: `requested` bytes asked of the ledger, `available` free then. */
export class QuotaExceededError extends DMemFSError {
  constructor(opts = {}) {
    const { requested, available } = opts;
    super({ ...opts, detail: opts.detail ?? `quota exceeded: requested ${requested} bytes, available ${available}` });
    this.requested = requested;
    this.available = available;
  }
}

/** ENOSPC from the node limit: `current`, `limit`, `requested` (nodes), `available`. */
export class NodeLimitExceededError extends QuotaExceededError {
  constructor(opts = {}) {
    const { current, limit } = opts;
    super({ ...opts, detail: opts.detail ?? `node limit exceeded: current ${current}, limit ${limit}` });
    this.current = current;
    this.limit = limit;
  }
}

for (const C of [DMemFSError, QuotaExceededError, NodeLimitExceededError]) {
  Object.defineProperty(C.prototype, 'name', { value: C.name, configurable: true, writable: true });
}

function describe(v) {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return `function ${v.name || '(anonymous)'}`;
  if (typeof v === 'object') {
    const n = v.constructor && v.constructor.name;
    return n ? `an instance of ${n}` : 'an object';
  }
  let s = typeof v === 'string' ? `'${v.length > 28 ? v.slice(0, 25) + '...' : v}'` : String(v);
  if (typeof v === 'bigint') s += 'n';
  return `type ${typeof v} (${s})`;
}

function withCode(err, code) {
  Object.defineProperty(err, 'code', { value: code, enumerable: true, configurable: true, writable: true });
  return err;
}

export function invalidArgType(name, expected, actual) {
  return withCode(new TypeError(`The "${name}" argument must be ${expected}. Received ${describe(actual)}`),
    'ERR_INVALID_ARG_TYPE');
}

export function invalidArgValue(name, actual, reason = 'is invalid') {
  // As Node shows this one (util.inspect): a string quoted, a primitive as itself.
  const shown = typeof actual === 'string' ? `'${actual}'`
    : actual !== null && (typeof actual === 'object' || typeof actual === 'function') ? describe(actual) : String(actual);
  return withCode(new TypeError(`The argument '${name}' ${reason}. Received ${shown}`), 'ERR_INVALID_ARG_VALUE');
}

export function outOfRange(name, range, actual) {
  return withCode(new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${String(actual)}`),
    'ERR_OUT_OF_RANGE');
}

export function illegalConstructor() {
  return withCode(new TypeError('Illegal constructor'), 'ERR_ILLEGAL_CONSTRUCTOR');
}

export function invalidReturnValue(name, actual) {
  return withCode(new TypeError(`Expected ${name} to return a finite number. Received ${describe(actual)}`),
    'ERR_INVALID_RETURN_VALUE');
}

export function encodingNotSupported(enc) {
  return withCode(new RangeError(`The "${enc}" encoding is not supported`), 'ERR_ENCODING_NOT_SUPPORTED');
}

export function invalidEncodedData(enc) {
  return withCode(new TypeError(`The encoded data was not valid for encoding ${enc}`),
    'ERR_ENCODING_INVALID_ENCODED_DATA');
}
