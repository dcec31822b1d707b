/**
 * SPF (RFC 7208): a builder from typed options, a parser that separates what receivers treat as
 * permerror from advice to the publisher, a merge that adds senders to an existing record, and
 * the evaluator lives in spf-eval.ts.
 *
 * Publisher thresholds (advice, not RFC permerrors):
 * - error: `+all` or a bare `all`; `ip4` shorter than /8 and `ip6` shorter than /16 (including
 *   `a`/`mx` cidr lengths such as `a/0`, `mx//0`): they authorize a large share of the internet.
 * - warning: `ip4` shorter than /16 and `ip6` shorter than /32 (still millions of hosts); `?all`;
 *   no terminal `all` or `redirect`; `redirect` next to `all` (ignored); terms after `all`
 *   (never evaluated); `ptr`; 8 to 10 DNS-querying terms; a record over 450 octets.
 */
import * as ipaddr from "ipaddr.js";
import { checkDomainName } from "./domain";
import { Finding, errorsOf, finding } from "./finding";
import { SES_SPF_INCLUDE } from "./ses-regions";

export type SpfQualifier = "+" | "-" | "~" | "?";

export interface SpfOptions {
  /** Domains to `include:` (their SPF records authorize their senders). */
  includes?: string[];
  /** IPv4 addresses or CIDR ranges. */
  ip4?: string[];
  /** IPv6 addresses or CIDR ranges. */
  ip6?: string[];
  /** `true` for `a` (the domain's own addresses), or the domains whose addresses to use. */
  a?: boolean | string[];
  /** `true` for `mx` (the domain's mail exchangers), or the domains whose MX hosts to use. */
  mx?: boolean | string[];
  /** Qualifier of the terminal `all`; default `-` (fail). */
  all?: SpfQualifier;
  /** Hand the decision to another domain's record instead of ending with `all`. */
  redirect?: string;
}

/** Every field of SpfOptions; the compiler holds the list to the interface. */
export const SPF_OPTION_FIELDS = Object.keys({
  includes: true,
  ip4: true,
  ip6: true,
  a: true,
  mx: true,
  all: true,
  redirect: true,
} satisfies Record<keyof SpfOptions, true>) as (keyof SpfOptions)[];

export interface SpfTerm {
  /** The term as written. */
  text: string;
  kind: "mechanism" | "modifier";
  /** Mechanisms only: the explicit qualifier, or `+` when none is written. */
  qualifier?: SpfQualifier;
  /** Lower-case mechanism or modifier name. */
  name: string;
  /** What follows `name:` (mechanisms, cidr included) or `name=` (modifiers). */
  value?: string;
  /** The domain-spec of `a mx ptr include exists redirect exp`, when present. */
  domain?: string;
  /** The address of `ip4`/`ip6`, without the prefix length. */
  network?: string;
  /** The IPv4 prefix length of `ip4`, `a`, `mx` when written. */
  cidr4?: number;
  /** The IPv6 prefix length of `ip6`, `a`, `mx` when written. */
  cidr6?: number;
}

export interface SpfAnalysis {
  terms: SpfTerm[];
  /** Terms that cost a DNS lookup (`include a mx ptr exists`, and `redirect` unless `all` is present). */
  lookups: number;
  /** What an RFC 7208 receiver treats as permerror; all of severity error. */
  permerrors: Finding[];
  /** Findings for the publisher: errors (world-wide authorization) and warnings. */
  advice: Finding[];
}

export interface SpfMerge {
  /** The merged record; absent when `findings` has errors. */
  record?: string;
  findings: Finding[];
}

/** RFC 7208 4.6.4: at most 10 terms that query DNS. */
export const SPF_MAX_LOOKUPS = 10;
/** Lookup counts from here on draw a warning: one more include can break the record. */
export const SPF_LOOKUP_WARNING_AT = 8;
/** Prefixes shorter than these authorize much of the internet: advice error. */
export const SPF_IP4_MIN_PREFIX = 8;
export const SPF_IP6_MIN_PREFIX = 16;
/** Prefixes shorter than these authorize millions of hosts: advice warning. */
export const SPF_IP4_WIDE_PREFIX = 16;
export const SPF_IP6_WIDE_PREFIX = 32;
/** RFC 7208 3.4: keep the record small enough for one UDP answer. */
export const SPF_RECOMMENDED_MAX_OCTETS = 450;

