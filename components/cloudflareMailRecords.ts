import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { analyzeDkimKey } from "../policies/core/dkim";
import {
  analyzeDmarc,
  analyzeDmarcRecordSet,
  analyzeReportAuthorization,
  buildDmarc,
  checkDmarcOptions,
  DMARC_ENFORCEMENT_DEFAULTS,
  DmarcEnforcement,
  DmarcOptions,
  DmarcPolicy,
  effectivePolicy,
  effectivePolicyFindings,
  externalReportDestinations,
  isDmarcRecord,
  ReportAuthorization,
} from "../policies/core/dmarc";
import { checkDomainName, isSameOrSubdomain } from "../policies/core/domain";
import { errorsOf, Finding } from "../policies/core/finding";
import { SES_FEEDBACK_MX_PRIORITY } from "../policies/core/ses-regions";
import {
  analyzeSpf,
  checkSpfRecordSet,
  isSpfRecord,
  mergeSpf,
  SpfOptions,
} from "../policies/core/spf";
import { quoteTxt } from "../policies/core/txt";
import {
  ArgumentError,
  argsArg,
  arrayArg,
  DEFAULT_RECORD_TTL,
  domainArg,
  failOnErrors,
  inputStringArg,
  integerArg,
  MailDnsRecord,
  objectArg,
  oneOfArg,
  optionalString,
  PublishedDnsRecord,
  sendingDomainArg,
  stringArg,
  TOKEN_PREFIX,
  validateFor,
} from "./common";

/**
 * Where aggregate reports go when the DMARC options leave `rua` undefined:
 * `mailto:dmarc-reports@<domain>`. A record without `rua=` leaves the owner blind to who sends as
 * the domain, so the default names a mailbox inside the domain, which needs no authorization
 * record. Create that mailbox or point `rua` at your report service; `rua: []` publishes none.
 */
export function defaultDmarcRua(domain: string): string[] {
  return [`mailto:dmarc-reports@${domain}`];
}

/**
 * The DMARC policy published when none is given: quarantine, relaxed DKIM and SPF alignment, and
 * aggregate reports to {@link defaultDmarcRua}.
 */
export function defaultDmarc(domain: string): DmarcOptions {
  return { p: "quarantine", adkim: "r", aspf: "r", rua: defaultDmarcRua(domain) };
}

/**
 * The DMARC options to publish: the default when none are given, else the given ones with `rua`
 * defaulted when it is undefined (an empty list stays empty and publishes no `rua=`).
 */
export function effectiveDmarc(domain: string, dmarc: DmarcOptions | undefined): DmarcOptions {
  if (dmarc === undefined) return defaultDmarc(domain);
  return dmarc.rua === undefined ? { ...dmarc, rua: defaultDmarcRua(domain) } : dmarc;
}

/**
 * An SPF record for the domain itself, for senders other than SES. A string is read as
 * `{ existing: <string> }`: the record the domain publishes today, published as it is (after the
 * core's checks).
 */
export interface ApexSpfArgs {
  /**
   * The SPF value the domain publishes today, if any (the joined TXT text). Its terms are kept and
   * ours added; the record this component publishes replaces it, so delete or import the old one.
   */
  existing?: string;
  /**
   * Senders to add. Without `existing`, the record is built from these alone; it must then name a
   * sender or set `all` explicitly (`{ all: "-" }` publishes `v=spf1 -all` on purpose: the domain
   * sends no mail but through SES's MAIL FROM domain). Default: none.
   */
  add?: SpfOptions;
}

/**
 * What the policy pack's mandatory `dmarc-policy-enforced` policy is configured with in your
 * stack: the component refuses a DMARC record that policy would fail. The fields and defaults are
 * those of the policy's configuration (`minimumPolicy`, `requireFullPct`).
 */
export type DmarcPolicyEnforcedArgs = Partial<DmarcEnforcement>;

/**
 * Cloudflare's TTL floor on Enterprise zones; other plans start at 60 and refuse 30..59 when the
 * record is created (@pulumi/cloudflare DnsRecord `ttl`).
 */
export const CLOUDFLARE_MIN_TTL_ENTERPRISE = 30;

