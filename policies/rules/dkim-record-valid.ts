import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
  analyzeDkimKey,
  checkEasyDkimCname,
  errorsOf,
  isUnderSesDkimDomain,
  isUnknown,
} from "../core";
import {
  VALUE_FIELDS,
  deferUnknown,
  isBadlyQuoted,
  recordFor,
  txtProblemsOf,
} from "../lib/record-policy";
import { NameIndex, isDomainKeyName, stackRecordsOf } from "../lib/dns";
import { isRecord, str } from "../lib/props";
import { DNS_RECORD_TYPES, DNS_ZONE_TYPES, SES_V2_IDENTITY_TYPES } from "../lib/types";
import { StackItem, messageFor, reportFinding, stackItems } from "../lib/report";

const RECORD_TYPES: ReadonlySet<string> = new Set([...DNS_RECORD_TYPES, ...DNS_ZONE_TYPES]);

/** A known, non-empty string field, lower-cased without a trailing dot. */
function knownName(value: unknown): string | undefined {
  const s = str(value);
  return s === undefined || s === "" || isUnknown(s)
    ? undefined
    : s.toLowerCase().replace(/\.$/, "");
}

/** An SES identity signing with its own key (BYODKIM): the selector and where its key must be. */
interface Signer {
  identity: StackItem;
  selector: string;
  domain: string;
}

function signerOf(identity: StackItem): Signer | undefined {
  const domain = knownName(identity.props.emailIdentity);
  const attrs = identity.props.dkimSigningAttributes;
  const selector = isRecord(attrs) ? knownName(attrs.domainSigningSelector) : undefined;
  return domain === undefined || selector === undefined || domain.includes("@")
    ? undefined
    : { identity, selector, domain };
}

/**
 * A stand-in zone for names written relative to their zone (`<token>._domainkey`), so that the core
 * judges token and target; it never shows in a message.
 */
const STAND_IN_ZONE = ".zone.invalid";

function judgedName(name: string): string {
  const labels = name.split(".");
  const at = labels.indexOf("_domainkey");
  return at >= 0 && labels.length - at - 1 < 2 ? `${name}${STAND_IN_ZONE}` : name;
}

/**
 * DKIM key TXT records at `<selector>._domainkey.<domain>` parse and hold a usable key (RFC 6376,
 * 8301, 8463); CNAMEs to a host under an SES Easy DKIM domain (global or regional, see
 * core/ses-regions.ts) stand at `<token>._domainkey.<domain>` with the same token, and target a
 * DKIM domain SES uses. Each record is judged alone: whether the DKIM domain is the one of the
 * identity's region is for `ses-dns-records`, which sees the identity. A revoked key (empty p=)
 * is how a selector is retired; at stack level it is a violation while an SES identity of the
 * stack still signs with that selector (BYODKIM `dkimSigningAttributes.domainSigningSelector`).
 */
export const dkimRecordValid: ResourceValidationPolicy & StackValidationPolicy = {
  name: "dkim-record-valid",
  description: "DKIM key records hold a usable key, and SES Easy DKIM CNAMEs match their token.",
  enforcementLevel: "mandatory",
  configSchema: { properties: {} },
  validateResource: (args, reportViolation) => {
    const view = recordFor(args, ["TXT", "CNAME"]);
    if (view === undefined) {
      return;
    }
    if (view.type === "CNAME") {
      for (const target of view.values) {
        if (view.name !== undefined && isUnderSesDkimDomain(target)) {
          for (const f of errorsOf(checkEasyDkimCname(judgedName(view.name), target))) {
            const shown = { ...f, message: f.message.split(STAND_IN_ZONE).join("") };
            reportFinding(reportViolation, args.type, args.name, shown);
          }
        }
      }
      deferUnknown(args, view, view.name === undefined ? ["name", ...VALUE_FIELDS] : VALUE_FIELDS);
      return;
    }
    if (view.name === undefined) {
      if (view.type === "TXT") {
        deferUnknown(args, view, ["name"]);
      }
      return;
    }
    if (view.type === "TXT" && isDomainKeyName(view.name)) {
      for (const f of txtProblemsOf(view, "dkim")) {
        reportFinding(reportViolation, args.type, args.name, f);
      }
      for (const value of view.values.filter((v) => !isBadlyQuoted(view, v))) {
        const key = analyzeDkimKey(value);
        // An empty p= is how RFC 6376 3.6.1 retires a selector: deliberate, not broken.
        for (const f of errorsOf(key.findings).filter(
          (f) => !(key.revoked && f.code === "dkim-revoked-key"),
        )) {
          reportFinding(reportViolation, args.type, args.name, f);
        }
      }
    }
    if (view.type !== undefined || isDomainKeyName(view.name)) {
      deferUnknown(args, view, VALUE_FIELDS);
    }
  },
  validateStack: (args, reportViolation) => {
    // Identities first: a stack whose identities all use Easy DKIM needs no record read.
    const signers = new Map<string, Signer[]>();
    for (const item of stackItems(args.resources, SES_V2_IDENTITY_TYPES)) {
      const signer = signerOf(item);
      if (signer !== undefined) {
        const name = `${signer.selector}._domainkey.${signer.domain}`;
        signers.set(name, [...(signers.get(name) ?? []), signer]);
      }
    }
    if (signers.size === 0) {
      return;
    }
    const revoked = new NameIndex<StackItem>(
      stackRecordsOf(
        stackItems(args.resources, RECORD_TYPES),
        [...signers.values()].flat().map((s) => s.domain),
      ),
      (r) =>
        r.view.type === "TXT" &&
        r.fqdn !== undefined &&
        isDomainKeyName(r.fqdn) &&
        r.view.values.some((v) => !isBadlyQuoted(r.view, v) && analyzeDkimKey(v).revoked),
    );
    for (const [name, list] of signers) {
      const match = revoked.findFirst([name], Infinity);
      if (match === undefined || match.ambiguous) {
        continue; // A relative name that cannot be placed is not reported as this key.
      }
      for (const record of match.records) {
        for (const { identity, selector } of list) {
          reportViolation(
            messageFor(
              record.item.type,
              record.item.name,
              `the DKIM key at ${name} is revoked (empty p=), but ${identity.type} "${identity.name}" still signs with selector ${selector} (dkimSigningAttributes.domainSigningSelector), so receivers fail every signature it makes. Fix: publish the identity's public key at ${name} (mailguard's MailDomain does), or move the identity to a new selector before revoking this one.`,
            ),
            record.item.urn,
          );
        }
      }
    }
  },
};