const LOOKUP_MECHANISMS = new Set(["include", "a", "mx", "ptr", "exists"]);
const MACRO_LETTERS = "slodiphv";
/** Macro letters RFC 7208 7.2 allows only in explanation (`exp`) text. */
export const EXPLAIN_ONLY_MACRO_LETTERS = "crt";
const NAME_RE = /^[A-Za-z][A-Za-z0-9\-_.]*/;
const MODIFIER_RE = /^([A-Za-z][A-Za-z0-9\-_.]*)=([\s\S]*)$/;
const TOPLABEL_RE = /^(?:[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9])$/;
const QNUM = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])";
const IP4_RE = new RegExp(`^${QNUM}\\.${QNUM}\\.${QNUM}\\.${QNUM}$`);
const CIDR_RE = /^(?:0|[1-9][0-9]*)$/;

function q(value: string): string {
  return JSON.stringify(value);
}

/** True when the TXT value is an SPF record: it starts with `v=spf1` followed by a space or its end. */
export function isSpfRecord(txt: string): boolean {
  return /^v=spf1(?: |$)/i.test(txt);
}

/** Strict dotted-quad IPv4 (RFC 7208 `ip4-network`: no leading zeros). */
export function isStrictIp4(text: string): boolean {
  return IP4_RE.test(text);
}

/** IPv6 in RFC 4291 text form, with an optional embedded dotted quad; no zone index. */
export function isStrictIp6(text: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(":")) return false;
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (tail.includes(".") && !isStrictIp4(tail)) return false;
  return ipaddr.IPv6.isValid(text);
}

interface MacroScan {
  error?: string;
  endsWithMacro: boolean;
  /** Literal characters after the last macro-expand. */
  literalTail: string;
  hasMacro: boolean;
}

/**
 * Scans an RFC 7208 7.1 macro-string. `explainLetters` allows `c r t`, which the RFC allows only
 * in explanation text (and which we tolerate in unknown modifiers).
 */
function scanMacroString(text: string, explainLetters: boolean): MacroScan {
  let literalTail = "";
  let endsWithMacro = false;
  let hasMacro = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "%") {
      const next = text[i + 1];
      if (next === "%" || next === "_" || next === "-") {
        i += 2;
      } else if (next === "{") {
        const m = /^%\{([A-Za-z])([0-9]*)([rR]?)([.\-+,/_=]*)\}/.exec(text.slice(i));
        if (!m) {
          const close = text.indexOf("}", i);
          const shown = close < 0 ? text.slice(i) : text.slice(i, close + 1);
          return fail(`malformed macro ${q(shown)}`);
        }
        const letter = m[1].toLowerCase();
        if (!MACRO_LETTERS.includes(letter)) {
          if (!EXPLAIN_ONLY_MACRO_LETTERS.includes(letter)) {
            return fail(`unknown macro letter ${q(m[1])} in ${q(m[0])}`);
          }
          if (!explainLetters) {
            return fail(
              `macro ${q(m[0])} is allowed only in explanation text, not in a domain-spec`,
            );
          }
        }
        if (m[2] !== "" && Number(m[2]) === 0) {
          return fail(`macro ${q(m[0])} keeps zero labels; the digit must be nonzero`);
        }
        i += m[0].length;
      } else {
        return fail(`"%" must start %{...}, %%, %_ or %-, not ${q(text.slice(i, i + 2) || "%")}`);
      }
      hasMacro = true;
      endsWithMacro = true;
      literalTail = "";
      continue;
    }
    const code = c.charCodeAt(0);
    if (code < 0x21 || code > 0x7e) {
      return fail(`character ${q(c)} is not allowed`);
    }
    literalTail += c;
    endsWithMacro = false;
    i++;
  }
  return { endsWithMacro, literalTail, hasMacro };

  function fail(error: string): MacroScan {
    return { error, endsWithMacro, literalTail, hasMacro };
  }
}

/**
 * Why `spec` is not an RFC 7208 domain-spec (macro-string ending in a macro-expand or in
 * `.toplabel` with an optional trailing dot), or undefined when it is one.
 */
