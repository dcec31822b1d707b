import type { StackValidationPolicy } from "@pulumi/policy";
import { isUnknown, organizationalDomain } from "../core";
import { str } from "../lib/props";
import { managedElsewhere, managedElsewhereSchema } from "../lib/managed-elsewhere";
import { NameIndex, StackRecord, isDmarcName, looseRecordLabel, stackRecordsOf } from "../lib/dns";
import { DNS_RECORD_TYPES, DNS_ZONE_TYPES, SES_DOMAIN_IDENTITY_TYPES, T } from "../lib/types";
import { StackItem, cappedList, configOf, messageFor, stackItems } from "../lib/report";

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

/** How many candidate records a message names at most. */
const CANDIDATES_SHOWN = 5;

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
 * declare counts when the zone's other records sit under the identity's domain (the zone is then
 * taken as that domain's), or when the stack's records sit in one such zone. Messages name a
 * handful of candidate records at most.
 */
export const sesDomainDmarcPublished: StackValidationPolicy = {
  name: "ses-domain-dmarc-published",
  description: "Every SES domain identity has a DMARC record published in the same stack.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      managedElsewhere: managedElsewhereSchema("DMARC record is published"),
    },
  },
  validateStack: (args, reportViolation) => {
    const config = configOf(args, sesDomainDmarcPublishedDefaults);
    const isManaged = managedElsewhere(config.managedElsewhere);
    const items = stackItems(args.resources, TYPES);

    const identities: { identity: StackItem; domain: string; org: string }[] = [];
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
      if (isManaged(domain)) {
        continue;
      }
      identities.push({ identity, domain, org: organizationalDomain(domain) });
    }
    if (identities.length === 0) {
      return;
    }

    // The identities' domains tell the names of zones the stack does not declare whose records
    // sit under them, so that a relative _dmarc in such a zone stands at one name.
    const names = new NameIndex<StackItem>(
      stackRecordsOf(
        items,
        identities.map((i) => i.domain),
      ),
      (r) =>
        (r.view.type === "TXT" || r.view.type === undefined) &&
        r.fqdn !== undefined &&
        isDmarcName(r.fqdn),
    );

    // First pass: identities with a record at their full name pass; the others keep the records
    // that may stand there (at most a few of each name, and how many). A relative record in the
    // stack's only unplaced undeclared zone stands at one name only, so a zone that several
    // organizations would need to be is ambiguous.
    const pending: {
      identity: StackItem;
      domain: string;
      org: string;
      loose: Loose[];
      total: number;
    }[] = [];
    const zoneOrgs = new Map<string, Set<string>>();
    for (const { identity, domain, org } of identities) {
      const loose: Loose[] = [];
      const looked = [...new Set([`_dmarc.${domain}`, `_dmarc.${org}`])];
      const match = names.findFirst(looked, CANDIDATES_SHOWN);
      const total = match?.total ?? 0;
      const exact = match?.records.some((r) => r.fqdn !== undefined && looked.includes(r.fqdn));
      for (const record of exact === true ? [] : (match?.records ?? [])) {
        const zone = zoneKey(record);
        const ambiguous = match?.ambiguous ?? true;
        loose.push({ record, zone, ambiguous });
        if (!ambiguous) {
          // The name this record stands at when it is the one looked for: what its zone must be.
          const at = looked.find((n) => n.startsWith(`${record.fqdn ?? ""}.`)) ?? looked[0];
          const implied = organizationalDomain(at.slice((record.fqdn ?? "").length + 1));
          const orgs = zoneOrgs.get(zone) ?? new Set<string>();
          orgs.add(implied);
          zoneOrgs.set(zone, orgs);
        }
      }
      if (!exact) {
        pending.push({ identity, domain, org, loose, total });
      }
    }

    for (const { identity, domain, org, loose, total } of pending) {
      if (loose.some((l) => !l.ambiguous && zoneOrgs.get(l.zone)?.size === 1)) {
        continue;
      }
      if (total > 0) {
        reportViolation(
          messageFor(
            identity.type,
            identity.name,
            `cannot tell whether the stack publishes a DMARC record for "${domain}": the only candidates (${candidateList(loose, total)}) have names relative to zones the stack does not declare, and those zones cannot be told apart from the stack (records in several undeclared zones, or one zone needed for several domains). Fix: write the record's full name (_dmarc.${domain}), declare its zone in the stack, or list the domain in managedElsewhere.`,
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

/** The candidates a message names: a handful of distinct records, then how many more there are. */
function candidateList(loose: readonly Loose[], total: number): string {
  const shown = new Map<StackRecord<StackItem>, string>();
  for (const l of loose) {
    if (shown.size < CANDIDATES_SHOWN) {
      shown.set(l.record, looseRecordLabel(l.record));
    }
  }
  return cappedList([...new Set(shown.values())], total - shown.size);
}
