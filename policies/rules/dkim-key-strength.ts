import type { ResourceValidationPolicy } from "@pulumi/policy";
import { analyzeDkimKey } from "../core";
import { isRecord } from "../lib/props";
import { VALUE_FIELDS, deferUnknown, recordFor, valuesUnknown } from "../lib/record-policy";
import { isDomainKeyName } from "../lib/dns";
import { T } from "../lib/types";
import { configOf, messageFor, propsOf } from "../lib/report";

export interface DkimKeyStrengthConfig {
  /** RSA keys shorter than this many bits are reported; default 2048. */
  minimumRsaBits: number;
}

export const dkimKeyStrengthDefaults: DkimKeyStrengthConfig = { minimumRsaBits: 2048 };

/** Below 1024 bits receivers reject the key; dkim-record-valid reports that. */
const REJECTED_BELOW = 1024;

/**
 * RSA DKIM keys of at least 2048 bits: key TXT records, and SES identities whose
 * `dkimSigningAttributes.nextSigningKeyLength` asks for `RSA_1024_BIT`.
 */
export const dkimKeyStrength: ResourceValidationPolicy = {
  name: "dkim-key-strength",
  description: "DKIM RSA keys are at least 2048 bits long.",
  enforcementLevel: "advisory",
  configSchema: {
    properties: {
      minimumRsaBits: {
        type: "integer",
        minimum: 1024,
        default: 2048,
        description: "RSA keys shorter than this are reported.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    const config = configOf(args, dkimKeyStrengthDefaults);
    if (args.type === T.sesv2EmailIdentity || args.type === T.nativeSesEmailIdentity) {
      const attrs = propsOf(args).dkimSigningAttributes;
      const length = isRecord(attrs) ? attrs.nextSigningKeyLength : undefined;
      if (length === "RSA_1024_BIT" && config.minimumRsaBits > 1024) {
        reportViolation(
          messageFor(
            args.type,
            args.name,
            `dkimSigningAttributes.nextSigningKeyLength is RSA_1024_BIT, shorter than ${config.minimumRsaBits} bits. Fix: set it to RSA_2048_BIT (mailguard's MailDomain does).`,
          ),
        );
      }
      return;
    }
    const view = recordFor(args, ["TXT"]);
    if (view === undefined) {
      return;
    }
    const weak = (value: string): number | undefined => {
      const key = analyzeDkimKey(value);
      return key.keyType === "rsa" &&
        key.rsaBits !== undefined &&
        key.rsaBits >= REJECTED_BELOW &&
        key.rsaBits < config.minimumRsaBits
        ? key.rsaBits
        : undefined;
    };
    if (view.name === undefined) {
      // A weak key matters only at a key name, which is not known yet.
      if (valuesUnknown(view) || view.values.some((v) => weak(v) !== undefined)) {
        deferUnknown(args, view, ["name"]);
      }
      return;
    }
    if (!isDomainKeyName(view.name)) {
      return;
    }
    for (const value of view.values) {
      const bits = weak(value);
      if (bits !== undefined) {
        reportViolation(
          messageFor(
            args.type,
            args.name,
            `the DKIM key at ${view.name} is RSA ${bits} bits, shorter than ${config.minimumRsaBits}. Fix: publish a ${Math.max(2048, config.minimumRsaBits)}-bit RSA key under a new selector, switch signing to it, then revoke the old one (empty p=).`,
          ),
        );
      }
    }
    deferUnknown(args, view, VALUE_FIELDS);
  },
};
