/**
 * What the DNS backends share: the checks of the mail records a domain publishes (the records
 * SesSender lists, DMARC, the apex SPF merge, the adoption of live records, one SPF and one DMARC
 * record per name, report authorizations), whichever provider publishes them. A backend
 * (CloudflareMailRecords, Route53MailRecords) adds only what is its own, as a
 * {@link MailRecordsBackend}: the shape of a zone id, its TTL rules, the import id of a live record,
 * and how a record becomes a resource.
 */
import * as pulumi from "@pulumi/pulumi";
import { analyzeDkimKey } from "../policies/core/dkim";
import {
  analyzeDmarc,
  analyzeDmarcRecordSet,
  analyzeReportAuthorization,
  buildDmarc,
  checkDmarcOptions,
  DMARC_ENFORCEMENT_DEFAULTS,
  DMARC_OPTION_FIELDS,
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
  SPF_OPTION_FIELDS,
  SpfOptions,
} from "../policies/core/spf";
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
  sendingDomainArg,
  stringArg,
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
   * ours added. The record this component publishes takes the live record's place only when it is
   * adopted (`adopt.spf`); otherwise delete the live record before `pulumi up`, or the domain has
   * two SPF records, which receivers treat as a permerror.
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

/** The arguments every DNS backend takes. */
export interface MailRecordsArgs {
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
   * fail (`p=none`, `pct` below 100, ...) is refused; see `dmarcPolicyEnforced`. A live `_dmarc`
   * record is replaced only when it is adopted (`adopt.dmarc`); otherwise delete it first.
   */
  dmarc?: DmarcOptions | false;
  /**
   * The configuration your stack gives the pack's `dmarc-policy-enforced` policy, when it is not
   * the default: DMARC records (ours and those in `records`) that policy would fail are refused.
   * `{ minimumPolicy: "none" }` lets `p=none` through (while monitoring, with the pack configured
   * alike). Default `{ minimumPolicy: "quarantine", requireFullPct: true }`, the pack's default.
   */
  dmarcPolicyEnforced?: DmarcPolicyEnforcedArgs;
}

/**
 * The arguments of every DNS backend besides its zone (`zoneId`, `zoneName`): those of
 * `MailRecordsArgs` and the ones each types in its own way (`apexSpf`, `adopt`, `ttl`).
 */
export const MAIL_RECORDS_ARGUMENTS = [
  "domain",
  "records",
  "dmarc",
  "dmarcPolicyEnforced",
  "apexSpf",
  "adopt",
  "ttl",
] as const;

/**
 * What a DNS backend adds to the shared checks: the shape of its zone ids and TTLs, how a live
 * record is named for adoption, and the words for its resources.
 */
export interface MailRecordsBackend {
  /** The component's class name, for messages. */
  className: string;
  /** Every argument the component takes; any other key is refused. */
  arguments: readonly string[];
  /** The resource a record becomes, for messages: `cloudflare.DnsRecord`. */
  resourceType: string;
  /**
   * The `zoneId` argument, checked; undefined when the zone is looked up by `zoneName` (the
   * checked `zoneName` argument).
   */
  zoneId(value: unknown, zoneName: string | undefined): pulumi.Input<string> | undefined;
  /** A TTL the provider accepts, or an ArgumentError ending in `Fix: <fix>`. */
  ttl(argument: string, value: unknown, fix: string): number;
  /**
   * Whether the provider keeps every TXT value of a name in one record set (Route53), so that
   * `apexSpf.existing` may list every value the live apex record set holds.
   */
  apexRecordSet: boolean;
  /** An `adopt` field, checked: what names the live record (an id, or true), undefined for none. */
  adoption(argument: string, value: unknown): string | true | undefined;
  /** An example of `adopt`, for messages. */
  adoptExample: string;
  /** The id the `import` option takes for the live TXT record (set) at `name`. */
  importId(zoneId: string, name: string, adopted: string | true): string;
  /** Why adoption needs the zone id as a plain string, and how to give one. */
  plainZoneFix: string;
  /** The warning when `apexSpf.existing` is given and the live record is not adopted. */
  unadoptedSpf(domain: string): string;
  /** Checks of a record of its own, after the shared ones (Route53: no `"` in a TXT value). */
  checkRecord?(at: string, record: MailDnsRecord): void;
}

/** The arguments checked: every record to publish, with what the backend needs to publish them. */
export interface NormalizedMailRecordsArgs {
  /** The zone id; undefined when the zone is looked up by `zoneName`. */
  zoneId?: pulumi.Input<string>;
  domain: string;
  zoneName?: string;
  ttl?: number;
  /** Every record: those of `records`, then the component's own (`dmarc`, `spf`, kept values). */
  records: MailDnsRecord[];
  reportAuthorizations: ReportAuthorization[];
  /**
   * The `import` ids of the live records adopted, by the key of the record that takes each one's
   * place (`spf`, `dmarc`).
   */
  imports: Record<string, string>;
  /** What the component logs as warnings on itself. */
  warnings: string[];
}

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

