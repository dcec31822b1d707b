import type { StackValidationPolicy } from "@pulumi/policy";
import {
  EasyDkimOptions,
  GLOBAL_DKIM_DOMAIN,
  SES_DKIM_DOMAINS_SOURCE,
  SES_FEEDBACK_MX_PRIORITY,
  SES_FEEDBACK_SOURCE,
  SES_MAIL_FROM_SPF_SOURCE,
  SES_SPF_INCLUDE,
  buildSpf,
  checkEasyDkimCname,
  checkHost,
  errorsOf,
  expectedDkimDomain,
  feedbackHostOf,
  isSesDkimDomainShape,
  isSpfRecord,
  isUnknown,
  regionOfFeedbackHost,
  regionalDkimDomainOf,
  resolveSesRegion,
} from "../core";
import {
  NameIndex,
  StackRecord,
  recordUnknownField,
  looseRecordLabel,
  mxHostOf,
  mxPriorityOf,
  stackRecordsOf,
  zoneNamesOf,
} from "../lib/dns";
import { StackDns, StackSpfResolver } from "../lib/spf-resolver";
import { managedElsewhere, managedElsewhereSchema } from "../lib/managed-elsewhere";
import { isRecord, list, readThroughProxy, str } from "../lib/props";
import { ResourceRegion, UnknownField, regionOfResource } from "../lib/region";
import { VALUE_FIELDS } from "../lib/record-policy";
import { StackItem, configOf, dependencyUrns, messageFor, stackItems } from "../lib/report";
import {
  DNS_RECORD_TYPES,
  DNS_ZONE_TYPES,
  SES_DOMAIN_IDENTITY_TYPES,
  SES_MAIL_FROM_TYPES,
  T,
} from "../lib/types";

export interface SesDnsRecordsConfig {
  /** Domains (and their subdomains) whose DNS records live outside the stack. */
  managedElsewhere: string[];
}

export const sesDnsRecordsDefaults: SesDnsRecordsConfig = { managedElsewhere: [] };

const STACK_TYPES: ReadonlySet<string> = new Set([
  ...SES_DOMAIN_IDENTITY_TYPES,
  ...SES_MAIL_FROM_TYPES,
  T.sesDomainDkim,
  ...DNS_RECORD_TYPES,
  ...DNS_ZONE_TYPES,
]);

/*
 * Whether a MAIL FROM domain's SPF authorizes SES is decided by RFC 7208 evaluation, not by
 * reading the text: check_host runs for a documentation address (RFC 5737) that a stand-in for
 * SES's own record, at amazonses.com, authorizes and nothing else does. The evaluation passes only
 * when the record reaches `include:amazonses.com` with a pass qualifier, so `-include:`, `?include:`,
 * an include after `-all`, a record that does not parse and two SPF records at the name all fail.
 * The stack's records answer (lib/spf-resolver.ts, shared with spf-record-valid): the MAIL FROM
 * domain with the TXT values found for it, every other name the stack publishes or whose zone it
 * declares with its records; any other name answers `v=spf1 ?all` for TXT (nothing known there
 * authorizes the address) and nothing for address and MX lookups.
 */
const SES_STAND_IN_ADDRESS = "192.0.2.10";
const SES_STAND_IN_SPF = `v=spf1 ip4:${SES_STAND_IN_ADDRESS} -all`;
const ELSEWHERE_SPF = "v=spf1 ?all";
/** The record SES documents for a MAIL FROM domain, as mailguard's components publish it. */
const EXPECTED_SPF = buildSpf({ includes: [SES_SPF_INCLUDE] });

/** Stands for the identity's region in messages when the stack does not tell it. */
const REGION_PLACEHOLDER = "<region>";

/** The Easy DKIM CNAME an identity needs for one of its tokens. */
interface DkimSpec {
  name: string;
  token: string;
  /** The target SES reports for it (aws-native `dkimDnsTokenValue<n>`), when known. */
  reported?: string;
}

type Tokens =
  | { status: "known"; specs: DkimSpec[] }
  | { status: "unknown"; field: UnknownField }
  | { status: "none" };

type MailFromSetting =
  { status: "known"; domain: string } | { status: "unknown"; field: UnknownField };

