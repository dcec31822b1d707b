/**
 * SPF evaluation (RFC 7208 check_host) against a resolver given by the caller. The core does no
 * networking: offline plans and tests answer from fixtures. The grammar it relies on is spf.ts's.
 */
import * as ipaddr from "ipaddr.js";
import { bareName, checkDomainName } from "./domain";
import { EXPLAIN_ONLY_MACRO_LETTERS, SpfQualifier, SpfTerm, analyzeSpf, isSpfRecord } from "./spf";

export type SpfResult =
  "none" | "neutral" | "pass" | "fail" | "softfail" | "temperror" | "permerror";

/** Thrown by a resolver for a temporary DNS failure (timeout, SERVFAIL): the result is temperror. */
export class SpfTempError extends Error {}

/** The record types a void lookup (RFC 7208 4.6.4) can be counted for. */
export type SpfVoidType = "A" | "AAAA" | "MX" | "PTR";

/** DNS answers for check_host. Each method returns [] for NXDOMAIN or no answers. */
export interface SpfResolver {
  /** TXT values at the name, each already joined from its strings. */
  txt(name: string): string[];
  a(name: string): string[];
  aaaa(name: string): string[];
  /** Exchange host names, in preference order. */
  mx(name: string): string[];
  /** PTR targets of an `in-addr.arpa` / `ip6.arpa` name. */
  ptr(name: string): string[];
  /**
   * Optional: whether an empty answer for `name` is a void lookup (RFC 7208 4.6.4). A resolver
   * that cannot tell whether the name has records (it answers [] for what it does not know) says
   * false, and the lookup is not counted against the limit of 2. Without it, every empty answer is
   * a void lookup.
   */
  isVoid?(name: string, type: SpfVoidType): boolean;
}

export interface SpfCheckRequest {
  /** The SMTP client's address (IPv4 or IPv6; IPv4-mapped IPv6 is treated as IPv4). */
  ip: string;
  /** The MAIL FROM address; empty for bounces (then HELO is checked). */
  mailFrom: string;
  helo: string;
  /** The receiving host, for the `%{r}` macro; default "unknown". */
  receiver?: string;
  /** Seconds since the epoch, for the `%{t}` macro; default now. */
  timestamp?: number;
}

/** What a permerror came from. */
export type SpfErrorKind =
  /** An include or redirect reaches a domain whose record is being evaluated: it never ends. */
  | "loop"
  /** More than 10 DNS-querying terms. */
  | "lookup-limit"
  /** More than 2 void lookups. */
  | "void-limit"
  /** More than 10 MX hosts for an `mx` term. */
  | "mx-limit"
  /** Several SPF records at one name. */
  | "multiple-records"
  /** An include or redirect target without an SPF record. */
  | "no-record"
  /** A record that does not parse, or a macro that does not expand. */
  | "invalid-record";

/** Where a permerror arose, for callers that explain it. */
export interface SpfError {
  kind: SpfErrorKind;
  /**
   * The include/redirect chain from the checked domain to the record where evaluation stopped
   * (lower case, no trailing dot).
   */
  chain: string[];
  /** The term of that record that caused it, as written (absent for record-level errors). */
  term?: string;
  /** The name the term queried, after macro expansion: for a loop, the domain reached again. */
  target?: string;
}

/** One step of an evaluation: a term of the record at `domain`. */
export interface SpfStep {
  /** The domain whose record holds the term. */
  domain: string;
  /** The term as written. */
  term: string;
  /** The name it queried, after macro expansion (void lookups only). */
  target?: string;
}

export interface SpfCheckResult {
  result: SpfResult;
  /** The publisher's explanation (`exp=`) for a fail, when it could be expanded. */
  explanation?: string;
  /** Why evaluation ended as it did. */
  reason: string;
  /** For a permerror: what it came from and where. */
  error?: SpfError;
  /** Every DNS-querying term evaluated, in order, the one over the limit included. */
  lookups?: SpfStep[];
  /** The lookups that were void, in order, the one over the limit included. */
  voids?: SpfStep[];
  /** Every mechanism that matched, at any depth, in the order they matched (inner first). */
  matches?: SpfStep[];
}