/** The apex SPF to publish (undefined for none): merged by the core, never invented. */
interface ApexSpf {
  record: string;
  /** Whether `existing` was given: the domain has a live record the component's takes over. */
  existing: boolean;
  /**
   * The other values of the live apex record set, kept beside the SPF (record-set backends), each
   * with its index in `existing`.
   */
  kept: { value: string; index: number }[];
}

/**
 * `apexSpf.existing`: one SPF value, or (record-set backends) every value the live apex record set
 * holds, of which at most one is an SPF record.
 */
function existingArg(
  value: unknown,
  backend: MailRecordsBackend,
): { spf?: string; kept: ApexSpf["kept"] } | undefined {
  if (!Array.isArray(value)) {
    const spf = optionalString(
      "apexSpf.existing",
      value,
      backend.apexRecordSet
        ? "Give the SPF value the domain publishes today (it starts with v=spf1), or every value of the live record set as a list; or leave existing out when there is none."
        : "Give the SPF value the domain publishes today (it starts with v=spf1), or leave existing out when there is none.",
    );
    return spf === undefined ? undefined : { spf, kept: [] };
  }
  if (!backend.apexRecordSet) {
    throw new ArgumentError(
      "apexSpf.existing",
      value,
      `${backend.className} publishes every TXT value as a record of its own, so the SPF record is all it takes over: the other TXT records at the domain stay as they are. Fix: Give the SPF value alone, as a string.`,
    );
  }
  if (value.length === 0) {
    throw new ArgumentError(
      "apexSpf.existing",
      value,
      "it lists no value. Fix: List every value the live TXT record set at the domain holds, or leave existing out when there is none.",
    );
  }
  const values = value.map((v, i) =>
    stringArg(
      `apexSpf.existing[${i}]`,
      v,
      "List every value of the live TXT record set at the domain as the joined text (without quotes).",
    ),
  );
  const spf = values.filter(isSpfRecord);
  if (spf.length > 1) {
    throw new ArgumentError(
      "apexSpf.existing",
      value,
      `it lists ${spf.length} SPF records, which receivers treat as a permerror; the component publishes one. Fix: Keep one of them in existing and give the senders of the others in add.`,
    );
  }
  return {
    spf: spf[0],
    kept: values.map((v, index) => ({ value: v, index })).filter((v) => !isSpfRecord(v.value)),
  };
}

/** The apex SPF record to publish (undefined for none): merged by the core, never invented. */
function apexSpfArg(value: unknown, backend: MailRecordsBackend): ApexSpf | undefined {
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
  const existing = existingArg(given.existing, backend);
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
  if (existing?.spf === undefined) {
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
      const without =
        existing === undefined ? "without existing" : "without an SPF value in existing";
      throw new ArgumentError(
        "apexSpf",
        value,
        `it gives no SPF record: ${without}, add must name a sender, and mailguard does not publish v=spf1 -all at the domain (which fails every other sender of it) unless asked. Fix: Give existing (the SPF value the domain publishes today), senders in add, or add: { all: "-" } to publish v=spf1 -all on purpose.`,
      );
    }
  }
  const merged = mergeSpf(existing?.spf, add ?? {});
  failOnErrors("apexSpf", value, merged.findings);
  if (merged.record === undefined) {
    throw new ArgumentError(
      "apexSpf",
      value,
      "no SPF record results. Fix: Check existing and add.",
    );
  }
  return { record: merged.record, existing: existing !== undefined, kept: existing?.kept ?? [] };
}

/** The live records to adopt: what names each (an id, or true), undefined for none. */
interface Adoption {
  spf?: string | true;
  dmarc?: string | true;
}

function adoptArg(value: unknown, backend: MailRecordsBackend): Adoption {
  if (value === undefined) return {};
  const given = objectArg(
    "adopt",
    value,
    ["spf", "dmarc"],
    "the live records to adopt, { spf, dmarc }",
    `Pass the live records the component's take the place of, such as ${backend.adoptExample}, or leave it out to adopt none.`,
  );
  return {
    spf: backend.adoption("adopt.spf", given.spf),
    dmarc: backend.adoption("adopt.dmarc", given.dmarc),
  };
}

