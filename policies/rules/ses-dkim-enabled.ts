import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { isUnknown } from "../core";
import { isRecord, readThroughProxy, str } from "../lib/props";
import { T } from "../lib/types";
import { StackItem, dependencyUrns, messageFor, propsOf, stackItems } from "../lib/report";

const STACK_TYPES: ReadonlySet<string> = new Set([T.sesDomainIdentity, T.sesDomainDkim]);

/**
 * SES v2 identities (aws and aws-native) sign with DKIM: Easy DKIM is on unless turned off, and a
 * BYODKIM setup needs both the private key and the selector. Stack: every SES v1 domain identity has
 * a `DomainDkim`, without which v1 identities do not sign.
 */
export const sesDkimEnabled: ResourceValidationPolicy & StackValidationPolicy = {
  name: "ses-dkim-enabled",
  description: "SES domain identities sign outgoing mail with DKIM.",
  enforcementLevel: "mandatory",
  configSchema: { properties: {} },
  validateResource: (args, reportViolation) => {
    if (args.type !== T.sesv2EmailIdentity && args.type !== T.nativeSesEmailIdentity) {
      return;
    }
    const props = propsOf(args);
    const identity = props.emailIdentity;
    if (typeof identity === "string" && identity.includes("@")) {
      // An address identity signs with the DKIM of its domain, which has its own identity.
      return;
    }
    if (args.type === T.nativeSesEmailIdentity) {
      const dkim = props.dkimAttributes;
      if (isUnknown(dkim)) {
        readThroughProxy(args.props, ["dkimAttributes"]);
        return;
      }
      const enabled = isRecord(dkim) ? dkim.signingEnabled : undefined;
      if (enabled === false) {
        reportViolation(
          messageFor(
            args.type,
            args.name,
            "DKIM signing is turned off (dkimAttributes.signingEnabled: false), so DMARC can rest only on SPF alignment. Fix: remove signingEnabled or set it to true.",
          ),
        );
      } else if (isUnknown(enabled)) {
        readThroughProxy(args.props, ["dkimAttributes", "signingEnabled"]);
      }
      return;
    }
    const attrs = props.dkimSigningAttributes;
    if (!isRecord(attrs)) {
      return;
    }
    const key = attrs.domainSigningPrivateKey;
    const selector = attrs.domainSigningSelector;
    const present = (v: unknown): boolean => v !== undefined && v !== null && v !== "";
    if (present(key) !== present(selector)) {
      const missing = present(key) ? "domainSigningSelector" : "domainSigningPrivateKey";
      reportViolation(
        messageFor(
          args.type,
          args.name,
          `BYODKIM is half configured: dkimSigningAttributes.${missing} is missing, so SES cannot sign with the domain's own key. Fix: give both domainSigningPrivateKey and domainSigningSelector, or neither for Easy DKIM (mailguard's MailDomain supports both).`,
        ),
      );
    }
  },
  validateStack: (args, reportViolation) => {
    const items = stackItems(args.resources, STACK_TYPES);
    const dkimDomains = new Set<string>();
    const dkimDependsOn = new Set<string>();
    for (const d of items) {
      if (d.type !== T.sesDomainDkim) {
        continue;
      }
      const domain = str(d.props.domain);
      if (domain !== undefined && !isUnknown(domain)) {
        dkimDomains.add(domain.toLowerCase());
      }
      for (const urn of dependencyUrns(d.resource, "domain")) {
        dkimDependsOn.add(urn);
      }
    }
    const hasDkim = (identity: StackItem): boolean => {
      const domain = str(identity.props.domain);
      return (
        dkimDependsOn.has(identity.urn) ||
        (domain !== undefined && !isUnknown(domain) && dkimDomains.has(domain.toLowerCase()))
      );
    };
    for (const identity of items) {
      if (identity.type === T.sesDomainIdentity && !hasDkim(identity)) {
        const domain = str(identity.props.domain);
        const shown = domain === undefined || isUnknown(domain) ? "its domain" : `"${domain}"`;
        reportViolation(
          messageFor(
            identity.type,
            identity.name,
            `the SES v1 domain identity for ${shown} has no aws.ses.DomainDkim in the stack, so its mail is not DKIM-signed. Fix: add aws.ses.DomainDkim for the domain and publish its three CNAMEs, or use mailguard's MailDomain (SES v2, Easy DKIM).`,
          ),
          identity.urn,
        );
      }
    }
  },
};