export function domainSpecError(spec: string): string | undefined {
  if (spec.length === 0) return "the domain is empty";
  const scan = scanMacroString(spec, false);
  if (scan.error) return scan.error;
  if (!scan.endsWithMacro) {
    let tail = scan.literalTail;
    if (tail.endsWith(".")) tail = tail.slice(0, -1);
    const dot = tail.lastIndexOf(".");
    if (dot < 0) {
      return "it must end in a macro or in a dot and a top-level label (a full domain name)";
    }
    const top = tail.slice(dot + 1);
    if (!TOPLABEL_RE.test(top)) {
      return /^[0-9]+$/.test(top)
        ? `its last label ${q(top)} is all-numeric (an IP address is not a domain)`
        : `its last label ${q(top)} is not a valid top-level label`;
    }
  }
  if (!scan.hasMacro) {
    const name = spec.endsWith(".") ? spec.slice(0, -1) : spec;
    const labels = name.split(".");
    if (labels.some((l) => l.length === 0)) return "it has an empty label (two dots in a row)";
    const long = labels.find((l) => l.length > 63);
    if (long !== undefined) return `its label ${q(long)} is longer than 63 octets`;
    if (name.length > 253) return "it is longer than 253 octets";
  }
  return undefined;
}

function parseCidr(text: string, max: number): number | string {
  if (!CIDR_RE.test(text)) return `prefix length ${q(text)} is not a number without leading zeros`;
  const n = Number(text);
  if (n > max) return `prefix length /${text} is larger than ${max}`;
  return n;
}

interface ParsedTerm {
  term: SpfTerm;
  error?: { code: string; message: string; fix: string };
}

function parseTerm(text: string): ParsedTerm {
  const modifier = MODIFIER_RE.exec(text);
  if (modifier) {
    const name = modifier[1].toLowerCase();
    const value = modifier[2];
    const term: SpfTerm = { text, kind: "modifier", name, value };
    if (name === "redirect" || name === "exp") {
      term.domain = value;
      const why = domainSpecError(value);
      if (why) {
        return {
          term,
          error: {
            code: "spf-invalid-domain-spec",
            message: `SPF term ${q(text)}: ${why}.`,
            fix: `Give ${name}= a full domain name such as _spf.example.com.`,
          },
        };
      }
      return { term };
    }
    const scan = scanMacroString(value, true);
    if (scan.error) {
      return {
        term,
        error: {
          code: "spf-invalid-macro",
          message: `SPF modifier ${q(text)}: ${scan.error}.`,
          fix: 'Write a literal "%" as "%%", or remove the modifier.',
        },
      };
    }
    return { term };
  }

  const m = /^([+\-~?]?)([\s\S]*)$/.exec(text);
  const qualifier = (m?.[1] || "+") as SpfQualifier;
  const body = m?.[2] ?? text;
  const nameMatch = NAME_RE.exec(body);
  const unknown = (what: string): ParsedTerm => ({
    term: { text, kind: "mechanism", qualifier, name: (nameMatch?.[0] ?? body).toLowerCase() },
    error: {
      code: "spf-unknown-term",
      message: `SPF term ${q(text)} ${what}.`,
      fix: "Use only the mechanisms all, include, a, mx, ptr, ip4, ip6, exists (with an optional + - ~ ? qualifier) and modifiers name=value, separated by single spaces.",
    },
  });
  if (!nameMatch) return unknown("is neither a mechanism nor a modifier");
  const name = nameMatch[0].toLowerCase();
  const rest = body.slice(nameMatch[0].length);
  const term: SpfTerm = { text, kind: "mechanism", qualifier, name };
  if (rest.startsWith(":")) term.value = rest.slice(1);
  const bad = (code: string, message: string, fix: string): ParsedTerm => ({
    term,
    error: { code, message: `SPF term ${q(text)}: ${message}.`, fix },
  });

  switch (name) {
    case "all":
      if (rest !== "") {
        return bad("spf-invalid-all", "all takes no argument", "Write all as -all, ~all, ?all.");
      }
      return { term };
    case "include":
    case "exists": {
      if (!rest.startsWith(":")) {
        return bad(
          "spf-missing-domain",
          `${name} needs a domain`,
          `Write ${name}:<domain>, for example include:${SES_SPF_INCLUDE}.`,
        );
      }
      term.domain = rest.slice(1);
      const why = domainSpecError(term.domain);
      return why
        ? bad(
            "spf-invalid-domain-spec",
            why,
            `Give ${name}: a full domain name (no prefix length).`,
          )
        : { term };
    }
    case "ptr": {
      if (rest === "") return { term };
      if (!rest.startsWith(":")) {
        return bad("spf-invalid-ptr", "ptr takes only an optional :domain", "Remove the suffix.");
      }
      term.domain = rest.slice(1);
      const why = domainSpecError(term.domain);
      return why ? bad("spf-invalid-domain-spec", why, "Give ptr: a full domain name.") : { term };
    }
    case "a":
    case "mx": {
      let cidrText = rest;
      if (rest.startsWith(":")) {
        const split = /^([\s\S]*?)((?:\/[0-9]+)?(?:\/\/[0-9]+)?)$/.exec(rest.slice(1));
        term.domain = split?.[1] ?? rest.slice(1);
        cidrText = split?.[2] ?? "";
        const why = domainSpecError(term.domain);
        if (why) {
          return bad(
            "spf-invalid-domain-spec",
            why,
            `Write ${name}:<domain> with an optional /<ip4-prefix> and //<ip6-prefix>.`,
          );
        }
      } else if (rest !== "" && !rest.startsWith("/")) {
        return unknown("is not a known mechanism");
      }
      if (cidrText !== "") {
        const dual = /^(?:\/([0-9]+))?(?:\/\/([0-9]+))?$/.exec(cidrText);
        if (!dual) {
          return bad(
            "spf-invalid-cidr",
            `${q(cidrText)} is not /<ip4-prefix>, //<ip6-prefix> or both`,
            `Write ${name}/24, ${name}//64 or ${name}/24//64.`,
          );
        }
        if (dual[1] !== undefined) {
          const n = parseCidr(dual[1], 32);
          if (typeof n === "string") return bad("spf-invalid-cidr", n, "Use an IPv4 prefix 0..32.");
          term.cidr4 = n;
        }
        if (dual[2] !== undefined) {
          const n = parseCidr(dual[2], 128);
          if (typeof n === "string")
            return bad("spf-invalid-cidr", n, "Use an IPv6 prefix 0..128.");
          term.cidr6 = n;
        }
      }
      return { term };
    }
    case "ip4":
    case "ip6": {
      const v4 = name === "ip4";
      const fix = v4
        ? "Write ip4:<dotted-quad>[/<0..32>], for example ip4:192.0.2.0/24."
        : "Write ip6:<address>[/<0..128>], for example ip6:2001:db8::/32.";
      if (!rest.startsWith(":") || rest.length === 1) {
        return bad("spf-invalid-ip", `${name} needs an address`, fix);
      }
      const parts = rest.slice(1).split("/");
      term.network = parts[0];
      if (parts.length > 2) return bad("spf-invalid-ip", "only one prefix length is allowed", fix);
      const valid = v4 ? isStrictIp4(parts[0]) : isStrictIp6(parts[0]);
      if (!valid) {
        return bad(
          "spf-invalid-ip",
          `${q(parts[0])} is not an ${v4 ? "IPv4" : "IPv6"} address`,
          fix,
        );
      }
      if (parts.length === 2) {
        const n = parseCidr(parts[1], v4 ? 32 : 128);
        if (typeof n === "string") return bad("spf-invalid-cidr", n, fix);
        if (v4) term.cidr4 = n;
        else term.cidr6 = n;
      }
      return { term };
    }
    default:
      return unknown(rest.startsWith("=") ? "is not a valid modifier" : "is not a known mechanism");
  }
}

