import { EmailAddress, parseEmailAddress } from "./address";
import { parseTagList, tagListFindings } from "./dkim";
import { checkDomainName, publicSuffixOf } from "./domain";
import { errorsOf, Finding, finding } from "./finding";

/**
 * DMARC records (RFC 7489 and RFC 9989, DMARCbis). The validator is publisher-strict: a record it
 * accepts without errors is read the same way by receivers of either RFC.
 *
 * A record without p= is an error even when rua= holds a valid URI: RFC 9989 receivers would then
 * act as if p=none, but RFC 7489 requires p= right after v= and its receivers ignore the record.
 *
 * Validators take known, joined TXT values (see txt.ts joinTxt); callers check isUnknown first.
 */

export type DmarcPolicy = "none" | "quarantine" | "reject";

export interface DmarcOptions {
  /** Policy for the domain. */
  p: DmarcPolicy;
  /** Policy for subdomains (default: p). */
  sp?: DmarcPolicy;
  /** Policy for non-existent subdomains, RFC 9989 (default: sp). */
  np?: DmarcPolicy;
  /** Percentage of mail the policy applies to, 0..100 (historic in RFC 9989; use t instead). */
  pct?: number;
  /** Aggregate report URIs, e.g. `mailto:dmarc@example.com`. */
  rua?: string[];
  /** Failure report URIs. */
  ruf?: string[];
  /** DKIM alignment: relaxed (default) or strict. */
  adkim?: "r" | "s";
  /** SPF alignment: relaxed (default) or strict. */
  aspf?: "r" | "s";
  /** Failure reporting options: tokens 0, 1, d, s separated by ":". */
  fo?: string;
  /** Test mode, RFC 9989 (default n). */
  t?: "y" | "n";
}

/** Every field of DmarcOptions; the compiler holds the list to the interface. */
export const DMARC_OPTION_FIELDS = Object.keys({
  p: true,
  sp: true,
  np: true,
  pct: true,
  rua: true,
  ruf: true,
  adkim: true,
  aspf: true,
  fo: true,
  t: true,
} satisfies Record<keyof DmarcOptions, true>) as (keyof DmarcOptions)[];

export interface DmarcRecord {
  p: DmarcPolicy;
  sp?: DmarcPolicy;
  np?: DmarcPolicy;
  pct?: number;
  /** Report URIs without an obsolete `!size` suffix. */
  rua: string[];
  ruf: string[];
  adkim: "r" | "s";
  aspf: "r" | "s";
  /** Test mode (RFC 9989): `y` asks receivers to apply the next weaker policy. Default `n`. */
  t: "y" | "n";
  /** Every tag, name lower-cased, value as written. */
  tags: Record<string, string>;
}

export interface DmarcAnalysis {
  /** Absent when there is an error. */
  record?: DmarcRecord;
  findings: Finding[];
}

const POLICIES: readonly string[] = ["none", "quarantine", "reject"];
const KNOWN_TAGS = new Set([
  "v",
  "p",
  "sp",
  "np",
  "pct",
  "rua",
  "ruf",
  "adkim",
  "aspf",
  "fo",
  "rf",
  "ri",
  "t",
  "psd",
]);
const WSP = /^[ \t]+|[ \t]+$/g;
const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
/**
 * unreserved / reserved / pct-encoded (RFC 3986), minus what the DMARC record itself splits on:
 * `,` between URIs, `;` between tags, and `!` before the size (RFC 7489 6.2 says a literal `!` or
 * `,` inside a URI must be encoded, `%21` and `%2C`).
 */
