// Argument checks of SPEC §2.1 / §10, step (1) of the check order: types and representability.
import { invalidArgType, invalidArgValue, outOfRange } from './errors.mjs';

export const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export function validatePath(v, name = 'path') {
  if (typeof v !== 'string') throw invalidArgType(name, 'of type string', v);
  return v;
}

const NO_OPTIONS = Object.freeze({});

/** An options bag: undefined → an empty (shared, frozen) one; anything but a non-null object → TypeError. */
export function validateOptions(v, name = 'options') {
  if (v === undefined) return NO_OPTIONS;
  if (v === null || typeof v !== 'object') throw invalidArgType(name, 'of type object', v);
  return v;
}

/** A safe integer (negative allowed: the core judges it). */
export function validateInteger(v, name) {
  if (typeof v !== 'number') throw invalidArgType(name, 'of type number', v);
  if (!Number.isSafeInteger(v)) throw outOfRange(name, `an integer >= ${-MAX_SAFE} and <= ${MAX_SAFE}`, v);
  return v;
}

/** Integer 0…MAX_SAFE, or Infinity when allowInfinity. */
export function validateNonNegative(v, name, allowInfinity = false) {
  if (typeof v !== 'number') throw invalidArgType(name, 'of type number', v);
  if (allowInfinity && v === Infinity) return v;
  if (!Number.isSafeInteger(v) || v < 0) {
    throw outOfRange(name, `an integer >= 0 and <= ${MAX_SAFE}${allowInfinity ? ', or Infinity' : ''}`, v);
  }
  return v;
}

/** lockTimeout: undefined → fallback; else a non-negative integer or Infinity. */
export function validateTimeout(v, fallback, name = 'lockTimeout') {
  if (v === undefined) return fallback;
  return validateNonNegative(v, name, true);
}

export function validateBoolean(v, name, fallback) {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw invalidArgType(name, 'of type boolean', v);
  return v;
}

export function validateBytes(v, name = 'data') {
  if (!(v instanceof Uint8Array)) throw invalidArgType(name, 'an instance of Uint8Array', v);
  return v;
}

export function validateFunction(v, name) {
  if (typeof v !== 'function') throw invalidArgType(name, 'of type function', v);
  return v;
}

export function validateOneOf(v, name, allowed) {
  if (typeof v !== 'string') throw invalidArgType(name, 'of type string', v);
  if (!allowed.includes(v)) throw invalidArgValue(name, v, `must be one of: ${allowed.map((a) => `'${a}'`).join(', ')}`);
  return v;
}
