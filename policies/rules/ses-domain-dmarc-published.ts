import type { StackValidationPolicy } from "@pulumi/policy";
import { isSameOrSubdomain, isUnknown, organizationalDomain } from "../core";
import { str } from "../lib/props";
import { NameIndex, StackRecord, isDmarcName, stackRecordsOf } from "../lib/dns";
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

function identityDomain(item: StackItem): { value: unknown; field: string } {
  return item.type === T.sesDomainIdentity
    ? { value: item.props.domain, field: "domain" }
    : { value: item.props.emailIdentity, field: "emailIdentity" };
}

/**
 * Stack policy: every SES domain identity (v1, v2, aws-native) has a DMARC TXT record in the stack,
 * at `_dmarc.<domain>` or at its organizational domain (where receivers look next), unless
 * configuration lists the domain as managed elsewhere.
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
    const dmarcRecords: StackRecord<StackItem>[] = stackRecordsOf(items).filter(
      (r) =>
        (r.view.type === "TXT" || r.view.type === undefined) &&
        r.fqdn !== undefined &&
        isDmarcName(r.fqdn),
    );
    const names = new NameIndex();
    for (const r of dmarcRecords) {
      names.add(r);
    }
    const published = (name: string): boolean => names.has(name);

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
      if (published(`_dmarc.${domain}`) || published(`_dmarc.${org}`)) {
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
