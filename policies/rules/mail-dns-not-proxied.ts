import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { isUnderSesDkimDomain, isUnknown, regionOfFeedbackHost } from "../core";
import {
  DnsRecordView,
  isUnderDomainKey,
  labelsOf,
  looseRecordLabel,
  mxHostOf,
  stackRecordsOf,
} from "../lib/dns";
import { deferUnknown, recordFor } from "../lib/record-policy";
import { str } from "../lib/props";
import {
  CLOUDFLARE_RECORD_TYPES,
  DNS_ZONE_TYPES,
  SES_DOMAIN_IDENTITY_TYPES,
  SES_MAIL_FROM_TYPES,
  T,
} from "../lib/types";
import { cappedList, messageFor, stackItems } from "../lib/report";

const MAIL_FROM_TYPES: ReadonlySet<string> = new Set([
  ...SES_MAIL_FROM_TYPES,
  T.nativeSesEmailIdentity,
]);

const STACK_TYPES: ReadonlySet<string> = new Set([
  ...CLOUDFLARE_RECORD_TYPES,
  ...DNS_ZONE_TYPES,
  ...MAIL_FROM_TYPES,
  ...SES_DOMAIN_IDENTITY_TYPES,
]);

const FIX =
  "Fix: set proxied: false; mail records are DNS only (mailguard's MailDomain never proxies them).";

/** Why a record is a mail record whatever the stack holds, or undefined. */
export function mailRole(view: DnsRecordView): string | undefined {
  if (view.type === "MX") {
    return "an MX record";
  }
  if (view.name !== undefined && isUnderDomainKey(view.name)) {
    return "a DKIM record";
  }
  if (view.name !== undefined && labelsOf(view.name)[0] === "_dmarc") {
    return "a DMARC record";
  }
  if (view.values.some(pointsAtSes)) {
    return "a record pointing at SES";
  }
  return undefined;
}

/** Does a value name an SES feedback host or a host under an SES Easy DKIM domain? */
function pointsAtSes(value: string): boolean {
  const host = mxHostOf(value);
  return regionOfFeedbackHost(host) !== undefined || isUnderSesDkimDomain(host);
}

/**
 * Cloudflare mail records are never proxied: a proxied CNAME answers with Cloudflare's addresses
 * instead of the target, which breaks Easy DKIM and MAIL FROM. Covers MX, `_domainkey`, `_dmarc`,
 * records pointing at SES (a feedback host `feedback-smtp.<region>.amazonses.com`, or a host under
 * an Easy DKIM domain, global or regional) and, at stack level, records at an SES MAIL FROM domain.
 */
export const mailDnsNotProxied: ResourceValidationPolicy & StackValidationPolicy = {
  name: "mail-dns-not-proxied",
  description: "Cloudflare records that mail depends on are DNS only, never proxied.",
  enforcementLevel: "mandatory",
  configSchema: { properties: {} },
  validateResource: (args, reportViolation) => {
    if (!CLOUDFLARE_RECORD_TYPES.has(args.type)) {
      return;
    }
    const view = recordFor(args, ["MX", "TXT", "CNAME", "A", "AAAA"]);
    if (view === undefined) {
      return;
    }
    const proxyUnknown = view.unknownFields.includes("proxied");
    if (view.proxied !== true && !proxyUnknown) {
      return; // DNS only: nothing to judge whatever the record is.
    }
    const role = mailRole(view);
    if (role === undefined) {
      // Whether a proxied record is a mail record may hang on its name or type.
      deferUnknown(args, view, ["name", "type"]);
      return;
    }
    if (view.proxied === true) {
      reportViolation(
        messageFor(
          args.type,
          args.name,
          `${role} at ${view.name ?? "(unknown name)"} is proxied. ${FIX}`,
        ),
      );
    } else {
      deferUnknown(args, view, ["proxied"]);
    }
  },
  validateStack: (args, reportViolation) => {
    const items = stackItems(args.resources, STACK_TYPES);
    const mailFromDomains: string[] = [];
    const identityDomains: string[] = [];
    for (const m of items) {
      if (SES_DOMAIN_IDENTITY_TYPES.has(m.type)) {
        const domain = str(m.type === T.sesDomainIdentity ? m.props.domain : m.props.emailIdentity);
        if (domain !== undefined && !isUnknown(domain) && !domain.includes("@")) {
          identityDomains.push(domain);
        }
      }
      if (!MAIL_FROM_TYPES.has(m.type)) {
        continue;
      }
      const attrs = m.type === T.nativeSesEmailIdentity ? m.props.mailFromAttributes : m.props;
      const domain =
        typeof attrs === "object" && attrs !== null
          ? str((attrs as Record<string, unknown>).mailFromDomain)
          : undefined;
      if (domain !== undefined && !isUnknown(domain)) {
        mailFromDomains.push(domain.toLowerCase().replace(/\.$/, ""));
      }
    }
    if (mailFromDomains.length === 0) {
      return;
    }
    // Each name a MAIL FROM domain may be written as, relative to an undeclared zone, with the
    // first domain it stands for: one pass over the domains, one over the records.
    const atDomain = new Set(mailFromDomains);
    const shortFor = new Map<string, string>();
    for (const domain of mailFromDomains) {
      for (let dot = domain.indexOf("."); dot >= 0; dot = domain.indexOf(".", dot + 1)) {
        const short = domain.slice(0, dot);
        if (!shortFor.has(short)) {
          shortFor.set(short, domain);
        }
      }
    }
    // Mail records in their own right are judged per resource.
    const records = stackRecordsOf(items, identityDomains);
    const proxied = records.filter(
      (r) => r.view.proxied === true && mailRole(r.view) === undefined,
    );
    const unplacedZones = new Set(
      records
        .filter((r) => !r.zoneKnown && r.zoneApexes === undefined)
        .map((r) => r.view.zoneId ?? "(unknown zone)"),
    );
    const certain = new Set<string>();
    for (const r of proxied) {
      if (r.fqdn !== undefined && r.possibleNames === undefined && atDomain.has(r.fqdn)) {
        certain.add(r.fqdn);
      }
    }
    for (const r of proxied) {
      if (r.fqdn === undefined) {
        continue;
      }
      const report = (what: string): void =>
        reportViolation(messageFor(r.item.type, r.item.name, `${what} ${FIX}`), r.item.urn);
      if (r.possibleNames !== undefined) {
        const domain = r.possibleNames.find((n) => atDomain.has(n));
        if (domain !== undefined && !certain.has(domain)) {
          report(
            `the proxied record ${looseRecordLabel(r)} may stand at the SES MAIL FROM domain ${domain}: the stack does not declare that zone, and its records leave it more than one name (${cappedList(r.zoneApexes ?? [])}), so the record's name cannot be resolved.`,
          );
        }
        continue;
      }
      if (atDomain.has(r.fqdn)) {
        report(`a record at the SES MAIL FROM domain ${r.fqdn} is proxied.`);
        continue;
      }
      const domain = r.zoneKnown || r.zoneApexes !== undefined ? undefined : shortFor.get(r.fqdn);
      if (domain === undefined || certain.has(domain)) {
        continue;
      }
      report(
        unplacedZones.size > 1
          ? `the proxied record ${looseRecordLabel(r)} may stand at the SES MAIL FROM domain ${domain}: the stack does not declare that zone and has records in several undeclared zones, so its name cannot be resolved.`
          : `a record at the SES MAIL FROM domain ${domain} is proxied.`,
      );
    }
  },
};
