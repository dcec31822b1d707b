/**
 * The mailbox providers' bulk-sender rules (cli/verify/providers.ts), judged from the plan: what
 * the deliverability verdict saw of the planned records, and whether the identity's default
 * configuration set requires TLS. The same table `mailguard verify` prints from what is live.
 */
import { analyzeDmarc } from "../../policies/core/dmarc";
import { errorsOf } from "../../policies/core/finding";
import {
  mailboxProviderTable,
  type MailObservations,
  type ProviderTable,
} from "../verify/providers";
import type { SesDomain } from "./mail";
import type { PlannedResource } from "./program";
import type { DeliverabilityVerdict } from "./verdict";

const CONFIGURATION_SET = "aws:sesv2/configurationSet:ConfigurationSet";

/** Whether the plan's configuration set of that name requires TLS (undefined: not in the plan). */
export function tlsRequiredOf(
  resources: readonly PlannedResource[],
  name: string | undefined,
): boolean | undefined {
  if (name === undefined) return undefined;
  const set = resources.find(
    (r) => r.type === CONFIGURATION_SET && r.inputs.configurationSetName === name,
  );
  if (set === undefined) return undefined;
  const options = set.inputs.deliveryOptions as { tlsPolicy?: unknown } | undefined;
  return typeof options?.tlsPolicy === "string" && options.tlsPolicy.toUpperCase() === "REQUIRE";
}

/** What a receiver would see of the domain's mail, by the plan. */
export function observationsOf(
  verdict: DeliverabilityVerdict,
  tlsRequired: boolean | undefined,
): MailObservations {
  const record = verdict.dmarc.record;
  const analysis = record === undefined ? undefined : analyzeDmarc(record);
  return {
    spfPass: verdict.spf.result === "pass",
    spfAligned: verdict.spf.aligned,
    dkimPass: verdict.dkim.result === "pass",
    dkimKeyBits: verdict.dkim.keyBits,
    dmarc:
      analysis === undefined
        ? undefined
        : {
            valid: errorsOf(analysis.findings).length === 0,
            policy: analysis.record?.p,
            rua: (analysis.record?.rua.length ?? 0) > 0,
          },
    tlsRequired,
  };
}

/** The provider table of each SES domain of the plan, in the order of the verdicts. */
export function providerTablesOf(
  resources: readonly PlannedResource[],
  domains: readonly SesDomain[],
  verdicts: readonly DeliverabilityVerdict[],
): { domain: string; table: ProviderTable }[] {
  return verdicts.map((v, i) => ({
    domain: v.domain,
    table: mailboxProviderTable(
      observationsOf(v, tlsRequiredOf(resources, domains[i]?.configurationSet)),
    ),
  }));
}