export interface CloudflareMailRecordsArgs {
  /** The Cloudflare zone id (a string or an Output). */
  zoneId: pulumi.Input<string>;
  /** The zone's name; when given, every record must lie in it. Default: not checked. */
  zoneName?: string;
  /** The sending domain: the zone apex or any subdomain of the zone; not a public suffix. */
  domain: string;
  /**
   * Records to publish, typically `SesSender.dnsRecords`, each checked as the component's own are
   * (TXT values through the core's SPF, DMARC and DKIM checks; one SPF and one DMARC record per
   * name; a CNAME alone at its name). Default: none.
   */
  records?: MailDnsRecord[];
  /**
   * DMARC for `_dmarc.<domain>`; `false` publishes none. Default `p=quarantine` with relaxed
   * alignment and aggregate reports to `mailto:dmarc-reports@<domain>`. When the options leave
   * `rua` undefined, reports go to `mailto:dmarc-reports@<domain>` too: create that mailbox or
   * point `rua` at your report service; `rua: []` publishes none. Report addresses outside the
   * domain are listed in `reportAuthorizations`. A policy the pack's `dmarc-policy-enforced` would
   * fail (`p=none`, `pct` below 100, ...) is refused; see `dmarcPolicyEnforced`.
   */
  dmarc?: DmarcOptions | false;
  /**
   * The configuration your stack gives the pack's `dmarc-policy-enforced` policy, when it is not
   * the default: DMARC records (ours and those in `records`) that policy would fail are refused.
   * `{ minimumPolicy: "none" }` lets `p=none` through (while monitoring, with the pack configured
   * alike). Default `{ minimumPolicy: "quarantine", requireFullPct: true }`, the pack's default.
   */
  dmarcPolicyEnforced?: DmarcPolicyEnforcedArgs;
  /**
   * Publish an SPF record at the domain itself, merged with the existing one: `{ existing, add }`,
   * or the existing record as a string. Default: none.
   */
  apexSpf?: ApexSpfArgs | string;
  /**
   * TTL of every record in seconds: 1 (automatic), or 60..86400; 30..59 works on Enterprise zones
   * only (Cloudflare's DnsRecord `ttl`). Default: each record's own, 3600.
   */
  ttl?: number;
}

export interface NormalizedCloudflareMailRecordsArgs {
  zoneId: pulumi.Input<string>;
  domain: string;
  zoneName?: string;
  ttl?: number;
  records: MailDnsRecord[];
  reportAuthorizations: ReportAuthorization[];
}

/** Every argument CloudflareMailRecords takes; any other key is refused. */
export const CLOUDFLARE_MAIL_RECORDS_ARGUMENTS: readonly (keyof CloudflareMailRecordsArgs)[] = [
  "zoneId",
  "zoneName",
  "domain",
  "records",
  "dmarc",
  "dmarcPolicyEnforced",
  "apexSpf",
  "ttl",
];

const DMARC_OPTION_FIELDS: readonly (keyof DmarcOptions)[] = [
  "p",
  "sp",
  "np",
  "pct",
  "rua",
  "ruf",
  "adkim",
  "aspf",
  "fo",
  "t",
];
const SPF_OPTION_FIELDS: readonly (keyof SpfOptions)[] = [
  "includes",
  "ip4",
  "ip6",
  "a",
  "mx",
  "all",
  "redirect",
];
const RECORD_FIELDS: readonly (keyof MailDnsRecord)[] = [
  "key",
  "name",
  "type",
  "content",
  "priority",
  "ttl",
  "purpose",
];
const RECORD_TYPES: readonly MailDnsRecord["type"][] = ["CNAME", "TXT", "MX"];
const RECORD_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const POLICY = "dmarc-policy-enforced";