function perm(code: string, message: string, fix: string): Finding {
  return finding("error", code, message, fix);
}

/** Parses and judges one SPF record (the joined TXT value). */
export function analyzeSpf(record: string): SpfAnalysis {
  const permerrors: Finding[] = [];
  const advice: Finding[] = [];
  const terms: SpfTerm[] = [];
  if (!isSpfRecord(record)) {
    permerrors.push(
      perm(
        "spf-not-spf",
        `${q(record)} is not an SPF record: it must start with "v=spf1" followed by a space or its end.`,
        'Start the record with "v=spf1 ".',
      ),
    );
    return { terms, lookups: 0, permerrors, advice };
  }

  const badChars = [...new Set(record.match(/[^\x20-\x7e]/gu) ?? [])];
  if (badChars.length > 0) {
    const shown = badChars
      .map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`)
      .join(", ");
    permerrors.push(
      perm(
        "spf-invalid-character",
        `SPF record ${q(record)} contains ${shown}; records are 7-bit printable ASCII with terms separated by spaces.`,
        "Remove the character (write internationalized domains in punycode, xn--...).",
      ),
    );
  }

  const words = record.split(" ").filter((w) => w !== "");
  for (const word of words.slice(1)) {
    const parsed = parseTerm(word);
    terms.push(parsed.term);
    if (parsed.error && !/[^\x20-\x7e]/u.test(word)) {
      permerrors.push(perm(parsed.error.code, parsed.error.message, parsed.error.fix));
    }
  }

  for (const modifier of ["redirect", "exp"]) {
    const found = terms.filter((t) => t.kind === "modifier" && t.name === modifier);
    if (found.length > 1) {
      permerrors.push(
        perm(
          "spf-duplicate-modifier",
          `SPF record ${q(record)} has ${found.length} ${modifier}= modifiers; at most one is allowed.`,
          `Keep a single ${modifier}=.`,
        ),
      );
    }
  }

  const mechanisms = terms.filter((t) => t.kind === "mechanism");
  const allIndex = mechanisms.findIndex((t) => t.name === "all");
  const hasAll = allIndex >= 0;
  const redirect = terms.find((t) => t.kind === "modifier" && t.name === "redirect");
  const lookups =
    mechanisms.filter((t) => LOOKUP_MECHANISMS.has(t.name)).length + (redirect && !hasAll ? 1 : 0);
  if (lookups > SPF_MAX_LOOKUPS) {
    permerrors.push(
      perm(
        "spf-too-many-lookups",
        `SPF record ${q(record)} has ${lookups} terms that query DNS (include, a, mx, ptr, exists, redirect); receivers stop at ${SPF_MAX_LOOKUPS} with permerror.`,
        "Replace a, mx and ptr with ip4/ip6 ranges, or drop includes you no longer send through.",
      ),
    );
  } else if (lookups >= SPF_LOOKUP_WARNING_AT) {
    advice.push(
      finding(
        "warning",
        "spf-lookups-near-limit",
        `SPF record ${q(record)} has ${lookups} terms that query DNS; the limit is ${SPF_MAX_LOOKUPS}, counting the lookups inside every include.`,
        "Replace a, mx and ptr with ip4/ip6 ranges, or drop includes you no longer send through.",
      ),
    );
  }

  adviseOnTerms(record, mechanisms, allIndex, redirect, advice);
  return { terms, lookups, permerrors, advice };
}

function adviseOnTerms(
  record: string,
  mechanisms: SpfTerm[],
  allIndex: number,
  redirect: SpfTerm | undefined,
  advice: Finding[],
): void {
  for (const t of mechanisms) {
    if (t.name === "all" && t.qualifier === "+") {
      advice.push(
        finding(
          "error",
          "spf-pass-all",
          `SPF term ${q(t.text)} authorizes every host on the internet to send as this domain.`,
          "End the record with -all (or ~all while testing).",
        ),
      );
    }
    if (t.qualifier === "+") {
      adviseOnRange(t, advice);
    }
    if (t.name === "ptr") {
      advice.push(
        finding(
          "warning",
          "spf-ptr",
          `SPF term ${q(t.text)} uses ptr, which is slow, unreliable and SHOULD NOT be used (RFC 7208 5.5).`,
          "Replace ptr with ip4/ip6 ranges or an include.",
        ),
      );
    }
  }
  const all = allIndex >= 0 ? mechanisms[allIndex] : undefined;
  if (all?.qualifier === "?") {
    advice.push(
      finding(
        "warning",
        "spf-neutral-all",
        `SPF term ${q(all.text)} makes every other sender neutral, which protects nothing.`,
        "End the record with -all (or ~all while testing).",
      ),
    );
  }
  if (!all && !redirect) {
    advice.push(
      finding(
        "warning",
        "spf-no-all",
        `SPF record ${q(record)} has no terminal all or redirect, so every other sender is neutral.`,
        "End the record with -all (or ~all while testing).",
      ),
    );
  }
  if (all && redirect) {
    advice.push(
      finding(
        "warning",
        "spf-redirect-ignored",
        `SPF record ${q(record)} has both all and ${q(redirect.text)}; receivers ignore redirect when all is present.`,
        "Remove one of them.",
      ),
    );
  }
  if (all && allIndex < mechanisms.length - 1) {
    advice.push(
      finding(
        "warning",
        "spf-terms-after-all",
        `SPF record ${q(record)} has mechanisms after ${q(all.text)}; receivers never evaluate them.`,
        "Move them before all.",
      ),
    );
  }
  const octets = Buffer.byteLength(record, "utf8");
  if (octets > SPF_RECOMMENDED_MAX_OCTETS) {
    advice.push(
      finding(
        "warning",
        "spf-record-too-long",
        `SPF record ${q(record.slice(0, 60))}... is ${octets} octets; RFC 7208 3.4 advises staying under ${SPF_RECOMMENDED_MAX_OCTETS} so the answer fits one UDP packet.`,
        "Merge adjacent ranges or move some senders into an include.",
      ),
    );
  }
}

function adviseOnRange(t: SpfTerm, advice: Finding[]): void {
  const checks: Array<[number | undefined, number, number, string]> = [];
  if (t.name === "ip4" || t.name === "a" || t.name === "mx") {
    checks.push([t.cidr4, SPF_IP4_MIN_PREFIX, SPF_IP4_WIDE_PREFIX, "IPv4"]);
  }
  if (t.name === "ip6" || t.name === "a" || t.name === "mx") {
    checks.push([t.cidr6, SPF_IP6_MIN_PREFIX, SPF_IP6_WIDE_PREFIX, "IPv6"]);
  }
  for (const [prefix, min, wide, family] of checks) {
    if (prefix === undefined) continue;
    if (prefix < min) {
      advice.push(
        finding(
          "error",
          "spf-broad-range",
          `SPF term ${q(t.text)} authorizes an ${family} /${prefix} range, a large share of the internet (mailguard rejects ${family} prefixes shorter than /${min}).`,
          "List only the addresses that really send mail for this domain.",
        ),
      );
    } else if (prefix < wide) {
      advice.push(
        finding(
          "warning",
          "spf-wide-range",
          `SPF term ${q(t.text)} authorizes an ${family} /${prefix} range, millions of addresses (mailguard warns below /${wide}).`,
          "List only the addresses that really send mail for this domain.",
        ),
      );
    }
  }
}

/** Findings for all the TXT values at one name: more than one SPF record is a permerror. */
export function checkSpfRecordSet(txts: string[]): Finding[] {
  const spf = txts.filter(isSpfRecord);
  if (spf.length <= 1) return [];
  return [
    perm(
      "spf-multiple-records",
      `There are ${spf.length} SPF records at one name (${spf.map(q).join(", ")}); receivers return permerror.`,
      "Keep one SPF record at the name. When one of them was live before the stack published its own, adopt the live record instead: import it into the stack with its id (on Cloudflare <zone id>/<record id>; mailguard's CloudflareMailRecords takes the record id as adopt.spf, Route53MailRecords adopt.spf: true), so the merged value replaces it in place; or delete the live record. Otherwise merge them into one record (mergeSpf keeps every term) and delete the others.",
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// Builder

function optionError(path: string, value: unknown, why: string, fix: string): Finding {
  const text = typeof value === "string" ? q(value) : shown(value);
  return finding("error", "spf-invalid-option", `SPF option ${path} = ${text}: ${why}`, fix);
}

function checkDomainOption(path: string, value: unknown, findings: Finding[]): string | undefined {
  if (typeof value !== "string") {
    findings.push(optionError(path, value, "not a string.", "Give a domain name."));
    return undefined;
  }
  const check = checkDomainName(value, { allowUnderscore: true });
  if (check.name === undefined) {
    for (const f of check.findings) {
      findings.push(optionError(path, value, f.message, f.fix));
    }
    return undefined;
  }
  const why = domainSpecError(check.name);
  if (why) {
    findings.push(optionError(path, value, `${why}.`, "Give a full domain name."));
    return undefined;
  }
  return check.name;
}

function checkIpOption(
  path: string,
  value: unknown,
  v4: boolean,
  findings: Finding[],
): string | undefined {
  const family = v4 ? "IPv4" : "IPv6";
  const fix = v4
    ? "Give an IPv4 address or range such as 192.0.2.10 or 192.0.2.0/24."
    : "Give an IPv6 address or range such as 2001:db8::/48.";
  if (typeof value !== "string") {
    findings.push(optionError(path, value, "not a string.", fix));
    return undefined;
  }
  const text = value.trim();
  const parts = text.split("/");
  const valid = v4 ? isStrictIp4(parts[0]) : isStrictIp6(parts[0]);
  if (!valid || parts.length > 2) {
    findings.push(optionError(path, value, `not an ${family} address or CIDR range.`, fix));
    return undefined;
  }
  if (parts.length === 2) {
    const n = parseCidr(parts[1], v4 ? 32 : 128);
    if (typeof n === "string") {
      findings.push(optionError(path, value, `${n}.`, fix));
      return undefined;
    }
  }
  return text;
}

interface NormalizedOptions {
  mechanisms: string[];
  findings: Finding[];
}

/** An option value as the messages show it: strings as they are, anything else as JSON. */
function shown(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
}

/** The entries of a list option; an error finding and none when it is not a list. */
function listOption(path: string, value: unknown, example: string, findings: Finding[]): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  findings.push(
    optionError(path, value, "not a list.", `Give ${path} as a list, such as ${example}.`),
  );
  return [];
}

function normalizeOptions(opts: SpfOptions): NormalizedOptions {
  const findings: Finding[] = [];
  const mechanisms: string[] = [];
  const add = (term: string): void => {
    if (!mechanisms.some((m) => m.toLowerCase() === term.toLowerCase())) mechanisms.push(term);
  };
  listOption("ip4", opts.ip4, '["192.0.2.0/24"]', findings).forEach((v, i) => {
    const ip = checkIpOption(`ip4[${i}]`, v, true, findings);
    if (ip !== undefined) add(`ip4:${ip}`);
  });
  listOption("ip6", opts.ip6, '["2001:db8::/48"]', findings).forEach((v, i) => {
    const ip = checkIpOption(`ip6[${i}]`, v, false, findings);
    if (ip !== undefined) add(`ip6:${ip}`);
  });
  for (const name of ["a", "mx"] as const) {
    const option: unknown = opts[name];
    if (option === true) add(name);
    else if (Array.isArray(option)) {
      option.forEach((v: unknown, i) => {
        const domain = checkDomainOption(`${name}[${i}]`, v, findings);
        if (domain !== undefined) add(`${name}:${domain}`);
      });
    } else if (option !== undefined && option !== false) {
      findings.push(
        optionError(
          name,
          option,
          "neither true, false nor a list of domains.",
          `Set ${name}: true for the domain's own ${name === "a" ? "addresses" : "mail exchangers"}, or list the domains.`,
        ),
      );
    }
  }
  listOption("includes", opts.includes, '["_spf.google.com"]', findings).forEach((v, i) => {
    const domain = checkDomainOption(`includes[${i}]`, v, findings);
    if (domain !== undefined) add(`include:${domain}`);
  });
  return { mechanisms, findings };
}

