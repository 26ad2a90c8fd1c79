import { isIPv4, isIPv6 } from 'node:net';

/**
 * The throttling key of a client IP. An IPv4 address (also written IPv4-mapped, `::ffff:1.2.3.4`)
 * is the address itself. An IPv6 address is reduced to its /64 prefix: one host usually holds a
 * whole /64, so counting per address would let it rotate through 2^64 addresses and never be
 * throttled. `::` compression, letter case, leading zeros and a zone (`%eth0`) are normalised away,
 * so every spelling of one prefix gives one key, e.g. `2001:db8:0:1::/64`. No IP gives `unknown`.
 */
export function throttleKeyOfIp(ip: string | null | undefined): string {
  const given = ip?.trim() ?? '';
  if (!given) return 'unknown';
  if (isIPv4(given)) return given;
  // Node gives IPv6 peers unbracketed; tolerate the bracketed URL form and a zone id.
  const bare = given.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (!isIPv6(bare)) return given.toLowerCase();
  const groups = ipv6Groups(bare);
  if (isIpv4Mapped(groups)) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return `${compress(groups.slice(0, 4))}/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (with `::` and a dotted IPv4 tail expanded). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = text.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted?.[1] && dotted[2]) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted[2].split('.').map(Number);
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part ? part.split(':').map((group) => Number.parseInt(group, 16)) : []);
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** `::ffff:a.b.c.d`: the first 80 bits zero, then 0xffff. */
const isIpv4Mapped = (groups: number[]) =>
  groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;

/** The first four groups as the network of a /64, in RFC 5952 form (`2001:db8::`, `::`). */
function compress(prefix: number[]): string {
  const full = [...prefix, 0, 0, 0, 0].map((group) => group.toString(16));
  // Longest run of two or more zero groups (the first one on a tie) becomes `::`.
  let bestStart = -1;
  let bestLength = 0;
  for (let start = 0; start < full.length; ) {
    if (full[start] !== '0') {
      start += 1;
      continue;
    }
    let end = start;
    while (end < full.length && full[end] === '0') end += 1;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end;
  }
  if (bestLength < 2) return full.join(':');
  return `${full.slice(0, bestStart).join(':')}::${full.slice(bestStart + bestLength).join(':')}`;
}