function ttlArg(argument: string, value: unknown, fix: string): number {
  if (
    typeof value !== "number" ||
    !(
      value === 1 ||
      (Number.isInteger(value) && value >= CLOUDFLARE_MIN_TTL_ENTERPRISE && value <= 86400)
    )
  ) {
    throw new ArgumentError(
      argument,
      value,
      `Cloudflare accepts 1 (automatic) or 60 to 86400 seconds (from 30 on Enterprise zones). Fix: ${fix}`,
    );
  }
  return value;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The `dmarcPolicyEnforced` argument, with the pack's defaults filled in. */
function enforcementArg(value: unknown): DmarcEnforcement {
  if (value === undefined) return { ...DMARC_ENFORCEMENT_DEFAULTS };
  const given = objectArg(
    "dmarcPolicyEnforced",
    value,
    ["minimumPolicy", "requireFullPct"],
    `the configuration of the pack's ${POLICY} policy ({ minimumPolicy, requireFullPct })`,
    `Pass what your stack configures for ${POLICY}, such as { minimumPolicy: "none" }, or leave it out for its defaults.`,
  );
  const requireFullPct =
    given.requireFullPct === undefined
      ? DMARC_ENFORCEMENT_DEFAULTS.requireFullPct
      : given.requireFullPct;
  if (typeof requireFullPct !== "boolean") {
    throw new ArgumentError(
      "dmarcPolicyEnforced.requireFullPct",
      requireFullPct,
      "it must be true or false. Fix: Pass a plain boolean, as your stack configures the policy, or leave it out for true.",
    );
  }
  return {
    minimumPolicy: oneOfArg<DmarcPolicy>(
      "dmarcPolicyEnforced.minimumPolicy",
      given.minimumPolicy,
      ["none", "quarantine", "reject"],
      DMARC_ENFORCEMENT_DEFAULTS.minimumPolicy,
    ),
    requireFullPct,
  };
}

/**
 * Throws when the pack's `dmarc-policy-enforced`, configured with `enforcement`, would fail the
 * DMARC record `value`: the core's judgement (policies/core/dmarc.ts effectivePolicyFindings),
 * naming the policy and the configuration that would accept the record.
 */
function failOnWeakDmarc(
  argument: string,
  shown: unknown,
  value: string,
  enforcement: DmarcEnforcement,
): void {
  const findings = effectivePolicyFindings(value, enforcement);
  if (findings.length === 0) return;
  // The configuration under which the pack would accept the record: the minimum lowered to the
  // policy receivers apply (only when that is what fails), full pct no longer required.
  const policyMet =
    effectivePolicyFindings(value, { ...enforcement, requireFullPct: false }).length === 0;
  const record = analyzeDmarc(value).record!;
  const accepting: DmarcEnforcement = {
    minimumPolicy: policyMet ? enforcement.minimumPolicy : effectivePolicy(record),
    requireFullPct: enforcement.requireFullPct && (record.pct === undefined || record.pct === 100),
  };
  const optIn = (Object.keys(accepting) as (keyof DmarcEnforcement)[])
    .filter((k) => accepting[k] !== enforcement[k])
    .map((k) => `${k}: ${JSON.stringify(accepting[k])}`)
    .join(", ");
  throw new ArgumentError(
    argument,
    shown,
    `the policy pack's mandatory ${POLICY} policy (minimumPolicy "${enforcement.minimumPolicy}", requireFullPct ${enforcement.requireFullPct}) would fail it: ${findings.map((f) => f.message).join(" ")} Fix: ${findings.map((f) => capitalized(f.fix)).join(" ")} Or, if your stack configures ${POLICY} with ${optIn}, pass dmarcPolicyEnforced: { ${optIn} } to say so.`,
  );
}

/** The DMARC options to publish (undefined for none), checked for type, values and enforcement. */
function dmarcArg(
  value: unknown,
  domain: string,
  enforcement: DmarcEnforcement,
): { options: DmarcOptions; record: string } | undefined {
  if (value === false) return undefined;
  if (value !== undefined) {
    const given = objectArg(
      "dmarc",
      value,
      DMARC_OPTION_FIELDS,
      'false or DMARC options such as { p: "reject" }',
      'Pass options such as { p: "reject", rua: ["mailto:dmarc@example.com"] }, false for no DMARC record, or leave it out for p=quarantine.',
    );
    if (given.p === undefined) {
      throw new ArgumentError(
        "dmarc.p",
        given.p,
        'DMARC options need p, the policy for the domain. Fix: Give p: "quarantine" or p: "reject".',
      );
    }
    for (const field of ["p", "sp", "np", "adkim", "aspf", "fo", "t"] as const) {
      if (given[field] !== undefined && typeof given[field] !== "string") {
        throw new ArgumentError(
          `dmarc.${field}`,
          given[field],
          `it must be a string. Fix: Give ${field} as the text of its DMARC tag, such as ${field === "p" || field === "sp" || field === "np" ? '"reject"' : field === "fo" ? '"1"' : field === "t" ? '"n"' : '"r"'}, or leave it out.`,
        );
      }
    }
    if (given.pct !== undefined && typeof given.pct !== "number") {
      throw new ArgumentError(
        "dmarc.pct",
        given.pct,
        "it must be a number. Fix: Leave pct out (the policy then applies to all mail), or give 100.",
      );
    }
    for (const field of ["rua", "ruf"] as const) {
      arrayArg(
        `dmarc.${field}`,
        given[field],
        `List URIs such as ["mailto:dmarc@${domain}"]${field === "rua" ? ", [] for none, or leave it out for mailto:dmarc-reports@" + domain : ", or leave it out for none"}.`,
      );
    }
  }
  const options = effectiveDmarc(domain, value as DmarcOptions | undefined);
  failOnErrors("dmarc", value ?? options, checkDmarcOptions(options));
  const record = buildDmarc(options);
  failOnWeakDmarc("dmarc", value ?? options, record, enforcement);
  return { options, record };
}

/** The apex SPF record to publish (undefined for none): merged by the core, never invented. */
function apexSpfArg(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const given: Record<string, unknown> =
    typeof value === "string"
      ? {
          existing: stringArg(
            "apexSpf",
            value,
            "Give the SPF value the domain publishes today (it starts with v=spf1), or leave apexSpf out.",
          ),
        }
      : objectArg(
          "apexSpf",
          value,
          ["existing", "add"],
          "the SPF record the domain publishes today (a string), or { existing, add }",
          'Pass { existing: "v=spf1 include:_spf.google.com ~all", add: { includes: [...] } }, or leave it out to publish no SPF record at the domain.',
        );
  const existing = optionalString(
    "apexSpf.existing",
    given.existing,
    "Give the SPF value the domain publishes today (it starts with v=spf1), or leave existing out when there is none.",
  );
  const add =
    given.add === undefined
      ? undefined
      : (objectArg(
          "apexSpf.add",
          given.add,
          SPF_OPTION_FIELDS,
          'SPF options such as { includes: ["_spf.google.com"] }',
          'Pass the senders to add, such as { includes: ["_spf.google.com"], ip4: ["192.0.2.0/24"] }.',
        ) as SpfOptions);
  if (existing === undefined) {
    const names = (list: unknown) => Array.isArray(list) && list.length > 0;
    const senders =
      add !== undefined &&
      (names(add.includes) ||
        names(add.ip4) ||
        names(add.ip6) ||
        add.a === true ||
        names(add.a) ||
        add.mx === true ||
        names(add.mx) ||
        add.redirect !== undefined ||
        add.all !== undefined);
    if (!senders) {
      throw new ArgumentError(
        "apexSpf",
        value,
        'it gives no SPF record: without existing, add must name a sender, and mailguard does not publish v=spf1 -all at the domain (which fails every other sender of it) unless asked. Fix: Give existing (the SPF value the domain publishes today), senders in add, or add: { all: "-" } to publish v=spf1 -all on purpose.',
      );
    }
  }
  const merged = mergeSpf(existing, add ?? {});
  failOnErrors("apexSpf", value, merged.findings);
  if (merged.record === undefined) {
    throw new ArgumentError(
      "apexSpf",
      value,
      "no SPF record results. Fix: Check existing and add.",
    );
  }
  return merged.record;
}

/** A record of `records`, checked for type and shape on its own (not yet against the others). */
function recordArg(
  at: string,
  value: unknown,
  zone: string,
  enforcement: DmarcEnforcement,
): MailDnsRecord {
  const r = objectArg(
    at,
    value,
    RECORD_FIELDS,
    "a record { key, name, type, content, ttl, purpose } (priority for MX)",
    "Pass records such as SesSender.dnsRecords lists them.",
  );
  if (typeof r.key !== "string" || !RECORD_KEY.test(r.key)) {
    throw new ArgumentError(
      `${at}.key`,
      r.key,
      "it must be a name-safe string (letters, digits, _ . -, starting with a letter or digit); it goes into the resource's logical name. Fix: Give each record a key such as mail-from-mx.",
    );
  }
  const type = r.type;
  if (typeof type !== "string" || !(RECORD_TYPES as readonly string[]).includes(type)) {
    throw new ArgumentError(
      `${at}.type`,
      type,
      'it must be "CNAME", "TXT" or "MX", the mail record types. Fix: Publish other records with cloudflare.DnsRecord directly.',
    );
  }
  const name = inputStringArg(`${at}.name`, r.name, {
    shape: "a fully qualified name",
    fix: `Give the record's name, such as mail.${zone}.`,
  });
  if (typeof name === "string") {
    const check = checkDomainName(name, { allowUnderscore: true });
    failOnErrors(`${at}.name`, name, check.findings);
    if (check.name === undefined || !isSameOrSubdomain(check.name, zone)) {
      throw new ArgumentError(
        `${at}.name`,
        name,
        `it is outside ${zone}. Fix: Publish records of the zone only.`,
      );
    }
  }
  const content = inputStringArg(`${at}.content`, r.content, {
    shape: type === "TXT" ? "the TXT value" : "a host name",
    fix:
      type === "TXT"
        ? "Give the TXT value as DNS presents it, unquoted."
        : `Give the ${type === "MX" ? "mail exchanger" : "target"} host, such as feedback-smtp.eu-west-1.amazonses.com.`,
  });
  if (typeof content === "string") {
    if (type === "TXT") {
      failOnErrors(
        `${at}.content`,
        content,
        txtFindings(typeof name === "string" ? dnsName(name) : undefined, content),
      );
      if (typeof name === "string" && isDmarcName(dnsName(name)) && isDmarcRecord(content)) {
        failOnWeakDmarc(`${at}.content`, content, content, enforcement);
      }
    } else {
      failOnErrors(
        `${at}.content`,
        content,
        checkDomainName(content, { allowUnderscore: type === "CNAME" }).findings,
      );
    }
  }
  let priority: number | undefined;
  if (type === "MX") {
    priority = integerArg(
      `${at}.priority`,
      r.priority,
      { min: 0, max: 65535, fallback: SES_FEEDBACK_MX_PRIORITY },
      `Give the MX preference, such as ${SES_FEEDBACK_MX_PRIORITY}.`,
    );
  } else if (r.priority !== undefined) {
    throw new ArgumentError(
      `${at}.priority`,
      r.priority,
      "only MX records have a priority. Fix: Leave it out.",
    );
  }
  const ttl = ttlArg(`${at}.ttl`, r.ttl, `Give the record's TTL, such as ${DEFAULT_RECORD_TTL}.`);
  const purpose = stringArg(
    `${at}.purpose`,
    r.purpose,
    "Say in a few words what the record is for; it goes into the record's comment.",
  );
  return {
    key: r.key,
    name,
    type: type as MailDnsRecord["type"],
    content,
    ...(priority !== undefined ? { priority } : {}),
    ttl,
    purpose,
  };
}

function dnsName(name: string): string {
  return checkDomainName(name, { allowUnderscore: true }).name ?? name.toLowerCase();
}

function isDmarcName(name: string): boolean {
  return name.startsWith("_dmarc.");
}

/**
 * The core's errors for one TXT value at a name (when known): SPF records through the SPF
 * analysis (permerrors, and advice errors such as `+all`), DMARC records at `_dmarc.` through the
 * DMARC validator, DKIM key records at `._domainkey.` through analyzeDkimKey, and report
 * authorizations at `._report._dmarc.`.
 */
function txtFindings(name: string | undefined, value: string): Finding[] {
  if (isSpfRecord(value)) {
    const spf = analyzeSpf(value);
    return errorsOf([...spf.permerrors, ...spf.advice]);
  }
  if (name === undefined) return [];
  if (name.includes("._report._dmarc.")) return analyzeReportAuthorization(value);
  if (isDmarcName(name)) return isDmarcRecord(value) ? errorsOf(analyzeDmarc(value).findings) : [];
  if (name.includes("._domainkey.")) return errorsOf(analyzeDkimKey(value).findings);
  return [];
}

interface Placed {
  /** Where the record came from, for messages: `records[2]`, `dmarc`, `apexSpf`. */
  source: string;
  record: MailDnsRecord;
}

/**
 * Judges a record of `records` against the records published beside it (when names and values
 * are known): one SPF record and one DMARC record per name (the core's record-set checks), and a
 * CNAME alone at its name.
 */
function checkAgainst(at: string, record: MailDnsRecord, others: Placed[]): void {
  if (typeof record.name !== "string") return;
  const name = dnsName(record.name);
  const here = others.filter(
    (o) => typeof o.record.name === "string" && dnsName(o.record.name) === name,
  );
  const cname = here.find((o) => o.record.type === "CNAME" || record.type === "CNAME");
  if (cname !== undefined) {
    throw new ArgumentError(
      at,
      record,
      `${name} would hold a CNAME and another record (${cname.source}); a CNAME must be alone at its name (RFC 1034 3.6.2). Fix: Publish the CNAME at a name of its own, or drop one of them.`,
    );
  }
  if (record.type !== "TXT" || typeof record.content !== "string") return;
  const texts = here
    .filter((o) => o.record.type === "TXT" && typeof o.record.content === "string")
    .map((o) => ({ source: o.source, text: o.record.content as string }));
  const value = record.content;
  if (isSpfRecord(value)) {
    const spf = texts.filter((t) => isSpfRecord(t.text));
    const findings = checkSpfRecordSet([...spf.map((t) => t.text), value]);
    if (spf.length > 0) {
      failOnErrors(
        `${at}.content`,
        value,
        findings.map((f) => ({
          ...f,
          message: `${name} would have a second SPF record beside the one from ${spf[0].source}. ${f.message}`,
        })),
      );
    }
  }
  if (isDmarcName(name) && isDmarcRecord(value)) {
    const dmarc = texts.filter((t) => isDmarcRecord(t.text));
    if (dmarc.length > 0) {
      failOnErrors(
        `${at}.content`,
        value,
        errorsOf(analyzeDmarcRecordSet([...dmarc.map((t) => t.text), value]).findings).map((f) => ({
          ...f,
          message: `${name} would have a second DMARC record beside the one from ${dmarc[0].source}. ${f.message}`,
        })),
      );
    }
  }
}

/**
 * Checks every argument for type and shape and returns every record to publish; throws
 * ArgumentError naming the bad argument.
 */
export function validateCloudflareMailRecordsArgs(
  args: CloudflareMailRecordsArgs,
): NormalizedCloudflareMailRecordsArgs {
  const given = argsArg("CloudflareMailRecords", args, CLOUDFLARE_MAIL_RECORDS_ARGUMENTS);
  const zoneId = inputStringArg("zoneId", given.zoneId, {
    pattern: /^\S+$/,
    shape: "a Cloudflare zone id",
    fix: "Give the zone's id (32 hexadecimal characters, on the zone's overview page in the Cloudflare dashboard).",
  });
  const domain = sendingDomainArg("domain", given.domain);
  let zoneName: string | undefined;
  if (given.zoneName !== undefined) {
    zoneName = domainArg("zoneName", given.zoneName);
    if (!isSameOrSubdomain(domain, zoneName)) {
      throw new ArgumentError(
        "domain",
        given.domain,
        `it is not in the zone ${zoneName}. Fix: Use the zone of the domain (or of a parent domain).`,
      );
    }
  }
  const ttl =
    given.ttl === undefined ? undefined : ttlArg("ttl", given.ttl, "Leave it out for 3600.");
  const enforcement = enforcementArg(given.dmarcPolicyEnforced);

  const own: Placed[] = [];
  let reportAuthorizations: ReportAuthorization[] = [];
  const dmarc = dmarcArg(given.dmarc, domain, enforcement);
  if (dmarc !== undefined) {
    own.push({
      source: "dmarc",
      record: {
        key: "dmarc",
        name: `_dmarc.${domain}`,
        type: "TXT",
        content: dmarc.record,
        ttl: DEFAULT_RECORD_TTL,
        purpose: "DMARC policy",
      },
    });
    reportAuthorizations = externalReportDestinations(domain, [
      ...(dmarc.options.rua ?? []),
      ...(dmarc.options.ruf ?? []),
    ]);
  }
  const spf = apexSpfArg(given.apexSpf);
  if (spf !== undefined) {
    own.push({
      source: "apexSpf",
      record: {
        key: "spf",
        name: domain,
        type: "TXT",
        content: spf,
        ttl: DEFAULT_RECORD_TTL,
        purpose: "SPF of the domain",
      },
    });
  }

  const zone = zoneName ?? domain;
  const list = arrayArg(
    "records",
    given.records,
    "Pass a list of records such as SesSender.dnsRecords, or leave it out for none.",
  );
  const placed: Placed[] = [...own];
  const records = (list ?? []).map((value, i) => {
    const at = `records[${i}]`;
    const record = recordArg(at, value, zone, enforcement);
    if (placed.some((p) => p.record.key === record.key)) {
      throw new ArgumentError(
        `${at}.key`,
        record.key,
        "another record has the same key. Fix: Give each record its own key.",
      );
    }
    checkAgainst(at, record, placed);
    placed.push({ source: at, record });
    return record;
  });
  return {
    zoneId,
    domain,
    zoneName,
    ttl,
    records: [...records, ...own.map((o) => o.record)],
    reportAuthorizations,
  };
}

/**
 * Publishes mail records on Cloudflare: the records SesSender lists (DKIM, MAIL FROM MX and SPF),
 * DMARC at `_dmarc.<domain>`, and optionally an SPF record at the domain merged with the existing
 * one. Every record is a `cloudflare.DnsRecord` with `proxied: false` (a proxied CNAME breaks
 * DKIM), TXT values quoted and split into strings of at most 255 octets, and a comment saying
 * mailguard manages it. TTL: 3600 s unless `ttl` is given.
 */
export class CloudflareMailRecords extends pulumi.ComponentResource {
  /** The records published (resolved values). */
  readonly records: pulumi.Output<PublishedDnsRecord[]>;
  /**
   * Records that report destinations outside the domain must publish in their own zone
   * (`<domain>._report._dmarc.<destination>` TXT `v=DMARC1;`); not created here.
   */
  readonly reportAuthorizations: ReportAuthorization[];

  constructor(
    name: string,
    args: CloudflareMailRecordsArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(`${TOKEN_PREFIX}CloudflareMailRecords`, name, {}, opts);
    const a = validateFor("CloudflareMailRecords", name, this, () =>
      validateCloudflareMailRecordsArgs(args),
    );

    const resources = a.records.map(
      (r) =>
        new cloudflare.DnsRecord(
          `${name}-${r.key}`,
          {
            zoneId: a.zoneId,
            name: r.name,
            type: r.type,
            content: r.type === "TXT" ? pulumi.output(r.content).apply(quoteTxt) : r.content,
            ttl: a.ttl ?? r.ttl,
            proxied: false,
            comment: `Managed by mailguard: ${r.purpose}`,
            ...(r.type === "MX" ? { priority: r.priority ?? 10 } : {}),
          },
          { parent: this },
        ),
    );

    this.records = pulumi.all(
      resources.map((res) =>
        pulumi
          .all([res.name, res.type, res.content, res.ttl, res.priority, res.proxied])
          .apply(([n, type, content, ttl, priority, proxied]) => ({
            name: n,
            type,
            content: content ?? "",
            ttl,
            ...(priority !== undefined && priority !== null ? { priority } : {}),
            proxied: proxied ?? false,
          })),
      ),
    );
    this.reportAuthorizations = a.reportAuthorizations;
    this.registerOutputs({
      records: this.records,
      reportAuthorizations: this.reportAuthorizations,
    });
  }
}
