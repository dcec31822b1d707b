/**
 * DNS as a receiver sees it: lookups through one resolver (the system's, or the one given with
 * `--resolver`), never a DNS provider's API. Each answer says whether the name was missing
 * (NXDOMAIN), had no records of the type (NODATA) or could not be looked up, because the checks
 * report those differently.
 *
 * CNAMEs are followed here rather than left to the server: a recursive resolver returns the
 * target's records with the CNAME, but an authoritative server answers only from its own zones and
 * returns the CNAME alone when the target lies in another zone. When an answer holds no records of
 * the type asked for, the name's CNAME is looked up and its target asked in turn.
 */
import { promises as dnsPromises } from "dns";
import * as net from "net";
import { bareName } from "../../policies/core/domain";

export type DnsStatus = "ok" | "nxdomain" | "nodata" | "error";

export interface DnsAnswer<T> {
  /** The name asked for, lower case, without a trailing dot. */
  name: string;
  status: DnsStatus;
  /** The records (empty unless status is ok). */
  records: T[];
  /** CNAME targets followed from `name`, in order; the last is where the records were found. */
  chain: string[];
  /** For status error: the resolver's error code (ETIMEOUT, ESERVFAIL, EREFUSED, ...). */
  error?: string;
}

export interface MxRecord {
  priority: number;
  /** The exchange host, lower case without a trailing dot; "." for a null MX (RFC 7505). */
  exchange: string;
}

/** The queries verify makes. */
export interface DnsLookup {
  /** TXT values, each joined from its character-strings (RFC 7208 3.3, RFC 6376 3.6.2.2). */
  txt(name: string): Promise<DnsAnswer<string>>;
  /** The CNAME at the name itself, not followed. */
  cname(name: string): Promise<DnsAnswer<string>>;
  a(name: string): Promise<DnsAnswer<string>>;
  aaaa(name: string): Promise<DnsAnswer<string>>;
  mx(name: string): Promise<DnsAnswer<MxRecord>>;
  ptr(name: string): Promise<DnsAnswer<string>>;
  /** The resolver, for the report: `system` or `HOST:PORT`. */
  readonly server: string;
}

/** How many CNAMEs a lookup follows before giving up (a loop or a very long chain). */
export const MAX_CNAME_CHAIN = 8;

type RecordType = "TXT" | "CNAME" | "A" | "AAAA" | "MX" | "PTR";

/** A resolver address from `HOST[:PORT]`: an IPv4 or IPv6 address (IPv6 with a port in brackets). */
export function parseResolverAddress(text: string): { host: string; port: number } | undefined {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    return net.isIPv6(bracketed[1]) ? withPort(bracketed[1], bracketed[2]) : undefined;
  }
  if (net.isIPv6(text)) return { host: text, port: 53 };
  const m = /^([^:]+)(?::(\d+))?$/.exec(text);
  if (!m || !net.isIPv4(m[1])) return undefined;
  return withPort(m[1], m[2]);
}

function withPort(
  host: string,
  port: string | undefined,
): { host: string; port: number } | undefined {
  const n = port === undefined ? 53 : Number(port);
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? { host, port: n } : undefined;
}

export interface LiveDnsOptions {
  /** `HOST[:PORT]` of the resolver to ask; default: the system's resolvers. */
  server?: string;
  /** Milliseconds per try. Default 3000. */
  timeoutMs?: number;
  /** Tries per server. Default 2. */
  tries?: number;
}

function errorCode(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === "string" ? code : String(e);
}

/**
 * Lookups through Node's resolver (c-ares), with answers cached for the run: the checks and the SPF
 * evaluation ask for many names more than once.
 */
export class LiveDns implements DnsLookup {
  readonly server: string;
  private readonly resolver: dnsPromises.Resolver;
  private readonly cache = new Map<string, Promise<DnsAnswer<unknown>>>();

  constructor(options: LiveDnsOptions = {}) {
    this.resolver = new dnsPromises.Resolver({
      timeout: options.timeoutMs ?? 3000,
      tries: options.tries ?? 2,
    });
    if (options.server !== undefined) {
      const address = parseResolverAddress(options.server);
      if (address === undefined) {
        throw new Error(`${options.server} is not a resolver address (IP[:PORT])`);
      }
      const hostPart = net.isIPv6(address.host) ? `[${address.host}]` : address.host;
      this.resolver.setServers([`${hostPart}:${address.port}`]);
      this.server = `${hostPart}:${address.port}`;
    } else {
      this.server = "system";
    }
  }