const URI_CHARS = /^(?:[A-Za-z0-9\-._~:/?#[\]@$&'()*+=]|%[0-9A-Fa-f]{2})+$/;
const SIZE_SUFFIX = /!([0-9]+)([kmgtKMGT])?$/;

function wspTrim(s: string): string {
  return s.replace(WSP, "");
}

// ---------------------------------------------------------------------------------------------
// Tag values: one implementation each, used by the validator and by checkDmarcOptions.
// ---------------------------------------------------------------------------------------------

function policyFinding(tag: string, value: string): Finding | undefined {
  if (POLICIES.includes(value.toLowerCase())) return undefined;
  return finding(
    "error",
    `dmarc-invalid-${tag}`,
    `${tag}="${value}" is not a DMARC policy; it must be none, quarantine or reject.`,
    `Set ${tag}=reject (or quarantine; none only while monitoring).`,
  );
}

function alignmentFinding(tag: string, value: string): Finding | undefined {
  if (/^[rs]$/i.test(value)) return undefined;
  return finding(
    "error",
    `dmarc-invalid-${tag}`,
    `${tag}="${value}" is not an alignment mode; it must be r (relaxed) or s (strict).`,
    `Set ${tag}=r or ${tag}=s, or leave it out for relaxed.`,
  );
}

function pctFinding(value: string): Finding | undefined {
  if (/^[0-9]{1,3}$/.test(value) && Number(value) <= 100) return undefined;
  return finding(
    "error",
    "dmarc-invalid-pct",
    `pct="${value}" is not an integer from 0 to 100 (RFC 7489).`,
    "Remove pct (RFC 9989 dropped it; use t=y to test) or set an integer 0..100.",
  );
}

function foFinding(value: string): Finding | undefined {
  const tokens = value.split(":").map((x) => wspTrim(x).toLowerCase());
  const valid =
    tokens.every((x) => ["0", "1", "d", "s"].includes(x)) &&
    new Set(tokens).size === tokens.length &&
    !(tokens.includes("0") && tokens.includes("1"));
  if (valid) return undefined;
  return finding(
    "error",
    "dmarc-invalid-fo",
    `fo="${value}" is not a list of failure-reporting options (0, 1, d, s separated by ":", 0 and 1 not together, none repeated).`,
    "Set fo=1 (report any failure), fo=0, fo=d, fo=s or a combination such as fo=d:s.",
  );
}

function flagFinding(tag: string, value: string, allowed: string[]): Finding | undefined {
  if (allowed.includes(value.toLowerCase())) return undefined;
  return finding(
    "error",
    `dmarc-invalid-${tag}`,
    `${tag}="${value}" is not one of ${allowed.join(", ")}.`,
    `Set ${tag} to one of ${allowed.join(", ")}, or leave it out.`,
  );
}

function rfFinding(value: string): Finding | undefined {
  if (value.split(":").every((x) => wspTrim(x).toLowerCase() === "afrf")) return undefined;
  return finding(
    "error",
    "dmarc-invalid-rf",
    `rf="${value}": only "afrf" is a registered report format (RFC 7489).`,
    "Remove rf (RFC 9989 dropped it) or set rf=afrf.",
  );
}

function riFinding(value: string): Finding | undefined {
  if (/^[0-9]+$/.test(value) && Number(value) <= 0xffffffff) return undefined;
  return finding(
    "error",
    "dmarc-invalid-ri",
    `ri="${value}" is not a 32-bit unsigned integer (RFC 7489).`,
    "Remove ri (RFC 9989 dropped it) or set seconds, e.g. ri=86400.",
  );
}

function decodePercent(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/**
 * The addresses of a `mailto:` URI (RFC 6068, whose addr-spec admits a bracketed address literal
 * as the domain), or undefined when one is not a usable address.
 */
function mailtoAddresses(uri: string): EmailAddress[] | undefined {
  const to = uri.slice("mailto:".length).split("?")[0];
  if (to === "") return undefined;
  const addresses: EmailAddress[] = [];
  for (const encoded of to.split(",")) {
    const address = decodePercent(encoded);
    if (address === undefined) return undefined;
    const parsed = parseEmailAddress(address, { allowAddressLiteral: true });
    if (parsed === undefined) return undefined;
    addresses.push(parsed);
  }
  return addresses;
}

interface ReportUri {
  /** The URI without a `!size` suffix. */
  uri: string;
  size?: string;
  findings: Finding[];
}

/** Judges one report URI as it appears in rua/ruf (`URI [ "!" 1*DIGIT [ k / m / g / t ] ]`). */
function checkReportUri(tag: string, entry: string): ReportUri {
  const sized = SIZE_SUFFIX.exec(entry);
  const uri = sized ? entry.slice(0, sized.index) : entry;
  const findings: Finding[] = [];
  const scheme = URI_SCHEME.exec(uri);
  if (scheme && uri.includes("!")) {
    findings.push(
      finding(
        "error",
        "dmarc-invalid-uri",
        `${tag}: "${entry}" holds a literal "!" inside the URI; in rua/ruf "!" only starts the size suffix (RFC 7489 6.2).`,
        'Percent-encode "!" inside the URI as %21 (and "," as %2C).',
      ),
    );
    return { uri, findings };
  }
  if (!scheme || !URI_CHARS.test(uri) || uri.length === scheme[0].length) {
    findings.push(
      finding(
        "error",
        "dmarc-invalid-uri",
        `${tag}: "${entry}" is not a URI (it needs a scheme such as mailto: and URI characters only).`,
        `Write report destinations as mailto:address, e.g. ${tag}=mailto:dmarc@example.com; percent-encode "," ";" and spaces.`,
      ),
    );
    return { uri, findings };
  }
  if (scheme[0].toLowerCase() === "mailto:") {
    const addresses = mailtoAddresses(uri);
    if (!addresses) {
      findings.push(
        finding(
          "error",
          "dmarc-invalid-mailto",
          `${tag}: "${entry}" is not a usable mailto: address.`,
          `Write ${tag}=mailto:local@domain, e.g. mailto:dmarc-reports@example.com.`,
        ),
      );
    } else if (addresses.some((a) => a.literal === true)) {
      findings.push(
        finding(
          "warning",
          "dmarc-address-literal",
          `${tag}: "${entry}" sends reports to an address literal; no _report._dmarc record can authorize a host without a DNS name, so receivers that verify outside destinations (RFC 7489 7.1) send nothing there.`,
          `Use an address at a DNS name, e.g. ${tag}=mailto:dmarc-reports@example.com.`,
        ),
      );
    }
  } else {
    findings.push(
      finding(
        "warning",
        "dmarc-non-mailto-uri",
        `${tag}: "${entry}" is not a mailto: URI; receivers are only required to support mailto, so reports may never arrive.`,
        `Use a mailto: address in ${tag}.`,
      ),
    );
  }
  if (sized) {
    findings.push(
      finding(
        "warning",
        "dmarc-obsolete-size",
        `${tag}: the "!size" suffix on "${entry}" is obsolete (RFC 9989).`,
        `Remove "!${sized[1]}${sized[2] ?? ""}" from the URI.`,
      ),
    );
  }
  return { uri, size: sized?.[0], findings };
}

function checkUriList(tag: string, value: string): { uris: string[]; findings: Finding[] } {
  const uris: string[] = [];
  const findings: Finding[] = [];
  for (const raw of value.split(",")) {
    const entry = wspTrim(raw);
    if (entry === "") {
      findings.push(
        finding(
          "error",
          "dmarc-invalid-uri",
          `${tag}="${value}" has an empty entry in its comma-separated list.`,
          'Separate URIs with a single ","; percent-encode commas inside a URI as %2C.',
        ),
      );
      continue;
    }
    const checked = checkReportUri(tag, entry);
    uris.push(checked.uri);
    findings.push(...checked.findings);
  }
  return { uris, findings };
}

// ---------------------------------------------------------------------------------------------
// Builder
// ---------------------------------------------------------------------------------------------

/** Errors for option values buildDmarc cannot turn into a valid record; each names the option. */
export function checkDmarcOptions(opts: DmarcOptions): Finding[] {
  const findings: Finding[] = [];
  const push = (f: Finding | undefined): void => {
    if (f) findings.push(f);
  };
  const str = (v: unknown): string => (typeof v === "string" ? v : (JSON.stringify(v) ?? ""));
  push(policyFinding("p", str(opts.p)));
  if (opts.sp !== undefined) push(policyFinding("sp", str(opts.sp)));
  if (opts.np !== undefined) push(policyFinding("np", str(opts.np)));
  if (opts.adkim !== undefined) push(alignmentFinding("adkim", str(opts.adkim)));
  if (opts.aspf !== undefined) push(alignmentFinding("aspf", str(opts.aspf)));
  if (opts.pct !== undefined) {
    push(pctFinding(Number.isInteger(opts.pct) ? String(opts.pct) : `${str(opts.pct)}`));
  }
  if (opts.fo !== undefined) push(foFinding(str(opts.fo)));
  if (opts.t !== undefined) push(flagFinding("t", str(opts.t), ["y", "n"]));
  for (const tag of ["rua", "ruf"] as const) {
    const list = opts[tag];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      findings.push(
        finding(
          "error",
          `dmarc-invalid-${tag}`,
          `${tag} must be a list of URIs, got ${str(list)}.`,
          `Pass ${tag} as an array such as ["mailto:dmarc@example.com"].`,
        ),
      );
      continue;
    }
    for (const uri of list as unknown[]) {
      if (typeof uri !== "string" || /[,;\s]/.test(uri) || uri === "") {
        findings.push(
          finding(
            "error",
            "dmarc-invalid-uri",
            `${tag}: ${JSON.stringify(uri)} is not a single URI (empty, or holds ",", ";" or whitespace).`,
            "Give one URI per list entry and percent-encode , ; and spaces.",
          ),
        );
        continue;
      }
      findings.push(...errorsOf(checkReportUri(tag, uri).findings));
    }
  }
  return findings;
}

/**
 * The TXT value for `_dmarc.<domain>`: `v=DMARC1; p=...` first, then the given options.
 * Throws an Error listing the problems when checkDmarcOptions reports errors.
 */
export function buildDmarc(opts: DmarcOptions): string {
  const errors = errorsOf(checkDmarcOptions(opts));
  if (errors.length > 0) {
    throw new Error(
      `Invalid DMARC options: ${errors.map((e) => `${e.message} Fix: ${e.fix}`).join(" ")}`,
    );
  }
  const parts = ["v=DMARC1", `p=${opts.p}`];
  if (opts.sp !== undefined) parts.push(`sp=${opts.sp}`);
  if (opts.np !== undefined) parts.push(`np=${opts.np}`);
  if (opts.adkim !== undefined) parts.push(`adkim=${opts.adkim}`);
  if (opts.aspf !== undefined) parts.push(`aspf=${opts.aspf}`);
  if (opts.pct !== undefined) parts.push(`pct=${opts.pct}`);
  if (opts.fo !== undefined) parts.push(`fo=${opts.fo}`);
  if (opts.t !== undefined) parts.push(`t=${opts.t}`);
  if (opts.rua !== undefined && opts.rua.length > 0) parts.push(`rua=${opts.rua.join(",")}`);
  if (opts.ruf !== undefined && opts.ruf.length > 0) parts.push(`ruf=${opts.ruf.join(",")}`);
  return parts.join("; ");
}

// ---------------------------------------------------------------------------------------------
// Validator
// ---------------------------------------------------------------------------------------------

const VERSION_TAG = /^[Vv][ \t]*=[ \t]*DMARC1[ \t]*(?:;|$)/;

/** Whether a TXT value announces itself as a DMARC record (first tag v=DMARC1, value case-sensitive). */
export function isDmarcRecord(txt: string): boolean {
  return VERSION_TAG.test(txt.replace(/^[ \t]+/, ""));
}

function noneWarning(tag: string, what: string): Finding {
  return finding(
    "warning",
    `dmarc-${tag}-none`,
    `${tag}=none only monitors ${what}: receivers deliver mail that fails DMARC as usual.`,
    `Once reports show your mail passes, set ${tag}=quarantine, then ${tag}=reject.`,
  );
}

function historic(tag: string, value: string, why: string): Finding {
  return finding(
    "warning",
    `dmarc-historic-${tag}`,
    `${tag}=${value} is historic: ${why}`,
    `Remove ${tag}.`,
  );
}

/** Judges the joined TXT value of one DMARC record. */
export function analyzeDmarc(txt: string): DmarcAnalysis {
  const findings: Finding[] = [];
  if (wspTrim(txt.replace(/[\r\n]/g, " ")) === "") {
    return {
      findings: [
        finding(
          "error",
          "dmarc-empty",
          "The DMARC record is empty.",
          'Publish "v=DMARC1; p=reject; rua=mailto:<address>".',
        ),
      ],
    };
  }
  let text = txt;
  if (/^[ \t\r\n]/.test(txt)) {
    findings.push(
      finding(
        "error",
        "dmarc-leading-space",
        `The DMARC record "${txt}" starts with whitespace; it must begin with v=DMARC1.`,
        "Remove the leading whitespace.",
      ),
    );
    text = txt.replace(/^[ \t\r\n]+/, "");
  }
  if (!VERSION_TAG.test(text)) {
    findings.push(
      finding(
        "error",
        "dmarc-not-dmarc",
        `The record "${txt}" does not begin with v=DMARC1 (the value is case-sensitive and must come first), so receivers ignore it.`,
        'Begin the record with "v=DMARC1; p=".',
      ),
    );
    return { findings };
  }

  const { tags, issues } = parseTagList(text);
  findings.push(...tagListFindings(issues, "dmarc", "DMARC record"));

  const values = new Map<string, string>();
  let upperCase = false;
  for (const tag of tags) {
    const name = tag.name.toLowerCase();
    if (name !== tag.name) upperCase = true;
    if (values.has(name)) {
      findings.push(
        finding(
          "error",
          "dmarc-duplicate-tag",
          `The tag ${name}= appears more than once; the record is invalid.`,
          `Keep a single ${name}= tag.`,
        ),
      );
      continue;
    }
    values.set(name, tag.value);
    if (tag.value === "" && KNOWN_TAGS.has(name)) {
      findings.push(
        finding(
          "error",
          "dmarc-empty-value",
          `The tag ${name}= has an empty value.`,
          `Give ${name} a value or remove it.`,
        ),
      );
    } else if (!KNOWN_TAGS.has(name)) {
      findings.push(
        finding(
          "warning",
          "dmarc-unknown-tag",
          `The tag ${tag.name}=${tag.value} is not a DMARC tag; receivers ignore it.`,
          `Remove ${tag.name}= (check its spelling).`,
        ),
      );
    }
  }
  if (upperCase) {
    findings.push(
      finding(
        "warning",
        "dmarc-uppercase-tag",
        "The record spells tag names in upper case; the grammar allows it but some parsers match names exactly.",
        "Write tag names in lower case (v=, p=, ...).",
      ),
    );
  }

  const given = (name: string): string | undefined => {
    const v = values.get(name);
    return v === undefined || v === "" ? undefined : v;
  };
  const check = (f: Finding | undefined): void => {
    if (f) findings.push(f);
  };

  const p = given("p");
  if (!values.has("p")) {
    findings.push(
      finding(
        "error",
        "dmarc-missing-p",
        "The record has no p= tag: RFC 7489 receivers ignore it, and RFC 9989 receivers apply p=none at best (only when rua= is valid).",
        "Add p=none, p=quarantine or p=reject right after v=DMARC1.",
      ),
    );
  } else if (tags[1]?.name.toLowerCase() !== "p") {
    findings.push(
      finding(
        "warning",
        "dmarc-p-not-second",
        "p= is not the second tag; RFC 7489 requires v= then p=.",
        "Move p= right after v=DMARC1.",
      ),
    );
  }
  for (const [tag, what] of [
    ["p", "the domain"],
    ["sp", "subdomains"],
    ["np", "non-existent subdomains"],
  ] as const) {
    const value = given(tag);
    if (value === undefined) continue;
    const bad = policyFinding(tag, value);
    check(bad);
    if (!bad && value.toLowerCase() === "none") findings.push(noneWarning(tag, what));
  }
  for (const tag of ["adkim", "aspf"]) {
    const value = given(tag);
    if (value !== undefined) check(alignmentFinding(tag, value));
  }
  const pct = given("pct");
  if (pct !== undefined) {
    const bad = pctFinding(pct);
    check(bad);
    if (!bad) {
      findings.push(
        historic("pct", pct, "RFC 9989 receivers ignore it and apply the policy to all mail."),
      );
    }
  }
  const rf = given("rf");
  if (rf !== undefined) {
    const bad = rfFinding(rf);
    check(bad);
    if (!bad) findings.push(historic("rf", rf, "RFC 9989 removed it."));
  }
  const ri = given("ri");
  if (ri !== undefined) {
    const bad = riFinding(ri);
    check(bad);
    if (!bad) findings.push(historic("ri", ri, "RFC 9989 removed it."));
  }
  const fo = given("fo");
  if (fo !== undefined) check(foFinding(fo));
  const t = given("t");
  if (t !== undefined) {
    const bad = flagFinding("t", t, ["y", "n"]);
    check(bad);
    if (!bad && t.toLowerCase() === "y") {
      findings.push(
        finding(
          "warning",
          "dmarc-test-mode",
          "t=y puts the record in test mode: RFC 9989 receivers apply the next weaker policy (reject as quarantine, quarantine as none).",
          "Remove t=y (or set t=n) once reports show your mail passes.",
        ),
      );
    }
  }
  const psd = given("psd");
  if (psd !== undefined) {
    const bad = flagFinding("psd", psd, ["y", "n", "u"]);
    check(bad);
    if (!bad && psd.toLowerCase() === "y") {
      findings.push(
        finding(
          "warning",
          "dmarc-psd-y",
          "psd=y declares a public suffix domain; it is only for operators of public suffixes.",
          "Remove psd=y from a registrant's domain.",
        ),
      );
    }
  }

  const reports: Record<"rua" | "ruf", string[]> = { rua: [], ruf: [] };
  for (const tag of ["rua", "ruf"] as const) {
    const value = given(tag);
    if (value === undefined) continue;
    const checked = checkUriList(tag, value);
    reports[tag] = checked.uris;
    findings.push(...checked.findings);
  }
  if (!values.has("rua")) {
    findings.push(
      finding(
        "warning",
        "dmarc-no-rua",
        "The record has no rua=, so no aggregate reports will show who sends mail as the domain.",
        "Add rua=mailto:<address that collects reports>.",
      ),
    );
  }
  if (fo !== undefined && !values.has("ruf")) {
    findings.push(
      finding(
        "warning",
        "dmarc-fo-without-ruf",
        `fo=${fo} has no effect without ruf=.`,
        "Remove fo, or add ruf=mailto:<address> for failure reports.",
      ),
    );
  }

  if (errorsOf(findings).length > 0 || p === undefined) return { findings };

  const lower = (name: string): string | undefined => given(name)?.toLowerCase();
  const tagsOut: Record<string, string> = {};
  for (const [name, value] of values) tagsOut[name] = value;
  const record: DmarcRecord = {
    p: p.toLowerCase() as DmarcPolicy,
    rua: reports.rua,
    ruf: reports.ruf,
    adkim: (lower("adkim") ?? "r") as "r" | "s",
    aspf: (lower("aspf") ?? "r") as "r" | "s",
    t: (lower("t") ?? "n") as "y" | "n",
    tags: tagsOut,
  };
  const sp = lower("sp");
  if (sp !== undefined) record.sp = sp as DmarcPolicy;
  const np = lower("np");
  if (np !== undefined) record.np = np as DmarcPolicy;
  if (pct !== undefined) record.pct = Number(pct);
  return { record, findings };
}

/**
 * Judges every TXT value found at `_dmarc.<domain>` (each already joined). Values that do not
 * announce DMARC are ignored by receivers (a warning here); more than one DMARC record makes
 * receivers discard them all.
 */
export function analyzeDmarcRecordSet(txts: string[]): DmarcAnalysis {
  const candidates = txts.filter(isDmarcRecord);
  const others = txts.length - candidates.length;
  if (candidates.length === 0) {
    return {
      findings: [
        finding(
          "error",
          "dmarc-no-record",
          txts.length === 0
            ? "There is no DMARC record."
            : `None of the ${txts.length} TXT records at _dmarc begins with v=DMARC1.`,
          'Publish one TXT record "v=DMARC1; p=reject; rua=mailto:<address>" at _dmarc.<domain>.',
        ),
      ],
    };
  }
  if (candidates.length > 1) {
    return {
      findings: [
        finding(
          "error",
          "dmarc-multiple-records",
          `There are ${candidates.length} DMARC records at one name (${candidates.map((c) => `"${c}"`).join(", ")}); receivers discard all of them.`,
          "Keep exactly one v=DMARC1 record at _dmarc.<domain>.",
        ),
      ],
    };
  }
  const analysis = analyzeDmarc(candidates[0]);
  if (others > 0) {
    analysis.findings.push(
      finding(
        "warning",
        "dmarc-unrelated-txt",
        `${others} other TXT record(s) at _dmarc do not begin with v=DMARC1; receivers ignore them but some checkers report an error.`,
        "Remove TXT records other than the DMARC record from _dmarc.<domain>.",
      ),
    );
  }
  return analysis;
}

// ---------------------------------------------------------------------------------------------
// Enforcement: the judgement of the pack's dmarc-policy-enforced, shared with the components
// ---------------------------------------------------------------------------------------------

/** What a DMARC record must enforce (the configuration of the pack's `dmarc-policy-enforced`). */
export interface DmarcEnforcement {
  /** The weakest policy accepted for `p`, and for `sp` and `np` when present. */
  minimumPolicy: DmarcPolicy;
  /** Whether `pct` must be 100 (or absent). */
  requireFullPct: boolean;
}

/** The pack's defaults: at least quarantine, applied to all failing mail. */
export const DMARC_ENFORCEMENT_DEFAULTS: Readonly<DmarcEnforcement> = {
  minimumPolicy: "quarantine",
  requireFullPct: true,
};

const RANK: Record<DmarcPolicy, number> = { none: 0, quarantine: 1, reject: 2 };
const BY_RANK: readonly DmarcPolicy[] = ["none", "quarantine", "reject"];

function isPolicy(value: unknown): value is DmarcPolicy {
  return typeof value === "string" && (BY_RANK as readonly string[]).includes(value);
}

/** What RFC 9989 receivers apply under `t=y`: the next weaker policy (none stays none). */
function weakerByOne(policy: DmarcPolicy): DmarcPolicy {
  return BY_RANK[Math.max(0, RANK[policy] - 1)];
}

/**
 * The weakest policy receivers apply to any part of the domain under a record: the weakest of
 * `p`, `sp` and `np`, one level weaker under `t=y` (RFC 9989 test mode). A record meets a minimum
 * policy (ignoring `pct`) exactly when this is at least that minimum.
 */
export function effectivePolicy(record: Pick<DmarcRecord, "p" | "sp" | "np" | "t">): DmarcPolicy {
  const given = [record.p, record.sp, record.np].filter(isPolicy);
  const weakest = given.reduce((a, b) => (RANK[b] < RANK[a] ? b : a), record.p);
  return record.t === "y" ? weakerByOne(weakest) : weakest;
}

/**
 * Errors for a DMARC record (the joined TXT value) that does not enforce `enforcement`: `p`, and
 * `sp` and `np` when present, weaker than the minimum; a policy that meets it but drops below it
 * under `t=y` (RFC 9989 receivers apply the next weaker policy); and `pct` below 100 when full
 * coverage is required. A record receivers would not accept gives none (analyzeDmarc reports
 * it). An unknown `minimumPolicy` counts as quarantine. The pack's `dmarc-policy-enforced`
 * reports these, and the components refuse to publish what it would report.
 */
export function effectivePolicyFindings(
  value: string,
  enforcement: Partial<DmarcEnforcement> = {},
): Finding[] {
  const record = analyzeDmarc(value).record;
  if (record === undefined) return [];
  const minimum = isPolicy(enforcement.minimumPolicy)
    ? enforcement.minimumPolicy
    : DMARC_ENFORCEMENT_DEFAULTS.minimumPolicy;
  const requireFullPct = enforcement.requireFullPct ?? DMARC_ENFORCEMENT_DEFAULTS.requireFullPct;
  const findings: Finding[] = [];
  const tags: [string, DmarcPolicy | undefined][] = [
    ["p", record.p],
    ["sp", record.sp],
    ["np", record.np],
  ];
  // Under t=y (RFC 9989 test mode) receivers apply the next weaker policy. Lowering the minimum
  // is how a stack accepts that while it tests.
  const testMode = record.t === "y";
  for (const [tag, policy] of tags) {
    if (policy === undefined) continue;
    if (RANK[policy] < RANK[minimum]) {
      findings.push(
        finding(
          "error",
          "dmarc-policy-below-minimum",
          `DMARC ${tag}=${policy} in "${value}" is weaker than ${minimum}, so receivers deliver mail that fails DMARC.`,
          `set ${tag}=${minimum === "none" ? "quarantine" : minimum} once reports show legitimate mail passing (mailguard's MailDomain defaults to quarantine).`,
        ),
      );
    } else if (testMode && RANK[weakerByOne(policy)] < RANK[minimum]) {
      findings.push(
        finding(
          "error",
          "dmarc-test-mode-below-minimum",
          `DMARC t=y in "${value}" puts the record in test mode, so RFC 9989 receivers apply ${tag}=${weakerByOne(policy)} instead of ${tag}=${policy}, weaker than ${minimum}.`,
          "remove t=y (or set t=n) once reports show legitimate mail passing, or lower minimumPolicy while testing.",
        ),
      );
    }
  }
  if (requireFullPct && record.pct !== undefined && record.pct !== 100) {
    findings.push(
      finding(
        "error",
        "dmarc-partial-pct",
        `DMARC pct=${record.pct} in "${value}" applies the policy to only ${record.pct}% of failing mail.`,
        "remove pct or set pct=100.",
      ),
    );
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------
// Organizational domains and external report destinations
// ---------------------------------------------------------------------------------------------

/** Lower-case ASCII (IDN to punycode), no trailing dot; an invalid name is only lower-cased. */
function normalizeName(name: string): string {
  return checkDomainName(name.trim()).name ?? name.trim().toLowerCase().replace(/\.$/, "");
}

/**
 * The organizational domain (RFC 7489 3.2): one label below the longest matching public suffix.
 * Uses the whole public suffix list, private section included, as OpenDMARC and mailauth do:
 * `a.github.io` and `b.github.io` belong to different organizations. A name that is itself a
 * public suffix, or not a domain, is returned normalized (lower case, no trailing dot). The list
 * is read through domain.ts `publicSuffixOf`, as the components' public-suffix check reads it.
 */
export function organizationalDomain(domain: string): string {
  const name = normalizeName(domain);
  return publicSuffixOf(name).registrable ?? name;
}

/**
 * Whether a name lies under a registrable domain of a listed public suffix (`mail.example.com`
 * does; `mail`, `mail.internal` or a bare public suffix does not), with the same list and options
 * as `organizationalDomain`.
 */
export function hasRegistrableDomain(domain: string): boolean {
  const view = publicSuffixOf(normalizeName(domain));
  return view.registrable !== undefined && view.section !== "none";
}

export interface ReportAuthorization {
  uri: string;
  /** Host of the report address. */
  destination: string;
  /** `${policyDomain}._report._dmarc.${destination}` */
  name: string;
  content: "v=DMARC1;";
}

/**
 * The `_report._dmarc` authorization records that report destinations outside the policy domain's
 * organizational domain must publish (RFC 7489 7.1, RFC 9989). Only mailto: URIs are considered;
 * unusable URIs are skipped (analyzeDmarc reports them). One entry per record name.
 */
export function externalReportDestinations(
  policyDomain: string,
  uris: string[],
): ReportAuthorization[] {
  const domain = normalizeName(policyDomain);
  const org = organizationalDomain(domain);
  const byName = new Map<string, ReportAuthorization>();
  for (const entry of uris) {
    const { uri, findings } = checkReportUri("rua", wspTrim(entry));
    if (errorsOf(findings).length > 0 || !/^mailto:/i.test(uri)) continue;
    for (const address of mailtoAddresses(uri) ?? []) {
      // An address literal has no name to publish an authorization under.
      if (address.literal === true) continue;
      const destination = normalizeName(address.domain);
      if (organizationalDomain(destination) === org) continue;
      const name = `${domain}._report._dmarc.${destination}`;
      if (!byName.has(name))
        byName.set(name, { uri: entry, destination, name, content: "v=DMARC1;" });
    }
  }
  return [...byName.values()];
}

/**
 * Judges a report authorization record (the TXT at `<domain>._report._dmarc.<host>`): it must
 * begin with v=DMARC1, and any further tags are ignored by receivers.
 */
export function analyzeReportAuthorization(txt: string): Finding[] {
  if (isDmarcRecord(txt) && !/^[ \t]/.test(txt)) return [];
  return [
    finding(
      "error",
      "dmarc-invalid-report-authorization",
      `The report authorization record "${txt}" does not begin with v=DMARC1.`,
      'Publish "v=DMARC1;".',
    ),
  ];
}
