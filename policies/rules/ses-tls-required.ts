import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { isUnknown } from "../core";
import { PlainProps, isRecord, readThroughProxy, str } from "../lib/props";
import { SES_CONFIGURATION_SET_TYPES, SES_V2_IDENTITY_TYPES, T } from "../lib/types";
import {
  StackItem,
  configOf,
  dependencyUrns,
  messageFor,
  propsOf,
  stackItems,
} from "../lib/report";

export interface SesTlsRequiredConfig {
  /** Configuration set names managed outside the stack that are known to require TLS. */
  externalConfigurationSets: string[];
}

export const sesTlsRequiredDefaults: SesTlsRequiredConfig = { externalConfigurationSets: [] };

type TlsVerdict =
  | { status: "required" }
  | { status: "not-required"; value: string }
  | { status: "unknown"; path: string[] };

/** Where a configuration set's TLS policy sits, and how it decides. */
export function tlsPolicyOf(props: PlainProps): TlsVerdict {
  let options = props.deliveryOptions;
  if (isUnknown(options)) {
    return { status: "unknown", path: ["deliveryOptions"] };
  }
  const path = ["deliveryOptions"];
  if (Array.isArray(options)) {
    // Early provider versions held deliveryOptions as a list of one.
    options = options[0];
    path.push("0");
  }
  if (!isRecord(options)) {
    return { status: "not-required", value: "unset (Optional)" };
  }
  const tls = options.tlsPolicy;
  if (isUnknown(tls)) {
    return { status: "unknown", path: [...path, "tlsPolicy"] };
  }
  const value = str(tls);
  if (value === undefined) {
    return { status: "not-required", value: "unset (Optional)" };
  }
  return value.toLowerCase() === "require"
    ? { status: "required" }
    : { status: "not-required", value };
}

function configurationSetName(item: StackItem): unknown {
  return item.type === T.sesv2ConfigurationSet ? item.props.configurationSetName : item.props.name;
}

function identityConfigurationSet(item: StackItem): { value: unknown; field: string } {
  if (item.type === T.nativeSesEmailIdentity) {
    const attrs = item.props.configurationSetAttributes;
    if (isUnknown(attrs)) {
      return { value: attrs, field: "configurationSetAttributes" };
    }
    return {
      value: isRecord(attrs) ? attrs.configurationSetName : undefined,
      field: "configurationSetAttributes.configurationSetName",
    };
  }
  return { value: item.props.configurationSetName, field: "configurationSetName" };
}

const SET_FIX =
  'Fix: set deliveryOptions.tlsPolicy to "REQUIRE" (SES v2, aws-native) or "Require" (SES v1), as mailguard\'s MailDomain does.';

/**
 * SES configuration sets (v1, v2, aws-native) require TLS for delivery; stack: every SES v2
 * identity, domain or address, names one of them as its own default configuration set, since a set
 * governs only mail sent with it and an address identity's settings override its domain's (SES
 * Developer Guide, "Default configuration set considerations").
 */
export const sesTlsRequired: ResourceValidationPolicy & StackValidationPolicy = {
  name: "ses-tls-required",
  description:
    "SES configuration sets require TLS, and every SES v2 identity, address identities included, sends through one by default.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      externalConfigurationSets: {
        type: "array",
        items: { type: "string" },
        default: [],
        description:
          "Names of configuration sets managed outside the stack that require TLS, accepted as identity defaults.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (!SES_CONFIGURATION_SET_TYPES.has(args.type)) {
      return;
    }
    const verdict = tlsPolicyOf(propsOf(args));
    if (verdict.status === "not-required") {
      reportViolation(
        messageFor(
          args.type,
          args.name,
          `the configuration set's TLS policy is ${verdict.value}, so SES may deliver its mail in clear text. ${SET_FIX}`,
        ),
      );
    } else if (verdict.status === "unknown") {
      readThroughProxy(args.props, verdict.path);
    }
  },
  validateStack: (args, reportViolation) => {
    const config = configOf(args, sesTlsRequiredDefaults);
    const items = stackItems(
      args.resources,
      new Set([...SES_CONFIGURATION_SET_TYPES, ...SES_V2_IDENTITY_TYPES]),
    );
    const tlsSetNames = new Set(config.externalConfigurationSets);
    const setsByName = new Map<string, StackItem>();
    const tlsSetUrns = new Set<string>();
    for (const s of items) {
      if (!SES_CONFIGURATION_SET_TYPES.has(s.type)) {
        continue;
      }
      const name = str(configurationSetName(s));
      const requires = tlsPolicyOf(s.props).status === "required";
      if (name !== undefined && !isUnknown(name)) {
        setsByName.set(name, s);
        if (requires) {
          tlsSetNames.add(name);
        }
      }
      if (requires) {
        tlsSetUrns.add(s.urn);
      }
    }
    /** Why an identity's own default configuration set does not hold it to TLS, or undefined. */
    const problemOf = (id: StackItem): string | undefined => {
      const { value, field } = identityConfigurationSet(id);
      const fieldName = field.split(".")[0] ?? field;
      if (dependencyUrns(id.resource, fieldName).some((u) => tlsSetUrns.has(u))) {
        return undefined;
      }
      if (isUnknown(value)) {
        return `cannot tell whether the identity's default configuration set requires TLS: ${field} is unknown and not linked to a configuration set in the stack. Fix: pass the name of a configuration set that requires TLS, declared in this stack.`;
      }
      const name = str(value);
      if (name === undefined || name === "") {
        return `the identity has no default configuration set, so mail sent without naming one is not held to TLS. Fix: set ${field} to a configuration set that requires TLS (mailguard's MailDomain does).`;
      }
      if (tlsSetNames.has(name)) {
        return undefined;
      }
      return setsByName.has(name)
        ? `the identity's default configuration set "${name}" does not require TLS. ${SET_FIX}`
        : `the identity's default configuration set "${name}" is not a configuration set in this stack that requires TLS. Fix: declare it in the stack with TLS required, or list it in externalConfigurationSets if it is managed elsewhere and requires TLS.`;
    };
    // Every identity needs its own default: an address identity does not inherit its domain's
    // (SES Developer Guide, "Default configuration set considerations").
    for (const id of items) {
      if (!SES_V2_IDENTITY_TYPES.has(id.type)) {
        continue;
      }
      const problem = problemOf(id);
      if (problem !== undefined) {
        reportViolation(messageFor(id.type, id.name, problem), id.urn);
      }
    }
  },
};