  txt(name: string): Promise<DnsAnswer<string>> {
    return this.lookup("TXT", name) as Promise<DnsAnswer<string>>;
  }
  cname(name: string): Promise<DnsAnswer<string>> {
    return this.lookup("CNAME", name) as Promise<DnsAnswer<string>>;
  }
  a(name: string): Promise<DnsAnswer<string>> {
    return this.lookup("A", name) as Promise<DnsAnswer<string>>;
  }
  aaaa(name: string): Promise<DnsAnswer<string>> {
    return this.lookup("AAAA", name) as Promise<DnsAnswer<string>>;
  }
  mx(name: string): Promise<DnsAnswer<MxRecord>> {
    return this.lookup("MX", name) as Promise<DnsAnswer<MxRecord>>;
  }
  ptr(name: string): Promise<DnsAnswer<string>> {
    return this.lookup("PTR", name) as Promise<DnsAnswer<string>>;
  }

  private lookup(type: RecordType, name: string): Promise<DnsAnswer<unknown>> {
    const key = `${type} ${bareName(name)}`;
    let answer = this.cache.get(key);
    if (answer === undefined) {
      answer =
        type === "CNAME" ? this.ask(type, bareName(name)) : this.follow(type, bareName(name));
      this.cache.set(key, answer);
    }
    return answer;
  }

  /** Asks for `type` at `name`, following CNAMEs when the answer has no records of the type. */
  private async follow(type: RecordType, name: string): Promise<DnsAnswer<unknown>> {
    const chain: string[] = [];
    let current = name;
    for (;;) {
      const answer = await this.ask(type, current);
      if (answer.status === "ok" || answer.status === "error") return { ...answer, name, chain };
      const alias = await this.ask("CNAME", current);
      if (alias.status !== "ok") return { ...answer, name, chain };
      const target = bareName(alias.records[0] as string);
      if (chain.includes(target) || target === name || chain.length >= MAX_CNAME_CHAIN) {
        return { name, status: "error", records: [], chain, error: "CNAME loop or chain too long" };
      }
      chain.push(target);
      current = target;
    }
  }

  /** One query, no CNAME following. */
  private async ask(type: RecordType, name: string): Promise<DnsAnswer<unknown>> {
    let records: unknown[];
    try {
      records = await this.query(type, name);
    } catch (e) {
      const code = errorCode(e);
      if (code === "ENOTFOUND") return { name, status: "nxdomain", records: [], chain: [] };
      if (code === "ENODATA") return { name, status: "nodata", records: [], chain: [] };
      return { name, status: "error", records: [], chain: [], error: code };
    }
    // c-ares answers "success, no records" when the answer holds only a CNAME to another zone.
    if (records.length === 0) return { name, status: "nodata", records: [], chain: [] };
    return { name, status: "ok", records, chain: [] };
  }

  private async query(type: RecordType, name: string): Promise<unknown[]> {
    switch (type) {
      case "TXT":
        return (await this.resolver.resolveTxt(name)).map((strings) => strings.join(""));
      case "CNAME":
        return (await this.resolver.resolveCname(name)).map(bareName);
      case "A":
        return this.resolver.resolve4(name);
      case "AAAA":
        return this.resolver.resolve6(name);
      case "MX":
        return (await this.resolver.resolveMx(name))
          .map((r) => ({ priority: r.priority, exchange: bareName(r.exchange) || "." }))
          .sort((x, y) => x.priority - y.priority || x.exchange.localeCompare(y.exchange));
      case "PTR":
        return (await this.resolver.resolvePtr(name)).map(bareName);
    }
  }
}

/** How an answer reads in a report: `NXDOMAIN`, `no TXT record`, `lookup failed (ETIMEOUT)`. */
export function describeMiss(answer: DnsAnswer<unknown>, type: string): string {
  const via = answer.chain.length > 0 ? ` (via CNAME ${answer.chain.join(" -> ")})` : "";
  switch (answer.status) {
    case "nxdomain":
      return `${answer.name} does not exist (NXDOMAIN)${via}`;
    case "nodata":
      return `no ${type} record at ${answer.name}${via}`;
    case "error":
      return `the ${type} lookup of ${answer.name} failed (${answer.error ?? "error"})${via}`;
    case "ok":
      return `${answer.records.length} ${type} record(s) at ${answer.name}${via}`;
  }
}