type SpfErrorDetail = Omit<SpfError, "chain"> & { chain: readonly string[] };

class SpfPermError extends Error {
  readonly detail: SpfError;
  constructor(message: string, detail: SpfErrorDetail) {
    super(message);
    this.detail = { ...detail, chain: [...detail.chain] };
  }
}

const QUALIFIER_RESULT: Record<SpfQualifier, SpfResult> = {
  "+": "pass",
  "-": "fail",
  "~": "softfail",
  "?": "neutral",
};
const MAX_VOID_LOOKUPS = 2;
const MAX_NAME_LOOKUPS = 10;

type Address = ipaddr.IPv4 | ipaddr.IPv6;

function urlEscape(value: string): string {
  return [...Buffer.from(value, "utf8")]
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

function nibbles(ip: ipaddr.IPv6): string[] {
  return ip.toByteArray().flatMap((b) => [(b >> 4).toString(16), (b & 15).toString(16)]);
}

function reverseName(ip: Address): string {
  return ip.kind() === "ipv4"
    ? `${ip.toByteArray().reverse().join(".")}.in-addr.arpa`
    : `${nibbles(ip as ipaddr.IPv6)
        .reverse()
        .join(".")}.ip6.arpa`;
}

function truncateDomain(name: string): string {
  let n = name;
  while (n.replace(/\.$/, "").length > 253 && n.includes(".")) n = n.slice(n.indexOf(".") + 1);
  return n;
}

class Evaluation {
  lookups = 0;
  voids = 0;
  readonly lookupSteps: SpfStep[] = [];
  readonly voidSteps: SpfStep[] = [];
  readonly matchSteps: SpfStep[] = [];
  /** The domains whose records are being evaluated, outermost first (include and redirect). */
  private readonly chain: string[] = [];
  private validated?: string;

  constructor(
    private readonly resolver: SpfResolver,
    private readonly ip: Address,
    private readonly local: string,
    private readonly senderDomain: string,
    private readonly request: SpfCheckRequest,
  ) {}

  private countLookup(term: SpfTerm, domain: string): void {
    this.lookups++;
    this.lookupSteps.push({ domain, term: term.text });
    if (this.lookups > MAX_NAME_LOOKUPS) {
      throw new SpfPermError(`more than ${MAX_NAME_LOOKUPS} DNS-querying terms`, {
        kind: "lookup-limit",
        chain: this.chain,
        term: term.text,
      });
    }
  }

  private countVoid(
    answers: unknown[],
    term: SpfTerm,
    domain: string,
    name: string,
    type: SpfVoidType,
  ): void {
    if (answers.length > 0 || this.resolver.isVoid?.(name, type) === false) return;
    this.voids++;
    this.voidSteps.push({ domain, term: term.text, target: name });
    if (this.voids > MAX_VOID_LOOKUPS) {
      throw new SpfPermError(`more than ${MAX_VOID_LOOKUPS} void lookups`, {
        kind: "void-limit",
        chain: this.chain,
        term: term.text,
        target: name,
      });
    }
  }

  private addressType(): "A" | "AAAA" {
    return this.ip.kind() === "ipv4" ? "A" : "AAAA";
  }

  private addresses(name: string): Address[] {
    const texts = this.ip.kind() === "ipv4" ? this.resolver.a(name) : this.resolver.aaaa(name);
    return texts.filter((t) => ipaddr.isValid(t)).map((t) => ipaddr.parse(t));
  }

  private matches(addresses: Address[], cidr4?: number, cidr6?: number): boolean {
    const bits = this.ip.kind() === "ipv4" ? (cidr4 ?? 32) : (cidr6 ?? 128);
    return addresses.some((a) => a.kind() === this.ip.kind() && this.ip.match(a, bits));
  }

  /** The `%{p}` name: a PTR name of the client whose addresses include it (RFC 7208 5.5). */
  private validatedName(domain: string): string {
    if (this.validated !== undefined) return this.validated;
    let found: string[] = [];
    try {
      const names = this.resolver.ptr(reverseName(this.ip)).slice(0, 10);
      found = names.filter((n) => this.matches(this.addresses(n)));
    } catch {
      found = [];
    }
    const d = bareName(domain);
    const best =
      found.find((n) => bareName(n) === d) ??
      found.find((n) => bareName(n).endsWith(`.${d}`)) ??
      found[0];
    this.validated = best === undefined ? "unknown" : bareName(best);
    return this.validated;
  }

  private macroError(message: string): SpfPermError {
    return new SpfPermError(message, { kind: "invalid-record", chain: this.chain });
  }

  /** Expands a macro-string (RFC 7208 7). Throws SpfPermError on a syntax error. */
  expand(text: string, domain: string, explain: boolean): string {
    let out = "";
    let i = 0;
    while (i < text.length) {
      const c = text[i];
      if (c !== "%") {
        out += c;
        i++;
        continue;
      }
      const next = text[i + 1];
      if (next === "%") out += "%";
      else if (next === "_") out += " ";
      else if (next === "-") out += "%20";
      if (next === "%" || next === "_" || next === "-") {
        i += 2;
        continue;
      }
      const m = /^%\{([A-Za-z])([0-9]*)([rR]?)([.\-+,/_=]*)\}/.exec(text.slice(i));
      if (!m) throw this.macroError(`malformed macro in ${JSON.stringify(text)}`);
      const letter = m[1].toLowerCase();
      if (!explain && EXPLAIN_ONLY_MACRO_LETTERS.includes(letter)) {
        throw this.macroError(`macro ${m[0]} outside explanation text`);
      }
      let value: string;
      switch (letter) {
        case "s":
          value = `${this.local}@${this.senderDomain}`;
          break;
        case "l":
          value = this.local;
          break;
        case "o":
          value = this.senderDomain;
          break;
        case "d":
          value = domain;
          break;
        case "i":
          value =
            this.ip.kind() === "ipv4"
              ? this.ip.toString()
              : nibbles(this.ip as ipaddr.IPv6).join(".");
          break;
        case "p":
          value = this.validatedName(domain);
          break;
        case "v":
          value = this.ip.kind() === "ipv4" ? "in-addr" : "ip6";
          break;
        case "h":
          value = this.request.helo;
          break;
        case "c":
          value = this.ip.toString();
          break;
        case "r":
          value = this.request.receiver ?? "unknown";
          break;
        case "t":
          value = String(this.request.timestamp ?? Math.floor(Date.now() / 1000));
          break;
        default:
          throw this.macroError(`unknown macro letter in ${m[0]}`);
      }
      const delimiters = m[4] === "" ? "." : m[4];
      let parts = value.split(new RegExp(`[${delimiters.replace(/[-\\\]^]/g, "\\$&")}]`));
      if (m[3] !== "") parts = parts.reverse();
      if (m[2] !== "") {
        const keep = Number(m[2]);
        if (keep === 0) throw this.macroError(`macro ${m[0]} keeps zero labels`);
        parts = parts.slice(-keep);
      }
      value = parts.join(".");
      out += m[1] === m[1].toUpperCase() ? urlEscape(value) : value;
      i += m[0].length;
    }
    return out;
  }

  private target(term: SpfTerm, domain: string): string {
    return term.domain === undefined
      ? domain
      : truncateDomain(this.expand(term.domain, domain, false));
  }

  /**
   * The domain an include or redirect hands evaluation to. A domain whose record is being
   * evaluated already would be evaluated again and again until the lookup limit: a permerror
   * every receiver reaches, reported here as the loop it is.
   */
  private nextDomain(term: SpfTerm, domain: string): string {
    const next = this.target(term, domain);
    if (this.chain.includes(bareName(next))) {
      throw new SpfPermError(
        `${JSON.stringify(term.text)} at ${domain} leads back to ${bareName(next)} (${[...this.chain, bareName(next)].join(" -> ")})`,
        { kind: "loop", chain: this.chain, term: term.text, target: bareName(next) },
      );
    }
    return next;
  }

  /** Whether one mechanism matches; throws SpfPermError / SpfTempError. */
  private mechanismMatches(term: SpfTerm, domain: string): boolean {
    switch (term.name) {
      case "all":
        return true;
      case "ip4":
      case "ip6": {
        const net = ipaddr.parse(term.network ?? "");
        const wanted = term.name === "ip4" ? "ipv4" : "ipv6";
        if (this.ip.kind() !== wanted) return false;
        const ip6net = net.kind() === "ipv6" ? (net as ipaddr.IPv6) : undefined;
        const network =
          ip6net?.isIPv4MappedAddress() && wanted === "ipv4" ? ip6net.toIPv4Address() : net;
        if (network.kind() !== this.ip.kind()) return false;
        return this.ip.match(
          network,
          (term.name === "ip4" ? term.cidr4 : term.cidr6) ?? (wanted === "ipv4" ? 32 : 128),
        );
      }
      case "a": {
        this.countLookup(term, domain);
        const name = this.target(term, domain);
        const addresses = this.addresses(name);
        this.countVoid(addresses, term, domain, name, this.addressType());
        return this.matches(addresses, term.cidr4, term.cidr6);
      }
      case "mx": {
        this.countLookup(term, domain);
        const name = this.target(term, domain);
        const hosts = this.resolver.mx(name);
        this.countVoid(hosts, term, domain, name, "MX");
        if (hosts.length > MAX_NAME_LOOKUPS) {
          throw new SpfPermError(`more than ${MAX_NAME_LOOKUPS} MX hosts`, {
            kind: "mx-limit",
            chain: this.chain,
            term: term.text,
            target: name,
          });
        }
        return hosts.some((h) => this.matches(this.addresses(h), term.cidr4, term.cidr6));
      }
      case "ptr": {
        this.countLookup(term, domain);
        const target = this.target(term, domain).toLowerCase().replace(/\.$/, "");
        const reverse = reverseName(this.ip);
        let names: string[];
        try {
          names = this.resolver.ptr(reverse);
        } catch (e) {
          if (e instanceof SpfTempError) return false;
          throw e;
        }
        this.countVoid(names, term, domain, reverse, "PTR");
        return names.slice(0, MAX_NAME_LOOKUPS).some((n) => {
          const name = n.toLowerCase().replace(/\.$/, "");
          if (name !== target && !name.endsWith(`.${target}`)) return false;
          try {
            return this.matches(this.addresses(n));
          } catch (e) {
            if (e instanceof SpfTempError) return false;
            throw e;
          }
        });
      }
      case "exists": {
        this.countLookup(term, domain);
        const name = this.target(term, domain);
        const answers = this.resolver.a(name);
        this.countVoid(answers, term, domain, name, "A");
        return answers.length > 0;
      }
      case "include": {
        this.countLookup(term, domain);
        const next = this.nextDomain(term, domain);
        const inner = this.checkHost(next);
        if (inner.result === "pass") return true;
        if (inner.result === "temperror") throw new SpfTempError(inner.reason);
        if (inner.result === "permerror") {
          throw new SpfPermError(
            inner.reason,
            inner.error ?? { kind: "invalid-record", chain: [...this.chain, bareName(next)] },
          );
        }
        if (inner.result === "none") {
          throw new SpfPermError(`${JSON.stringify(term.text)}: ${inner.reason}`, {
            kind: "no-record",
            chain: this.chain,
            term: term.text,
            target: bareName(next),
          });
        }
        return false;
      }
      default:
        throw new SpfPermError(`unknown mechanism ${term.name}`, {
          kind: "invalid-record",
          chain: this.chain,
          term: term.text,
        });
    }
  }

  private explanation(exp: SpfTerm | undefined, domain: string): string | undefined {
    if (exp?.domain === undefined) return undefined;
    try {
      const name = truncateDomain(this.expand(exp.domain, domain, false));
      const records = this.resolver.txt(name);
      if (records.length !== 1) return undefined;
      if (/[^\x20-\x7e]/.test(records[0])) return undefined;
      return this.expand(records[0], domain, true);
    } catch {
      return undefined;
    }
  }

  checkHost(domain: string): SpfCheckResult {
    this.chain.push(bareName(domain));
    try {
      return this.evaluate(domain);
    } finally {
      this.chain.pop();
    }
  }

  private evaluate(domain: string): SpfCheckResult {
    let records: string[];
    try {
      records = this.resolver.txt(domain).filter(isSpfRecord);
    } catch (e) {
      if (e instanceof SpfTempError)
        return { result: "temperror", reason: `TXT lookup of ${domain} failed` };
      throw e;
    }
    if (records.length === 0) return { result: "none", reason: `no SPF record at ${domain}` };
    if (records.length > 1)
      return {
        result: "permerror",
        reason: `several SPF records at ${domain}`,
        error: { kind: "multiple-records", chain: [...this.chain] },
      };
    const analysis = analyzeSpf(records[0]);
    const syntax = analysis.permerrors.filter((f) => f.code !== "spf-too-many-lookups");
    if (syntax.length > 0)
      return {
        result: "permerror",
        reason: syntax[0].message,
        error: { kind: "invalid-record", chain: [...this.chain] },
      };
    const mechanisms = analysis.terms.filter((t) => t.kind === "mechanism");
    const modifier = (name: string): SpfTerm | undefined =>
      analysis.terms.find((t) => t.kind === "modifier" && t.name === name);
    try {
      for (const term of mechanisms) {
        if (this.mechanismMatches(term, domain)) {
          this.matchSteps.push({ domain: bareName(domain), term: term.text });
          const result = QUALIFIER_RESULT[term.qualifier ?? "+"];
          const explanation =
            result === "fail" ? this.explanation(modifier("exp"), domain) : undefined;
          return {
            result,
            explanation,
            reason: `${JSON.stringify(term.text)} matched at ${domain}`,
          };
        }
      }
      const redirect = modifier("redirect");
      if (redirect) {
        this.countLookup(redirect, domain);
        const next = this.nextDomain(redirect, domain);
        const result = this.checkHost(next);
        if (result.result === "none") {
          return {
            result: "permerror",
            reason: `redirect target of ${domain} has no SPF record`,
            error: {
              kind: "no-record",
              chain: [...this.chain],
              term: redirect.text,
              target: bareName(next),
            },
          };
        }
        return result;
      }
    } catch (e) {
      if (e instanceof SpfPermError)
        return { result: "permerror", reason: e.message, error: e.detail };
      if (e instanceof SpfTempError) return { result: "temperror", reason: e.message };
      throw e;
    }
    return { result: "neutral", reason: `nothing matched at ${domain}` };
  }
}

/**
 * RFC 7208 check_host: the SPF result for a client address and sender, with DNS answered by
 * `resolver` (lookup and void-lookup limits, macros, include, redirect and exp as the RFC says).
 * An include or redirect that leads back to a domain being evaluated is a permerror of kind
 * `loop` at once: the RFC's evaluation would repeat it until the lookup limit. The result lists
 * the DNS-querying terms, void lookups and matches met on the way.
 */
export function checkHost(request: SpfCheckRequest, resolver: SpfResolver): SpfCheckResult {
  let ip: Address;
  try {
    ip = ipaddr.parse(request.ip);
  } catch {
    return {
      result: "permerror",
      reason: `client address ${JSON.stringify(request.ip)} is not an IP address`,
    };
  }
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()) {
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  }
  const from = request.mailFrom;
  const at = from.lastIndexOf("@");
  const domain = from === "" ? request.helo : at < 0 ? from : from.slice(at + 1);
  const local = from === "" || at <= 0 ? "postmaster" : from.slice(0, at);
  if (checkDomainName(domain, { allowUnderscore: true }).name === undefined) {
    return { result: "none", reason: `${JSON.stringify(domain)} is not a valid domain name` };
  }
  const evaluation = new Evaluation(resolver, ip, local, domain, request);
  const result = evaluation.checkHost(domain);
  return {
    ...result,
    lookups: evaluation.lookupSteps,
    voids: evaluation.voidSteps,
    matches: evaluation.matchSteps,
  };
}
