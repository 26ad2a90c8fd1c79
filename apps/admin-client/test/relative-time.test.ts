import { describe, expect, it } from 'vitest';
import { expiryText, relativeTime } from '../src/lib/relative-time.js';

const now = new Date('2026-12-02T12:00:00.000Z');
const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
const DAY = 24 * 3600 * 1000;

describe('relative times', () => {
  it('says how far ahead or behind, in the largest unit that fits', () => {
    expect(relativeTime(at(6 * DAY + 3600_000), now)).toBe('in 6 days');
    expect(relativeTime(at(-2 * DAY), now)).toBe('2 days ago');
    expect(relativeTime(at(-3 * 3600_000), now)).toBe('3 hours ago');
    expect(relativeTime(at(70_000), now)).toBe('in 1 minute');
    expect(relativeTime(at(-(2 * DAY - 60_000)), now)).toBe('2 days ago');
    expect(relativeTime(at(0), now)).toBe('now');
  });

  it('words an invite expiry by whether it has passed', () => {
    expect(expiryText(at(6 * DAY + 60_000), now)).toBe('expires in 6 days');
    expect(expiryText(at(-2 * DAY - 60_000), now)).toBe('expired 2 days ago');
    expect(expiryText(at(-1 * DAY), now)).toBe('expired yesterday');
  });
});
