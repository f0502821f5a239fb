/** IPv4 CIDR blocks, for the lake's VPC settings: parsed, sized and checked for overlap (peered VPCs must not). */

/** An IPv4 CIDR block. */
export interface Cidr {
  /** First address, as an unsigned 32-bit integer. */
  readonly base: number;
  /** Prefix length, 0 to 32. */
  readonly mask: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n` with the host bits zero; undefined when it is not one. */
export function parseCidr(text: string): Cidr | undefined {
  const match = CIDR.exec(text);
  if (match === null) return undefined;
  const [a, b, c, d, m] = match.slice(1).map(Number) as [number, number, number, number, number];
  if ([a, b, c, d].some((octet) => octet > 255) || m > 32) return undefined;
  const base = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
  const hostBits = m === 0 ? 0xffffffff : m === 32 ? 0 : (2 ** (32 - m) - 1);
  if ((base & hostBits) >>> 0 !== 0) return undefined;
  return { base, mask: m };
}

/** True when two blocks share an address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const mask = Math.min(a.mask, b.mask);
  const shift = 32 - mask;
  return mask === 0 || a.base >>> shift === b.base >>> shift;
}
