/**
 * The messages `ses-dns-records` gives for the stacks of ses-fixtures.ts, written out with the
 * sources AWS's documents go by, for the in-process and the protocol tests alike.
 */
import { CF_DNS_RECORD, R53_RECORD } from "./dns-fixtures";
import { urnOf } from "./policy-support";
import { Dns, V2_ID } from "./ses-fixtures";

export const FEEDBACK_SOURCE = "SES Developer Guide, custom MAIL FROM feedback endpoints";
export const DKIM_SOURCE = "AWS General Reference, Amazon SES endpoints and quotas, DKIM domains";
export const SPF_SOURCE = "SES Developer Guide, setting up a custom MAIL FROM domain";
export const MANAGED_FIX =
  "or list the domain in managedElsewhere when its DNS lives in another stack";
export const DNS: Dns[] = ["cloudflare", "route53"];

export const EU = {
  mxHost: "feedback-smtp.eu-west-1.amazonses.com",
  dkimDomain: "dkim.amazonses.com",
};
export const ME = {
  mxHost: "feedback-smtp.me-central-1.amazonses.com",
  dkimDomain: "dkim.me-central-1.amazonses.com",
};

/** How a message names a record of the fixtures: `<type> "<resource name>"`. */
export function recordLabel(dns: Dns, type: string, name: string): string {
  return dns === "cloudflare"
    ? `${CF_DNS_RECORD} "cf-${type.toLowerCase()}-${name}"`
    : `${R53_RECORD} "r53-${type.toLowerCase()}-${name}"`;
}

export function recordUrn(dns: Dns, type: string, name: string): string {
  return dns === "cloudflare"
    ? urnOf(CF_DNS_RECORD, `cf-${type.toLowerCase()}-${name}`)
    : urnOf(R53_RECORD, `r53-${type.toLowerCase()}-${name}`);
}

export const ID = `${V2_ID} "id"`;
export const ID_URN = urnOf(V2_ID, "id");

export function mxWrong(dns: Dns, identity: string, found: string, host: string): string {
  return `${recordLabel(dns, "MX", "mail.example.com")}: the MX record at mail.example.com, the MAIL FROM domain of ${identity}, is "${found}"; SES expects "10 ${host}" (${FEEDBACK_SOURCE}) and never verifies the MAIL FROM domain otherwise. Fix: point the record at ${host} with priority 10.`;
}

export function spfWrong(label: string, identity: string, value: string, ending: string): string {
  return `${label}: the SPF record at mail.example.com, the MAIL FROM domain of ${identity}, is "${value}", which does not authorize SES: RFC 7208 evaluation for an SES sending address ends in ${ending}. Expected TXT mail.example.com "v=spf1 include:amazonses.com -all" (${SPF_SOURCE}). Fix: publish exactly that one SPF record (mailguard's MailDomain does).`;
}

export function dkimWrong(
  label: string,
  identity: string,
  token: string,
  found: string,
  expected: string,
) {
  return `${label}: the Easy DKIM CNAME ${token}._domainkey.example.com of ${identity} points at "${found}"; SES expects "${expected}" (${DKIM_SOURCE}), and DKIM stays pending otherwise, so the identity is never verified. Fix: point the record at ${expected}.`;
}

/** A token of the identity `id` without its CNAME in the stack. */
export function dkimMissing(identity: string, token: string, expected: string): string {
  return `${ID}: ${identity} has no Easy DKIM CNAME at ${token}._domainkey.example.com in the stack; expected CNAME ${token}._domainkey.example.com -> ${expected} (${DKIM_SOURCE}), without which DKIM stays pending and the identity is never verified. Fix: publish that record (mailguard's MailDomain does), ${MANAGED_FIX}.`;
}
