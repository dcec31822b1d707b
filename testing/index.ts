/**
 * `mailguard/testing`: the provider simulator the offline plan runs programs with, as mocks for
 * unit tests of your own Pulumi program. It answers the way the AWS, Cloudflare and TLS providers
 * would (DKIM tokens, ARNs, access keys, real SES SMTP passwords and keys, secrets kept secret)
 * and records every resource, so a test asserts what the program registers:
 *
 * ```ts
 * import * as pulumi from "@pulumi/pulumi";
 * import { ProviderSimulator } from "mailguard/testing";
 *
 * const sim = new ProviderSimulator({ region: "eu-west-1" });
 * beforeAll(() => pulumi.runtime.setMocks(sim, "infra", "test", false));
 *
 * it("publishes the MAIL FROM MX", async () => {
 *   const infra = await import("../index");
 *   // ... await an output of `infra`, then inspect sim.ofType("cloudflare:index/dnsRecord:DnsRecord")
 * });
 * ```
 *
 * `sim.install()` instead of `setMocks` also records each resource's parent and options (the
 * `import` option among them).
 */
export {
  dkimTokensFor,
  ProviderSimulator,
  route53ZoneIdFor,
  SIMULATED_ACCOUNT_ID,
  simulatePrivateKey,
  type RecordedCall,
  type RecordedOptions,
  type RecordedResource,
  type SimulatorOptions,
} from "./simulator";