function endingOf(opts: SpfOptions, redirectName: string | undefined): string {
  if (redirectName !== undefined) return `redirect=${redirectName}`;
  return `${opts.all ?? "-"}all`;
}

/**
 * Errors for options `buildSpf` cannot turn into a valid, safe record (each names the option),
 * plus the warnings the record would draw.
 */
export function checkSpfOptions(opts: SpfOptions): Finding[] {
  if (typeof opts !== "object" || opts === null || Array.isArray(opts)) {
    return [
      finding(
        "error",
        "spf-invalid-options",
        `SPF options ${shown(opts)} are not an object.`,
        'Give an object such as { includes: ["_spf.google.com"] }.',
      ),
    ];
  }
  const { mechanisms, findings } = normalizeOptions(opts);
  if (opts.all !== undefined && !["+", "-", "~", "?"].includes(opts.all)) {
    findings.push(
      optionError("all", opts.all, 'not one of "-", "~", "?".', 'Use "-" (the default).'),
    );
  }
  let redirectName: string | undefined;
  if (opts.redirect !== undefined) {
    redirectName = checkDomainOption("redirect", opts.redirect, findings);
    if (opts.all !== undefined) {
      findings.push(
        optionError(
          "redirect",
          opts.redirect,
          "receivers ignore redirect when the record also ends with all.",
          "Set either redirect or all, not both.",
        ),
      );
    }
  }
  if (opts.all !== undefined && !["+", "-", "~", "?"].includes(opts.all)) return findings;
  // Judge the record made of the valid options too, so range and `all` advice is never hidden.
  const record = ["v=spf1", ...mechanisms, endingOf(opts, redirectName)].join(" ");
  const analysis = analyzeSpf(record);
  return [...findings, ...analysis.permerrors, ...analysis.advice];
}