interface Identity {
  item: StackItem;
  domain: string;
  region: ResourceRegion;
  mailFrom: MailFromSetting[];
  tokens: Tokens;
}

type Lookup =
  | { status: "found"; records: StackRecord<StackItem>[] }
  | { status: "missing" }
  | { status: "ambiguous"; records: StackRecord<StackItem>[] };

function domainName(value: unknown): string | undefined {
  const name = str(value)?.trim().toLowerCase().replace(/\.$/, "");
  return name === undefined || name === "" || isUnknown(name) ? undefined : name;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

function unknownAt(item: StackItem, path: (string | number)[]): UnknownField {
  return { props: item.resource.props, path };
}

/** The Easy DKIM CNAMEs of an SES v2 identity, from its `dkimSigningAttributes.tokens` output. */
function sesv2Tokens(item: StackItem, domain: string): Tokens {
  const attrs = item.props.dkimSigningAttributes;
  if (isUnknown(attrs)) {
    return { status: "unknown", field: unknownAt(item, ["dkimSigningAttributes"]) };
  }
  if (!isRecord(attrs)) {
    return { status: "none" };
  }
  // BYODKIM publishes a key TXT record of the user's, not SES CNAMEs.
  if (
    present(attrs.domainSigningSelector) ||
    str(attrs.signingAttributesOrigin)?.toUpperCase() === "EXTERNAL"
  ) {
    return { status: "none" };
  }
  return tokenList(item, attrs.tokens, ["dkimSigningAttributes", "tokens"], domain);
}

function tokenList(item: StackItem, tokens: unknown, path: string[], domain: string): Tokens {
  if (isUnknown(tokens)) {
    return { status: "unknown", field: unknownAt(item, path) };
  }
  const specs: DkimSpec[] = [];
  for (const [i, t] of list(tokens).entries()) {
    if (isUnknown(t)) {
      return { status: "unknown", field: unknownAt(item, [...path, i]) };
    }
    const token = domainName(t);
    if (token !== undefined) {
      specs.push({ name: `${token}._domainkey.${domain}`, token });
    }
  }
  return { status: "known", specs };
}

/** The Easy DKIM CNAMEs of an aws-native identity: `dkimDnsTokenName<n>` -> `dkimDnsTokenValue<n>`. */
function nativeTokens(item: StackItem): Tokens {
  const dkim = item.props.dkimAttributes;
  if (isUnknown(dkim)) {
    return { status: "unknown", field: unknownAt(item, ["dkimAttributes"]) };
  }
  if (isRecord(dkim)) {
    if (isUnknown(dkim.signingEnabled)) {
      return { status: "unknown", field: unknownAt(item, ["dkimAttributes", "signingEnabled"]) };
    }
    if (dkim.signingEnabled === false) {
      return { status: "none" };
    }
  }
  const signing = item.props.dkimSigningAttributes;
  if (isRecord(signing) && present(signing.domainSigningSelector)) {
    return { status: "none" };
  }
  const specs: DkimSpec[] = [];
  for (const n of [1, 2, 3]) {
    const nameField = `dkimDnsTokenName${n}`;
    if (isUnknown(item.props[nameField])) {
      return { status: "unknown", field: unknownAt(item, [nameField]) };
    }
    const name = domainName(item.props[nameField]);
    if (name === undefined) {
      continue;
    }
    const token = name.split(".")[0];
    specs.push({ name, token, reported: domainName(item.props[`dkimDnsTokenValue${n}`]) });
  }
  return specs.length === 0 ? { status: "none" } : { status: "known", specs };
}

function mailFromSetting(
  item: StackItem,
  attrs: unknown,
  path: string[],
): MailFromSetting | undefined {
  if (isUnknown(attrs)) {
    return { status: "unknown", field: unknownAt(item, path) };
  }
  if (!isRecord(attrs)) {
    return undefined;
  }
  if (isUnknown(attrs.mailFromDomain)) {
    return { status: "unknown", field: unknownAt(item, [...path, "mailFromDomain"]) };
  }
  const domain = domainName(attrs.mailFromDomain);
  return domain === undefined ? undefined : { status: "known", domain };
}

function regionLabel(region: ResourceRegion): string {
  switch (region.status) {
    case "known":
      return region.region;
    case "unknown":
      return "region not known yet";
    case "absent":
      return "region not set in the stack";
  }
}

function identityLabel(identity: Identity): string {
  return `the SES identity "${identity.domain}" (${regionLabel(identity.region)})`;
}

function knownRegion(identity: Identity): string | undefined {
  return identity.region.status === "known" ? identity.region.region : undefined;
}

/** The feedback host the identity's MAIL FROM MX must name, when its region is known. */
function identityFeedbackHost(identity: Identity): string | undefined {
  const region = knownRegion(identity);
  return region === undefined
    ? undefined
    : resolveSesRegion(region, { newRegion: true }).facts?.feedbackHost;
}

const MANAGED_FIX = "or list the domain in managedElsewhere when its DNS lives in another stack";

/** One run of the policy over a stack: the stack's records indexed once, identities judged. */
class Judge {
  private readonly mx: NameIndex<StackItem>;
  private readonly txt: NameIndex<StackItem>;
  private readonly cname: NameIndex<StackItem>;
  /** The stack's DNS answers for SPF evaluation. */
  private readonly dns: StackDns;
  /** Records whose name or type is unknown during preview: any of them may be the one looked for. */
  private readonly unnamed: UnknownField[] = [];
  /** What could not be judged during preview, handed to the SDK once everything else is. */
  readonly deferred: UnknownField[] = [];

  constructor(
    items: readonly StackItem[],
    private readonly isManaged: (name: string) => boolean,
    private readonly report: (message: string, urn: string) => void,
  ) {
    const records = stackRecordsOf(items);
    for (const r of records) {
      const field = recordUnknownField(r, ["name", "type"]);
      if (field !== undefined) {
        this.unnamed.push(field);
      }
    }
    const ofType = (type: string) => (r: StackRecord<StackItem>) =>
      r.view.type === type || r.view.type === undefined;
    this.mx = new NameIndex(records, ofType("MX"));
    this.txt = new NameIndex(records, ofType("TXT"));
    this.cname = new NameIndex(records, ofType("CNAME"));
    this.dns = new StackDns(records, zoneNamesOf(items), { loose: true });
  }

  private lookup(index: NameIndex<StackItem>, name: string): Lookup {
    const match = index.find(name);
    if (match === undefined) {
      return { status: "missing" };
    }
    return match.ambiguous
      ? { status: "ambiguous", records: match.records }
      : { status: "found", records: match.records };
  }

  private reportOn(item: StackItem, text: string): void {
    this.report(messageFor(item.type, item.name, text), item.urn);
  }

  /**
   * A record the identity needs is not in the stack (or cannot be told apart from others).
   * `what` follows "an": an MX record, an SPF record, an Easy DKIM CNAME.
   */
  private missing(
    identity: Identity,
    lookup: Lookup,
    name: string,
    what: string,
    expected: string,
    consequence: string,
  ): void {
    if (this.isManaged(name)) {
      return;
    }
    if (lookup.status === "ambiguous") {
      const candidates = [...new Set(lookup.records.map(looseRecordLabel))].join(", ");
      this.reportOn(
        identity.item,
        `cannot tell whether the stack publishes an ${what} for ${identityLabel(identity)}: the only candidates (${candidates}) have names relative to zones the stack does not declare, and the stack has records in several such zones. Fix: write the record's full name (${name}), declare its zone in the stack, ${MANAGED_FIX}.`,
      );
      return;
    }
    if (this.unnamed.length > 0) {
      // A record whose name is unknown yet may be the one looked for.
      this.deferred.push(this.unnamed[0]);
      return;
    }
    this.reportOn(
      identity.item,
      `${identityLabel(identity)} has no ${what} in the stack; expected ${expected}, ${consequence}. Fix: publish that record (mailguard's MailDomain does), ${MANAGED_FIX}.`,
    );
  }

  judge(identity: Identity): void {
    const judged = new Set<string>();
    for (const setting of identity.mailFrom) {
      if (setting.status === "unknown") {
        this.deferred.push(setting.field);
      } else if (!judged.has(setting.domain)) {
        judged.add(setting.domain);
        this.judgeMx(identity, setting.domain);
        this.judgeSpf(identity, setting.domain);
      }
    }
    if (identity.tokens.status === "unknown") {
      this.deferred.push(identity.tokens.field);
    } else if (identity.tokens.status === "known") {
      for (const spec of identity.tokens.specs) {
        this.judgeDkim(identity, spec);
        judged.add(spec.name);
      }
    }
    if (identity.region.status === "unknown" && judged.size > 0) {
      // Hosts and DKIM domains were judged by their shape only; the region decides the rest.
      this.deferred.push(identity.region.field);
    }
  }

  private judgeMx(identity: Identity, mailFrom: string): void {
    const host = identityFeedbackHost(identity);
    const expectedHost = host ?? feedbackHostOf(REGION_PLACEHOLDER);
    const expected = `${SES_FEEDBACK_MX_PRIORITY} ${expectedHost}`;
    const lookup = this.lookup(this.mx, mailFrom);
    const records = lookup.status === "found" ? lookup.records : [];
    const typed = records.filter((r) => r.view.type === "MX");
    const values = typed.flatMap((r) => r.view.values.map((value) => ({ record: r, value })));
    const undecided = records
      .map((r) => recordUnknownField(r, [...VALUE_FIELDS, "priority"]))
      .filter((f): f is UnknownField => f !== undefined);
    if (values.length === 0) {
      if (undecided.length > 0) {
        this.deferred.push(undecided[0]);
        return;
      }
      this.missing(
        identity,
        lookup,
        mailFrom,
        `MX record at its MAIL FROM domain ${mailFrom}`,
        `MX ${mailFrom} "${expected}" (${SES_FEEDBACK_SOURCE})`,
        "without which SES never verifies the MAIL FROM domain",
      );
      return;
    }
    const shown = values.map(({ record, value }) => {
      const priority = mxPriorityOf(record.view, value);
      const exchange = mxHostOf(value);
      return {
        record,
        priority,
        exchange,
        text: priority === undefined ? exchange : `${priority} ${exchange}`,
      };
    });
    if (shown.length > 1) {
      const list = shown.map((s) => `"${s.text}" in "${s.record.item.name}"`).join(", ");
      this.reportOn(
        identity.item,
        `the MAIL FROM domain ${mailFrom} of ${identityLabel(identity)} has ${shown.length} MX records in the stack (${list}); SES expects exactly one, "${expected}" (${SES_FEEDBACK_SOURCE}). Fix: keep only MX ${mailFrom} "${expected}".`,
      );
    } else {
      const [{ record, priority, exchange, text }] = shown;
      const hostRight =
        host === undefined ? regionOfFeedbackHost(exchange) !== undefined : exchange === host;
      if (!hostRight || (priority !== undefined && priority !== SES_FEEDBACK_MX_PRIORITY)) {
        this.reportOn(
          record.item,
          `the MX record at ${mailFrom}, the MAIL FROM domain of ${identityLabel(identity)}, is "${text}"; SES expects "${expected}" (${SES_FEEDBACK_SOURCE}) and never verifies the MAIL FROM domain otherwise. Fix: point the record at ${expectedHost} with priority ${SES_FEEDBACK_MX_PRIORITY}.`,
        );
      }
    }
    if (undecided.length > 0) {
      this.deferred.push(undecided[0]);
    }
  }

  private judgeSpf(identity: Identity, mailFrom: string): void {
    const lookup = this.lookup(this.txt, mailFrom);
    const records = lookup.status === "found" ? lookup.records : [];
    const undecided = records
      .map((r) => recordUnknownField(r, VALUE_FIELDS))
      .filter((f): f is UnknownField => f !== undefined);
    if (undecided.length > 0) {
      // Any of the values not known yet may be an SPF record and change the verdict.
      this.deferred.push(undecided[0]);
      return;
    }
    const values = records.flatMap((r) => r.view.values);
    const spf = records.flatMap((r) =>
      r.view.values.filter(isSpfRecord).map((value) => ({ record: r, value })),
    );
    const expected = `TXT ${mailFrom} "${EXPECTED_SPF}" (${SES_MAIL_FROM_SPF_SOURCE})`;
    if (spf.length === 0) {
      this.missing(
        identity,
        lookup,
        mailFrom,
        `SPF record at its MAIL FROM domain ${mailFrom}`,
        expected,
        "without which SPF does not pass for the mail SES sends from it and DMARC cannot align on SPF",
      );
      return;
    }
    const resolver = new StackSpfResolver(
      this.dns,
      (name) => [name === SES_SPF_INCLUDE ? SES_STAND_IN_SPF : ELSEWHERE_SPF],
      { name: mailFrom, values },
    );
    const result = checkHost(
      { ip: SES_STAND_IN_ADDRESS, mailFrom: `postmaster@${mailFrom}`, helo: mailFrom },
      resolver,
    );
    if (result.result === "pass") {
      return;
    }
    if (resolver.uncertain.length > 0) {
      // A record the evaluation reached holds a value not known yet, which may authorize SES.
      this.deferred.push(resolver.uncertain[0]);
      return;
    }
    const subject =
      spf.length === 1
        ? `the SPF record at ${mailFrom}, the MAIL FROM domain of ${identityLabel(identity)}, is "${spf[0].value}"`
        : `the MAIL FROM domain ${mailFrom} of ${identityLabel(identity)} has ${spf.length} SPF records in the stack (${spf.map((s) => `"${s.value}" in "${s.record.item.name}"`).join(", ")})`;
    this.reportOn(
      spf.length === 1 ? spf[0].record.item : identity.item,
      `${subject}, which does not authorize SES: RFC 7208 evaluation for an SES sending address ends in ${result.result} (${result.reason.replace(/\.$/, "")}). Expected ${expected}. Fix: publish exactly that one SPF record (mailguard's MailDomain does).`,
    );
  }

  private judgeDkim(identity: Identity, spec: DkimSpec): void {
    const reported = spec.reported?.slice(spec.reported.indexOf(".") + 1);
    const options: EasyDkimOptions = {
      region: knownRegion(identity),
      dkimDomain: reported !== undefined && isSesDkimDomainShape(reported) ? reported : undefined,
    };
    const dkimDomain = expectedDkimDomain(options);
    const expected =
      dkimDomain === undefined
        ? `${spec.token}.${GLOBAL_DKIM_DOMAIN} or ${spec.token}.${regionalDkimDomainOf(REGION_PLACEHOLDER)}`
        : `${spec.token}.${dkimDomain}`;
    const lookup = this.lookup(this.cname, spec.name);
    const records = lookup.status === "found" ? lookup.records : [];
    const targets = records
      .filter((r) => r.view.type === "CNAME")
      .flatMap((r) => r.view.values.map((value) => ({ record: r, value })));
    const undecided = records
      .map((r) => recordUnknownField(r, VALUE_FIELDS))
      .filter((f): f is UnknownField => f !== undefined);
    if (targets.length === 0 && undecided.length === 0) {
      this.missing(
        identity,
        lookup,
        spec.name,
        `Easy DKIM CNAME at ${spec.name}`,
        `CNAME ${spec.name} -> ${expected} (${SES_DKIM_DOMAINS_SOURCE})`,
        "without which DKIM stays pending and the identity is never verified",
      );
      return;
    }
    for (const { record, value } of targets) {
      if (errorsOf(checkEasyDkimCname(spec.name, value, options)).length > 0) {
        this.reportOn(
          record.item,
          `the Easy DKIM CNAME ${spec.name} of ${identityLabel(identity)} points at "${value}"; SES expects "${expected}" (${SES_DKIM_DOMAINS_SOURCE}), and DKIM stays pending otherwise, so the identity is never verified. Fix: point the record at ${expected}.`,
        );
      }
    }
    if (undecided.length > 0) {
      this.deferred.push(undecided[0]);
    }
  }
}

/**
 * Stack policy: the DNS records every SES domain identity needs are in the stack and say what SES
 * expects in the identity's region (SES v2 `EmailIdentity` with `EmailIdentityMailFromAttributes`,
 * SES v1 `DomainIdentity` with `MailFrom` and `DomainDkim`, aws-native `EmailIdentity`): its custom
 * MAIL FROM domain has exactly one MX, `10 feedback-smtp.<region>.amazonses.com`, and an SPF record
 * that authorizes SES (judged by RFC 7208 evaluation); each Easy DKIM token has its CNAME to
 * `<token>.<the region's DKIM domain>`. The region is the identity's own `region`, else its
 * provider's; without one, hosts and DKIM domains are judged by shape. Records on Cloudflare and
 * Route53 alike. Address identities have no records of their own and are not judged.
 */
export const sesDnsRecords: StackValidationPolicy = {
  name: "ses-dns-records",
  description:
    "The MX, SPF and Easy DKIM records of every SES identity are in the stack, as SES expects them in the identity's region.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      managedElsewhere: managedElsewhereSchema(
        "DNS records live",
        "A record missing there passes; a record in the stack is still judged.",
      ),
    },
  },
  validateStack: (args, reportViolation) => {
    const config = configOf(args, sesDnsRecordsDefaults);
    const items = stackItems(args.resources, STACK_TYPES);
    const judge = new Judge(items, managedElsewhere(config.managedElsewhere), reportViolation);

    const identities: Identity[] = [];
    const byUrn = new Map<string, Identity>();
    const byDomain = new Map<string, Identity[]>();
    for (const item of items) {
      if (!SES_DOMAIN_IDENTITY_TYPES.has(item.type)) {
        continue;
      }
      const field = item.type === T.sesDomainIdentity ? "domain" : "emailIdentity";
      if (isUnknown(item.props[field])) {
        judge.deferred.push(unknownAt(item, [field]));
        continue;
      }
      const domain = domainName(item.props[field]);
      if (domain === undefined || domain.includes("@")) {
        continue;
      }
      const identity: Identity = {
        item,
        domain,
        region: regionOfResource(item.resource, item.props),
        mailFrom: [],
        tokens:
          item.type === T.sesv2EmailIdentity
            ? sesv2Tokens(item, domain)
            : item.type === T.nativeSesEmailIdentity
              ? nativeTokens(item)
              : { status: "none" },
      };
      if (item.type === T.nativeSesEmailIdentity) {
        const setting = mailFromSetting(item, item.props.mailFromAttributes, [
          "mailFromAttributes",
        ]);
        if (setting !== undefined) {
          identity.mailFrom.push(setting);
        }
      }
      identities.push(identity);
      byUrn.set(item.urn, identity);
      byDomain.set(domain, [...(byDomain.get(domain) ?? []), identity]);
    }

    /** The identities a MAIL FROM or DKIM resource belongs to: by output link, else by domain. */
    const linked = (item: StackItem, field: string): Identity[] => {
      const byLink = dependencyUrns(item.resource, field)
        .map((u) => byUrn.get(u))
        .filter((i): i is Identity => i !== undefined);
      if (byLink.length > 0) {
        return byLink;
      }
      if (isUnknown(item.props[field])) {
        judge.deferred.push(unknownAt(item, [field]));
        return [];
      }
      const candidates = byDomain.get(domainName(item.props[field]) ?? "") ?? [];
      // The same domain may be an identity in several regions: a resource acts in its own.
      const region = regionOfResource(item.resource, item.props);
      const same = candidates.filter(
        (c) =>
          region.status === "known" &&
          c.region.status === "known" &&
          c.region.region === region.region,
      );
      return same.length > 0 ? same : candidates;
    };

    for (const item of items) {
      if (SES_MAIL_FROM_TYPES.has(item.type)) {
        const field = item.type === T.sesMailFrom ? "domain" : "emailIdentity";
        const owners = linked(item, field);
        const setting = owners.length === 0 ? undefined : mailFromSetting(item, item.props, []);
        for (const owner of owners) {
          if (setting !== undefined) {
            owner.mailFrom.push(setting);
          }
        }
      } else if (item.type === T.sesDomainDkim) {
        for (const owner of linked(item, "domain")) {
          if (owner.item.type !== T.sesDomainIdentity) {
            continue;
          }
          const tokens = tokenList(item, item.props.dkimTokens, ["dkimTokens"], owner.domain);
          const before = owner.tokens;
          owner.tokens =
            before.status === "known" && tokens.status === "known"
              ? { status: "known", specs: [...before.specs, ...tokens.specs] }
              : before.status === "unknown"
                ? before
                : tokens;
        }
      }
    }

    for (const identity of identities) {
      judge.judge(identity);
    }
    const first = judge.deferred[0];
    if (first !== undefined) {
      // Everything known is judged; the SDK's preview note names the first field that was not.
      readThroughProxy(first.props, first.path);
    }
  },
};
