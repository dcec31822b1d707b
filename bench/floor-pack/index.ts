/**
 * The floor the mailguard pack is measured against: a pack of the same shape (fifteen policies,
 * thirteen with a resource check, eight with a stack check, as in policies/index.ts) whose checks
 * do nothing. What remains is the SDK's own cost: protocol, deserialization, proxies.
 */
import { PolicyPack, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

const noop = (): void => undefined;

/** [name, has a resource check, has a stack check], mirroring the mailguard pack. */
const SHAPE: [string, boolean, boolean][] = [
  ["no-port-25-egress", true, false],
  ["vpc-default-security-group-closed", false, true],
  ["ses-tls-required", true, true],
  ["ses-dkim-enabled", true, true],
  ["ses-domain-dmarc-published", false, true],
  ["spf-record-valid", true, true],
  ["spf-record-not-permissive", true, false],
  ["spf-record-advice", true, false],
  ["dmarc-record-valid", true, true],
  ["dmarc-policy-enforced", true, false],
  ["dmarc-record-advice", true, true],
  ["dkim-record-valid", true, false],
  ["dkim-key-strength", true, false],
  ["mail-dns-not-proxied", true, true],
  ["smtp-user-least-privilege", true, false],
];

const policies = SHAPE.map(([name, resource, stack]) => {
  const p: Partial<ResourceValidationPolicy & StackValidationPolicy> = {
    name,
    description: "Does nothing.",
    enforcementLevel: "advisory",
    configSchema: { properties: {} },
  };
  if (resource) {
    p.validateResource = noop;
  }
  if (stack) {
    p.validateStack = noop;
  }
  return p as ResourceValidationPolicy & StackValidationPolicy;
});

new PolicyPack("mailguard-floor", { policies });
