/** Plain-text output helpers: aligned tables, dates, shell-safe hints, terminal-safe text. */

/**
 * What must never reach a terminal raw from stored data: C0 controls (ESC starts escape sequences
 * that clear the screen, retitle the window, write the clipboard…; BEL, BS, CR, LF rewrite lines),
 * DEL, C1 controls (U+009B is a one-character CSI on some terminals), lone UTF-16 surrogates, and
 * the bidi embedding/override/isolate controls that reorder what is shown.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/gu;
/** The same class, for `test` (a global regex keeps state between calls). */
const HAS_UNPRINTABLE = new RegExp(UNPRINTABLE.source, 'u');

const hex = (code: number, digits: number) => code.toString(16).toUpperCase().padStart(digits, '0');

/** `\x1B` for C0/DEL/C1, `\u202E` / `\uD800` beyond: visible, and never interpreted by a terminal. */
const visibleEscape = (character: string): string => {
  const code = character.charCodeAt(0);
  return code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
};

/**
 * User-controlled text (names, emails, metadata, CSV cells) made safe to print in human-readable
 * output: every unprintable character becomes a visible escape such as `\x1B`. One line stays one line.
 */
export const printable = (value: string | null | undefined): string =>
  (value ?? '').replace(UNPRINTABLE, visibleEscape);

/**
 * Pretty JSON for `--json`: exactly `JSON.stringify`'s value, but with DEL, C1 and bidi controls
 * written as `\u` escapes too (JSON.stringify already escapes C0 controls and lone surrogates, not
 * those), so JSON printed on a terminal cannot drive it either. Parses to the same value.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007F-\u009F\u202A-\u202E\u2066-\u2069]/gu,
    (character) => `\\u${hex(character.charCodeAt(0), 4).toLowerCase()}`,
  );
}

/** `2026-01-01T10:20:30.000Z` → `2026-01-01 10:20` (UTC); `-` for none. */
export const shortDate = (iso: string | null | undefined): string =>
  iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '-';

/** Columns padded to their widest cell; the last column is not padded. Every cell is made `printable`. */
export function table(rawHeaders: string[], rawRows: string[][]): string {
  const headers = rawHeaders.map(printable);
  const rows = rawRows.map((row) => row.map(printable));
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/**
 * Quotes an argument for a POSIX shell when it needs it, so printed commands can be pasted. Text
 * with unprintable characters is written as `$'…'` with escapes (bash, zsh, ksh, POSIX 2024 sh),
 * so the printed command neither drives the terminal nor changes the argument.
 */
export const shellQuote = (value: string): string => {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  if (!HAS_UNPRINTABLE.test(value)) return `'${value.replace(/'/g, `'\\''`)}'`;
  const escaped = Array.from(value, (character) => {
    if (character === '\\' || character === "'") return `\\${character}`;
    return HAS_UNPRINTABLE.test(character) ? visibleEscape(character) : character;
  }).join('');
  return `$'${escaped}'`;
};

export const plural = (count: number, one: string, many = `${one}s`): string =>
  `${count} ${count === 1 ? one : many}`;
