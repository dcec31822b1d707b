import type { StackValidationPolicy } from "@pulumi/policy";
import { isSameOrSubdomain, isUnknown, organizationalDomain } from "../core";
import { str } from "../lib/props";
import { NameIndex, StackRecord, isDmarcName, looseRecordLabel, stackRecordsOf } from "../lib/dns";
import { DNS_RECORD_TYPES, DNS_ZONE_TYPES, SES_DOMAIN_IDENTITY_TYPES, T } from "../lib/types";
import { StackItem, configOf, messageFor, stackItems } from "../lib/report";

export interface SesDomainDmarcPublishedConfig {
  /** Domains (and their subdomains) whose DMARC record is published outside the stack. */
  managedElsewhere: string[];
}

export const sesDomainDmarcPublishedDefaults: SesDomainDmarcPublishedConfig = {
  managedElsewhere: [],
};

const TYPES: ReadonlySet<string> = new Set([
  ...SES_DOMAIN_IDENTITY_TYPES,
  ...DNS_RECORD_TYPES,
  ...DNS_ZONE_TYPES,
]);

/** A record whose name, relative to an undeclared zone, may be short for an identity's. */
interface Loose {
  record: StackRecord<StackItem>;
  zone: string;
  ambiguous: boolean;
}

function zoneKey(record: StackRecord<StackItem>): string {
  return record.view.zoneId ?? "(unknown zone)";
}

function identityDomain(item: StackItem): { value: unknown; field: string } {
  return item.type === T.sesDomainIdentity
    ? { value: item.props.domain, field: "domain" }
    : { value: item.props.emailIdentity, field: "emailIdentity" };
}

/**
 * Stack policy: every SES domain identity (v1, v2, aws-native) has a DMARC TXT record in the stack,
 * at `_dmarc.<domain>` or at its organizational domain (where receivers look next), unless
 * configuration lists the domain as managed elsewhere. A name relative to a zone the stack does not
 * declare counts only when the stack's records sit in one such zone.
 */
export const sesDomainDmarcPublished: StackValidationPolicy = {
  name: "ses-domain-dmarc-published",
  description: "Every SES domain identity has a DMARC record published in the same stack.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      managedElsewhere: {
        type: "array",
        items: { type: "string" },
        default: [],
        description:
          "Domains whose DMARC record is published outside this stack; their subdomains are covered too.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const config = configOf(args, sesDomainDmarcPublishedDefaults);
    const managed = config.managedElsewhere.map((d) => d.toLowerCase().replace(/\.$/, ""));
    const items = stackItems(args.resources, TYPES);
    const names = new NameIndex<StackItem>(
      stackRecordsOf(items),
      (r) =>
        (r.view.type === "TXT" || r.view.type === undefined) &&
        r.fqdn !== undefined &&
        isDmarcName(r.fqdn),
    );

    // First pass: identities with a record at their full name pass; the others keep the records
    // whose names, relative to an undeclared zone, may be short for theirs. Such a record stands at
    // one name only, so a zone that several organizations would need to be is ambiguous.
    const pending: { identity: StackItem; domain: string; org: string; loose: Loose[] }[] = [];
    const zoneOrgs = new Map<string, Set<string>>();
    for (const identity of items) {
      if (!SES_DOMAIN_IDENTITY_TYPES.has(identity.type)) {
        continue;
      }
      const { value, field } = identityDomain(identity);
      if (isUnknown(value)) {
        reportViolation(
          messageFor(
            identity.type,
            identity.name,
            `cannot tell whether the identity's domain has a DMARC record: ${field} is unknown. Fix: give the identity a domain known at preview.`,
          ),
          identity.urn,
        );
        continue;
      }
      const domain = str(value)?.toLowerCase().replace(/\.$/, "");
      if (domain === undefined || domain === "" || domain.includes("@")) {
        continue;
      }
      if (managed.some((m) => isSameOrSubdomain(domain, m))) {
        continue;
      }
      const org = organizationalDomain(domain);
      const loose: Loose[] = [];
      let exact = false;
      for (const name of new Set([`_dmarc.${domain}`, `_dmarc.${org}`])) {
        const match = names.find(name);
        if (match !== undefined && match.records.some((r) => r.fqdn === name)) {
          exact = true;
          continue;
        }
        for (const record of match?.records ?? []) {
          const zone = zoneKey(record);
          const implied = organizationalDomain(name.slice((record.fqdn ?? "").length + 1));
          loose.push({ record, zone, ambiguous: match?.ambiguous ?? true });
          const orgs = zoneOrgs.get(zone) ?? new Set<string>();
          orgs.add(implied);
          zoneOrgs.set(zone, orgs);
        }
      }
      if (!exact) {
        pending.push({ identity, domain, org, loose });
      }
    }

    for (const { identity, domain, org, loose } of pending) {
      if (loose.some((l) => !l.ambiguous && zoneOrgs.get(l.zone)?.size === 1)) {
        continue;
      }
      if (loose.length > 0) {
        reportViolation(
          messageFor(
            identity.type,
            identity.name,
            `cannot tell whether the stack publishes a DMARC record for "${domain}": the only candidates (${[...new Set(loose.map((l) => looseRecordLabel(l.record)))].join(", ")}) have names relative to zones the stack does not declare, and those zones cannot be told apart from the stack (records in several undeclared zones, or one zone needed for several domains). Fix: write the record's full name (_dmarc.${domain}), declare its zone in the stack, or list the domain in managedElsewhere.`,
          ),
          identity.urn,
        );
        continue;
      }
      reportViolation(
        messageFor(
          identity.type,
          identity.name,
          `no DMARC record for "${domain}" in the stack (looked for TXT _dmarc.${domain}${org === domain ? "" : ` and _dmarc.${org}`}), so receivers apply no policy to mail forged in its name. Fix: publish one (mailguard's MailDomain does), or list the domain in managedElsewhere when its DMARC record lives in another stack.`,
        ),
        identity.urn,
      );
    }
  },
};
