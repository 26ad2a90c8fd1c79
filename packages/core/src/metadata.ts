/**
 * Checks of free-form input that PostgreSQL or the ORM would otherwise choke on (a 500 instead of
 * a 400). Browser-safe: no Node built-ins, used by the zod schemas that forms share.
 *
 * Why these exist:
 * - A lone UTF-16 surrogate (`"\ud800"`) cannot be encoded as UTF-8. In a `text` column the pg
 *   driver silently sends U+FFFD instead (the stored value differs from the input); in `jsonb`,
 *   `JSON.stringify` keeps it as the escape `\ud800`, which PostgreSQL refuses (22P02).
 * - PostgreSQL text and jsonb cannot hold NUL (U+0000).
 * - Deeply nested JSON (thousands of levels fit in a few KiB) overflows the stack of the ORM's
 *   recursive clone; the limits below stop it before any recursion deeper than the maximum depth.
 */

/** A lone (unpaired) surrogate: with the `u` flag a well-formed pair is one code point and never matches. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** C0 controls (NUL, BEL, ESC, …), DEL and C1 controls (CSI U+009B, OSC U+009D, …). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001F\u007F-\u009F]/u;

/** `String.prototype.isWellFormed` (ES2024), without needing that lib or a recent browser. */
export const isWellFormed = (value: string): boolean => !LONE_SURROGATE.test(value);

export const hasControlCharacter = (value: string): boolean => CONTROL_CHARACTER.test(value);

export const METADATA_LIMITS = {
  /** Nesting levels of objects and arrays; the metadata object itself is level 1. */
  maxDepth: 8,
  /** Keys of all objects together. */
  maxKeys: 100,
  /** Keys of any one object. */
  maxKeysPerObject: 50,
  /** Items of any one array. */
  maxArrayItems: 100,
  /** Characters (UTF-16 code units) of a key. */
  maxKeyLength: 100,
  /** Characters (UTF-16 code units) of a string value. */
  maxStringLength: 2_000,
  /** Characters of the whole value as JSON. */
  maxJsonLength: 16_384,
} as const;

export interface MetadataIssue {
  /** Where, below the metadata object: keys and array indexes. */
  path: (string | number)[];
  message: string;
}

/** Stop after this many issues: a hostile value must not make a long report. */
const MAX_ISSUES = 10;

const isPlainObject = (value: object): boolean => {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
};

const describe = (value: unknown): string => {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'an object';
  return `a ${typeof value}`;
};

/**
 * The problems of a metadata value, none when it is a plain JSON object within the limits: only
 * null, booleans, finite numbers, strings, arrays and plain objects, with well-formed strings and
 * keys without NUL (keys also without any control character). Never recurses deeper than
 * `maxDepth` + 1, whatever the input, and stops early once there are issues.
 */
export function metadataIssues(metadata: Record<string, unknown>): MetadataIssue[] {
  const limits = METADATA_LIMITS;
  const issues: MetadataIssue[] = [];
  let keys = 0;
  const add = (path: (string | number)[], message: string) => {
    issues.push({ path: [...path], message });
  };

  const checkString = (value: string, path: (string | number)[], what: string) => {
    if (value.length > limits.maxStringLength) {
      add(path, `metadata ${what} must be at most ${limits.maxStringLength} characters`);
    }
    if (value.includes('\u0000')) add(path, `metadata ${what} must not contain NUL characters`);
    if (!isWellFormed(value)) {
      add(path, `metadata ${what} must be well-formed Unicode (no lone surrogate)`);
    }
  };

  const walk = (value: unknown, path: (string | number)[], depth: number): void => {
    if (issues.length >= MAX_ISSUES) return;
    if (value === null || typeof value === 'boolean') return;
    if (typeof value === 'string') {
      checkString(value, path, 'strings');
      return;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) add(path, `metadata numbers must be finite (got ${describe(value)})`);
      return;
    }
    if (typeof value !== 'object') {
      add(path, `metadata must hold JSON values only (got ${describe(value)})`);
      return;
    }
    if (depth > limits.maxDepth) {
      add(path, `metadata must be nested at most ${limits.maxDepth} levels deep`);
      return;
    }
    if (Array.isArray(value)) {
      if (value.length > limits.maxArrayItems) {
        add(path, `metadata arrays must have at most ${limits.maxArrayItems} items`);
        return;
      }
      for (let index = 0; index < value.length && issues.length < MAX_ISSUES; index += 1) {
        // A hole of a sparse array is `null` in JSON: refused like `undefined`.
        walk(index in value ? value[index] : undefined, [...path, index], depth + 1);
      }
      return;
    }
    if (!isPlainObject(value)) {
      add(path, `metadata must hold JSON values only (got ${describe(value)})`);
      return;
    }
    if (Object.getOwnPropertySymbols(value).length > 0) {
      add(path, 'metadata keys must be strings');
      return;
    }
    const names = Object.keys(value);
    if (names.length > limits.maxKeysPerObject) {
      add(path, `metadata objects must have at most ${limits.maxKeysPerObject} keys`);
      return;
    }
    keys += names.length;
    if (keys > limits.maxKeys) {
      add([], `metadata must have at most ${limits.maxKeys} keys in total`);
      return;
    }
    for (const name of names) {
      if (issues.length >= MAX_ISSUES) return;
      const at = [...path, name];
      if (name.length > limits.maxKeyLength) {
        add(at, `metadata keys must be at most ${limits.maxKeyLength} characters`);
      }
      if (hasControlCharacter(name)) add(at, 'metadata keys must not contain control characters');
      if (!isWellFormed(name)) add(at, 'metadata keys must be well-formed Unicode (no lone surrogate)');
      if (name === '__proto__') add(at, 'metadata keys must not be "__proto__"');
      walk((value as Record<string, unknown>)[name], at, depth + 1);
    }
  };

  walk(metadata, [], 1);
  if (issues.length === 0 && JSON.stringify(metadata).length > limits.maxJsonLength) {
    add([], `metadata must be at most ${limits.maxJsonLength / 1024} KiB of JSON`);
  }
  return issues.slice(0, MAX_ISSUES);
}