/** A record of `records`, checked for type and shape on its own (not yet against the others). */
function recordArg(
  at: string,
  value: unknown,
  zone: string,
  enforcement: DmarcEnforcement,
  backend: MailRecordsBackend,
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
      `it must be "CNAME", "TXT" or "MX", the mail record types. Fix: Publish other records with ${backend.resourceType} directly.`,
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
  const ttl = backend.ttl(
    `${at}.ttl`,
    r.ttl,
    `Give the record's TTL, such as ${DEFAULT_RECORD_TTL}.`,
  );
  const purpose = stringArg(
    `${at}.purpose`,
    r.purpose,
    "Say in a few words what the record is for; it goes into the record's comment.",
  );
  const record: MailDnsRecord = {
    key: r.key,
    name,
    type: type as MailDnsRecord["type"],
    content,
    ...(priority !== undefined ? { priority } : {}),
    ttl,
    purpose,
  };
  backend.checkRecord?.(at, record);
  return record;
}

/** A record name as DNS compares it: punycode, lower case, no trailing dot. */
export function dnsName(name: string): string {
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
 * Checks every argument of a DNS backend for type and shape and returns every record to publish,
 * with the import ids of the live records adopted; throws ArgumentError naming the bad argument.
 */
export function validateMailRecordsArgs(
  args: unknown,
  backend: MailRecordsBackend,
): NormalizedMailRecordsArgs {
  const given = argsArg(backend.className, args, backend.arguments);
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
  const zoneId = backend.zoneId(given.zoneId, zoneName);
  const ttl =
    given.ttl === undefined ? undefined : backend.ttl("ttl", given.ttl, "Leave it out for 3600.");
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
  const spf = apexSpfArg(given.apexSpf, backend);
  if (spf !== undefined) {
    own.push({
      source: "apexSpf",
      record: {
        key: "spf",
        name: domain,
        type: "TXT",
        content: spf.record,
        ttl: DEFAULT_RECORD_TTL,
        purpose: "SPF of the domain",
      },
    });
    spf.kept.forEach(({ value, index }, i) => {
      const at = `apexSpf.existing[${index}]`;
      failOnErrors(at, value, txtFindings(domain, value));
      const record: MailDnsRecord = {
        key: `apex-txt-${i}`,
        name: domain,
        type: "TXT",
        content: value,
        ttl: DEFAULT_RECORD_TTL,
        purpose: "kept from the live TXT record set of the domain",
      };
      backend.checkRecord?.(at, record);
      own.push({ source: at, record });
    });
  }

  const adopt = adoptArg(given.adopt, backend);
  const imports: Record<string, string> = {};
  const warnings: string[] = [];
  if (adopt.spf !== undefined && spf === undefined) {
    throw new ArgumentError(
      "adopt.spf",
      adopt.spf,
      "there is no apex SPF record to take the live one's place: the component publishes one only with apexSpf. Fix: Give apexSpf with existing, the value the live record holds, or leave adopt.spf out.",
    );
  }
  if (adopt.spf !== undefined && spf?.existing !== true) {
    throw new ArgumentError(
      "adopt.spf",
      adopt.spf,
      `apexSpf gives no existing value, so the senders the live record lists would be lost when the merged value replaces it. Fix: Give apexSpf.existing, ${backend.apexRecordSet ? "every value the live record set holds" : "the value the live record holds"}.`,
    );
  }
  if (adopt.dmarc !== undefined && dmarc === undefined) {
    throw new ArgumentError(
      "adopt.dmarc",
      adopt.dmarc,
      "dmarc is false, so the component publishes no DMARC record to take the live one's place. Fix: Give DMARC options (or leave dmarc out for the default), or leave adopt.dmarc out; to have no DMARC record, delete the live one in the zone.",
    );
  }
  if (adopt.spf !== undefined || adopt.dmarc !== undefined) {
    if (typeof zoneId !== "string") {
      throw new ArgumentError(
        "adopt",
        given.adopt,
        `adopting a live record needs the zone id as a plain string, and zoneId is ${zoneId === undefined ? "not given (the zone is looked up by zoneName)" : "an Output"}: ${backend.plainZoneFix}`,
      );
    }
    if (adopt.spf !== undefined) imports.spf = backend.importId(zoneId, domain, adopt.spf);
    if (adopt.dmarc !== undefined) {
      imports.dmarc = backend.importId(zoneId, `_dmarc.${domain}`, adopt.dmarc);
    }
  }
  if (spf?.existing === true && adopt.spf === undefined)
    warnings.push(backend.unadoptedSpf(domain));

  const zone = zoneName ?? domain;
  const list = arrayArg(
    "records",
    given.records,
    "Pass a list of records such as SesSender.dnsRecords, or leave it out for none.",
  );
  const placed: Placed[] = [...own];
  const records = (list ?? []).map((value, i) => {
    const at = `records[${i}]`;
    const record = recordArg(at, value, zone, enforcement, backend);
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
    imports,
    warnings,
  };
}