/**
 * The SPF record for the options: `ip4`, `ip6`, `a`, `mx`, `include` terms in that order, then
 * `redirect=` or the terminal `all` (default `-all`). Throws when `checkSpfOptions` has errors.
 */
export function buildSpf(opts: SpfOptions): string {
  const errors = errorsOf(checkSpfOptions(opts));
  if (errors.length > 0) {
    throw new Error(errors.map((f) => `${f.message} Fix: ${f.fix}`).join("\n"));
  }
  const { mechanisms } = normalizeOptions(opts);
  const redirect =
    opts.redirect === undefined
      ? undefined
      : checkDomainName(opts.redirect, { allowUnderscore: true }).name;
  return ["v=spf1", ...mechanisms, endingOf(opts, redirect)].join(" ");
}

// ---------------------------------------------------------------------------------------------
// Merge

/** The identity of a term for de-duplication: case-insensitive text without the `+` qualifier. */
function termKey(t: SpfTerm): string {
  const text = t.text.toLowerCase();
  return t.kind === "mechanism" && /^[+\-~?]/.test(text) ? text.slice(1) : text;
}

/**
 * Adds the senders in `add` to an existing SPF value without dropping any existing term: new
 * mechanisms go before the existing `all` (which is kept), or an `all` (or `redirect`) is added
 * when the existing record has neither. The result is one record; it is refused (no `record`)
 * when the existing value is invalid, when the result would exceed 10 DNS-querying terms, or when
 * it would authorize the whole internet.
 */
