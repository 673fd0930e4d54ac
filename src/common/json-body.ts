import { parse } from 'lossless-json';
import { Problem } from './problem';

export const MAX_JSON_DEPTH = 32;

/**
 * A JSON number as its literal text. class-transformer rebuilds objects with `new constructor()` and
 * copies their fields, so the constructor must accept no argument.
 */
export class JsonNumber {
  constructor(readonly text: string = '') {}
}
export const MAX_STRING_LENGTH = 100_000;

/**
 * Parses a JSON request body without ever turning a number into a binary float: numbers stay
 * JsonNumber (their literal text) until a DTO converts them, to a decimal string for quantities and
 * money, to a JS number only where a float is the domain's type (coordinates).
 * Also refuses what PostgreSQL cannot store or what would only be an attack: NUL characters,
 * lone surrogates, absurd nesting.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw Problem.badRequest('The request body is empty; a JSON document was expected.');
  // Before parsing: the recursive parser would otherwise overflow the stack on deep documents
  // (10,000 levels) and answer with an unclear "Maximum call stack size exceeded".
  const shape = scanJsonText(text);
  if (shape.maxDepth > MAX_JSON_DEPTH + 1) {
    throw Problem.field('(body)', `is nested more than ${MAX_JSON_DEPTH} levels deep`);
  }
  // Most bodies carry their decimals as strings and hold no JSON number at all: for those the native
  // parser gives exactly what lossless-json would, in less time (a 1.3 KB create body, checks included:
  // 13 against 27 µs). It must also have seen every key: JSON.parse keeps the last of duplicate keys
  // silently, lossless-json refuses them, so a count that differs takes the lossless path.
  if (shape.numbers === 0) {
    const value = parseNative(text);
    if (value !== INVALID) {
      if (checkJsonValue(value, '', 0) === shape.keys) return value;
    }
  }
  let value: unknown;
  try {
    value = parse(text, null, (literal) => new JsonNumber(literal));
  } catch (error) {
    throw Problem.badRequest(`The request body is not valid JSON: ${(error as Error).message}`);
  }
  checkJsonValue(value, '', 0);
  return value;
}

const INVALID = Symbol('invalid JSON');

/** JSON.parse, or INVALID: the lossless parser then words the refusal. */
function parseNative(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return INVALID;
  }
}

/**
 * One linear pass over the text, strings skipped: how deep arrays and objects open, how many keys
 * (colons) and how many number literals (a digit or minus sign outside strings) it holds.
 */
function scanJsonText(text: string): { maxDepth: number; keys: number; numbers: number } {
  let depth = 0;
  let maxDepth = 0;
  let keys = 0;
  let numbers = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      // Deeper than anything accepted: stop, the document is refused whatever follows.
      if (++depth > maxDepth && (maxDepth = depth) > MAX_JSON_DEPTH + 1) break;
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x3a) keys++;
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) numbers++;
  }
  return { maxDepth, keys, numbers };
}

/** Refuses what PostgreSQL cannot store; answers how many object keys the value holds. */
function checkJsonValue(value: unknown, path: string, depth: number): number {
  if (depth > MAX_JSON_DEPTH) {
    throw Problem.field(path || '(body)', `is nested more than ${MAX_JSON_DEPTH} levels deep`);
  }
  if (typeof value === 'string') {
    if (value.length > MAX_STRING_LENGTH) throw Problem.field(path, `is longer than ${MAX_STRING_LENGTH} characters`);
    if (value.includes('\u0000')) throw Problem.field(path, 'must not contain NUL characters');
    if (!value.isWellFormed()) throw Problem.field(path, 'is not well-formed Unicode (lone surrogate)');
    return 0;
  }
  let keys = 0;
  if (Array.isArray(value)) {
    value.forEach((item, index) => (keys += checkJsonValue(item, `${path}[${index}]`, depth + 1)));
  } else if (value !== null && typeof value === 'object' && !(value instanceof JsonNumber)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) throw Problem.field(path || '(body)', 'has a key with a NUL character');
      const keyPath = path ? `${path}.${key}` : key;
      // class-transformer silently drops these two keys, so the validator could never refuse them as
      // unknown fields; no request has such a field, and they are the classic prototype-pollution payload.
      if (key === '__proto__' || key === 'constructor') throw Problem.field(keyPath, 'is not a known field');
      keys += 1 + checkJsonValue(item, keyPath, depth + 1);
    }
  }
  return keys;
}

/**
 * The same refusal for query strings: a NUL character (`%00`) in a filter would reach PostgreSQL, which
 * rejects it in text with an error that is no client's business (a 500 otherwise).
 */
export function checkQueryText(query: unknown): void {
  if (query === null || typeof query !== 'object') return;
  for (const [key, value] of Object.entries(query)) {
    if (key.includes('\u0000')) throw Problem.field('(query)', 'has a parameter name with a NUL character');
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item !== 'string') continue;
      if (item.includes('\u0000')) throw Problem.field(key, 'must not contain NUL characters');
      if (!item.isWellFormed()) throw Problem.field(key, 'is not well-formed Unicode (lone surrogate)');
    }
  }
}
