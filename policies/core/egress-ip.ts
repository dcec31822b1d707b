/**
 * Address ranges for egress judgements: CIDR parsing with ipaddr.js into integer intervals, and
 * unions of intervals that answer "is this range entirely covered?".
 *
 * IPv4 and IPv6 are separate spaces. Security groups match a packet by its own family, so an
 * IPv4-mapped IPv6 range (`::ffff:0:0/96`) is IPv6 space: it is neither exempted by IPv4 entries
 * nor does it exempt IPv4 destinations. Only the spellings the EC2 API accepts are parsed: IPv4 in
 * four-part decimal (no octal, hex or short forms, which ipaddr.js would read differently from
 * AWS), IPv6 in any RFC 4291 form including embedded IPv4, without a zone id.
 */
import * as ipaddr from "ipaddr.js";

export type IpFamily = "ipv4" | "ipv6";

/** An inclusive interval of addresses of one family, as integers. */
export interface IpRange {
  family: IpFamily;
  first: bigint;
  last: bigint;
  /** The prefix length the range was written with (32 or 128 for a bare address). */
  prefix: number;
}

const FAMILY_BITS: Record<IpFamily, number> = { ipv4: 32, ipv6: 128 };

function toBigInt(bytes: number[]): bigint {
  let n = 0n;
  for (const b of bytes) {
    n = (n << 8n) | BigInt(b);
  }
  return n;
}

function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (text.includes(":")) {
    if (text.includes("%") || !ipaddr.IPv6.isValid(text)) {
      return undefined;
    }
    return ipaddr.IPv6.parse(text);
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) {
    return undefined;
  }
  return ipaddr.IPv4.parse(text);
}

/**
 * Parses `a.b.c.d/n`, an IPv6 `x::y/n`, or a bare address (a /32 or /128). Host bits below the
 * prefix are ignored, as the range is the network the prefix names. Returns undefined when the
 * text is not one of these.
 */
export function parseCidr(text: string): IpRange | undefined {
  if (typeof text !== "string") {
    return undefined;
  }
  const slash = text.indexOf("/");
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
  const address = parseAddress(addressText);
  if (address === undefined) {
    return undefined;
  }
  const family = address.kind();
  const bits = FAMILY_BITS[family];
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) {
      return undefined;
    }
    prefix = Number(prefixText);
    if (prefix > bits) {
      return undefined;
    }
  }
  const hostBits = BigInt(bits - prefix);
  const value = toBigInt(address.toByteArray());
  const first = (value >> hostBits) << hostBits;
  const last = first + (1n << hostBits) - 1n;
  return { family, first, last, prefix };
}

/** A union of ranges, merged per family into sorted, disjoint, non-adjacent intervals. */
export class IpRangeSet {
  private readonly merged: Record<IpFamily, IpRange[]> = { ipv4: [], ipv6: [] };

  constructor(ranges: readonly IpRange[]) {
    for (const family of ["ipv4", "ipv6"] as const) {
      const sorted = ranges
        .filter((r) => r.family === family)
        .slice()
        .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
      const out: IpRange[] = [];
      for (const r of sorted) {
        const top = out[out.length - 1];
        if (top !== undefined && r.first <= top.last + 1n) {
          if (r.last > top.last) {
            top.last = r.last;
          }
        } else {
          out.push({ ...r });
        }
      }
      this.merged[family] = out;
    }
  }

  /** True when every address of `range` lies in the union. */
  covers(range: IpRange): boolean {
    // Merged intervals are disjoint and non-adjacent, so a covered range sits inside exactly one.
    return this.merged[range.family].some((m) => m.first <= range.first && range.last <= m.last);
  }

  /** True when the union holds no address of `family`. */
  isEmpty(family: IpFamily): boolean {
    return this.merged[family].length === 0;
  }

  /** True when the union is the whole address space of `family`. */
  coversAll(family: IpFamily): boolean {
    const max = (1n << BigInt(FAMILY_BITS[family])) - 1n;
    return this.covers({ family, first: 0n, last: max, prefix: 0 });
  }
}
