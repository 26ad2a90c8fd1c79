import { describe, expect, it } from 'vitest';
import { throttleKeyOfIp } from '../src/throttle/client-key.js';

describe('throttleKeyOfIp', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(throttleKeyOfIp('203.0.113.7')).toBe('203.0.113.7');
    expect(throttleKeyOfIp('127.0.0.1')).toBe('127.0.0.1');
  });

  it('reads an IPv4-mapped IPv6 address as its IPv4 address, however it is written', () => {
    expect(throttleKeyOfIp('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(throttleKeyOfIp('::FFFF:203.0.113.7')).toBe('203.0.113.7');
    expect(throttleKeyOfIp('0:0:0:0:0:ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(throttleKeyOfIp('::ffff:cb00:7107')).toBe('203.0.113.7');
  });

  it('reduces IPv6 to its /64, so one host cannot rotate through its addresses', () => {
    const key = throttleKeyOfIp('2001:db8:0:1::1');
    expect(key).toBe('2001:db8:0:1::/64');
    for (const sameNetwork of [
      '2001:db8:0:1::2',
      '2001:db8:0:1:ffff:ffff:ffff:ffff',
      '2001:0db8:0000:0001:1234:5678:9abc:def0',
      '2001:DB8:0:1:AB::CD',
      '2001:db8::1:0:0:0:7',
      '[2001:db8:0:1::9]',
      '2001:db8:0:1::9%eth0',
    ]) {
      expect(throttleKeyOfIp(sameNetwork), sameNetwork).toBe(key);
    }
    expect(throttleKeyOfIp('2001:db8:0:2::1')).toBe('2001:db8:0:2::/64');
    expect(throttleKeyOfIp('2001:db8:1:1::1')).not.toBe(key);
  });

  it('writes the prefix in one canonical form (RFC 5952: lower case, no leading zeros, longest :: run)', () => {
    expect(throttleKeyOfIp('2001:db8::1')).toBe('2001:db8::/64');
    expect(throttleKeyOfIp('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::/64');
    expect(throttleKeyOfIp('fe80::1')).toBe('fe80::/64');
    expect(throttleKeyOfIp('::1')).toBe('::/64');
    expect(throttleKeyOfIp('0:0:1:0::5')).toBe('0:0:1::/64');
    expect(throttleKeyOfIp('2001:db8:a:b:c:d:e:f')).toBe('2001:db8:a:b::/64');
  });

  it('gives "unknown" when there is no IP', () => {
    expect(throttleKeyOfIp(null)).toBe('unknown');
    expect(throttleKeyOfIp(undefined)).toBe('unknown');
    expect(throttleKeyOfIp('')).toBe('unknown');
    expect(throttleKeyOfIp('  ')).toBe('unknown');
  });
});