export function mergeSpf(existing: string | undefined, add: SpfOptions): SpfMerge {
  const optionFindings = checkSpfOptions(add);
  const optionErrors = errorsOf(optionFindings);
  if (optionErrors.length > 0) return { findings: optionErrors };
  if (existing !== undefined && typeof existing !== "string") {
    return {
      findings: [
        perm(
          "spf-merge-not-spf",
          `The existing value ${shown(existing)} is not a string, so there is nothing to merge into.`,
          "Pass the TXT value that starts with v=spf1 (or undefined when there is none).",
        ),
      ],
    };
  }
  if (existing === undefined || existing.trim() === "") {
    return { record: buildSpf(add), findings: optionFindings };
  }
  if (!isSpfRecord(existing)) {
    return {
      findings: [
        perm(
          "spf-merge-not-spf",
          `The existing value ${q(existing)} is not an SPF record, so there is nothing to merge into.`,
          "Pass only the TXT value that starts with v=spf1 (or undefined when there is none).",
        ),
      ],
    };
  }
  const before = analyzeSpf(existing);
  if (before.permerrors.length > 0) {
    return {
      findings: [
        perm(
          "spf-merge-existing-invalid",
          `The existing SPF record ${q(existing)} is invalid, so receivers ignore it; it cannot be merged.`,
          "Fix the errors listed with it first.",
        ),
        ...before.permerrors,
      ],
    };
  }

  const findings: Finding[] = [];
  const terms = before.terms.map((t) => t.text);
  const keys = new Map(before.terms.map((t) => [termKey(t), t]));
  const { mechanisms: ours } = normalizeOptions(add);
  const fresh: string[] = [];
  for (const text of ours) {
    const parsed = parseTerm(text).term;
    const present = keys.get(termKey(parsed));
    if (present === undefined) {
      fresh.push(text);
    } else if (present.qualifier !== "+") {
      findings.push(
        finding(
          "warning",
          "spf-merge-qualifier-differs",
          `The existing SPF record already has ${q(present.text)}; ${q(text)} was not added.`,
          `Change ${q(present.text)} to ${q(text)} if those senders should pass.`,
        ),
      );
    }
  }
  const allIndex = before.terms.findIndex((t) => t.kind === "mechanism" && t.name === "all");
  const lastMechanism = before.terms.map((t) => t.kind).lastIndexOf("mechanism");
  const insertAt = allIndex >= 0 ? allIndex : lastMechanism + 1;
  terms.splice(insertAt, 0, ...fresh);

  const existingRedirect = before.terms.find((t) => t.kind === "modifier" && t.name === "redirect");
  const redirectName =
    add.redirect === undefined
      ? undefined
      : checkDomainName(add.redirect, { allowUnderscore: true }).name;
  if (redirectName !== undefined) {
    if (
      allIndex >= 0 ||
      (existingRedirect && existingRedirect.value?.toLowerCase() !== redirectName)
    ) {
      return {
        findings: [
          perm(
            "spf-merge-redirect-conflict",
            `The existing SPF record ${q(existing)} already ends with ${q((allIndex >= 0 ? before.terms[allIndex] : existingRedirect)?.text ?? "")}, so redirect=${redirectName} cannot be added.`,
            "Merge without redirect, or replace the existing record.",
          ),
        ],
      };
    }
    if (!existingRedirect) terms.push(`redirect=${redirectName}`);
  } else if (allIndex < 0 && !existingRedirect) {
    terms.push(`${add.all ?? "-"}all`);
  } else if (
    allIndex >= 0 &&
    add.all !== undefined &&
    before.terms[allIndex].qualifier !== add.all
  ) {
    findings.push(
      finding(
        "warning",
        "spf-merge-kept-all",
        `The existing SPF record ends with ${q(before.terms[allIndex].text)}; it was kept instead of ${q(`${add.all}all`)}.`,
        `Change it to ${add.all}all yourself if every other sender should be treated that way.`,
      ),
    );
  }

  const record = ["v=spf1", ...terms].join(" ");
  const after = analyzeSpf(record);
  const all = [...findings, ...after.permerrors, ...after.advice];
  return errorsOf(all).length > 0 ? { findings: all } : { record, findings: all };
}
