import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { readThroughProxy } from "../../policies/lib/props";
import { ResourceRegion, regionOfArgs, regionOfResource } from "../../policies/lib/region";
import {
  ProviderFixture,
  UNKNOWN,
  awsProvider,
  runResource,
  runStack,
} from "../helpers/policy-support";

const ID = "aws:sesv2/emailIdentity:EmailIdentity";

/** What a policy learns of the region, without the SDK's proxy in the result. */
type Seen = { status: string; region?: string; from?: string; path?: (string | number)[] };

function seen(r: ResourceRegion): Seen {
  return r.status === "unknown" ? { status: r.status, from: r.from, path: r.field.path } : { ...r };
}

/** Resource and stack policies that report the region they see, as JSON. */
function probes(): { resource: ResourceValidationPolicy; stack: StackValidationPolicy } {
  return {
    resource: {
      name: "probe",
      description: "probe",
      validateResource: (args, report) => report(JSON.stringify(seen(regionOfArgs(args)))),
    },
    stack: {
      name: "probe",
      description: "probe",
      validateStack: (args, report) => {
        for (const r of args.resources) {
          report(JSON.stringify(seen(regionOfResource(r))));
        }
      },
    },
  };
}

const cases: [string, Record<string, unknown>, ProviderFixture | undefined, Seen][] = [
  [
    "its own region input",
    { region: "me-central-1" },
    undefined,
    { status: "known", region: "me-central-1", from: "resource" },
  ],
  [
    "its own region, trimmed and lower-cased",
    { region: " EU-West-1 " },
    undefined,
    { status: "known", region: "eu-west-1", from: "resource" },
  ],
  [
    "its provider's region when it has none",
    {},
    awsProvider("sa-east-1"),
    { status: "known", region: "sa-east-1", from: "provider" },
  ],
  [
    "its provider's region when its own is empty",
    { region: "" },
    awsProvider("sa-east-1"),
    { status: "known", region: "sa-east-1", from: "provider" },
  ],
  [
    "its own region over its provider's",
    { region: "us-gov-east-1" },
    awsProvider("us-east-1"),
    { status: "known", region: "us-gov-east-1", from: "resource" },
  ],
  [
    "its own region unknown, whatever its provider says",
    { region: UNKNOWN },
    awsProvider("us-east-1"),
    { status: "unknown", from: "resource", path: ["region"] },
  ],
  [
    "its provider's region unknown",
    {},
    awsProvider(UNKNOWN),
    { status: "unknown", from: "provider", path: ["region"] },
  ],
  ["nothing, without a provider", {}, undefined, { status: "absent" }],
  [
    "nothing, with a provider without a region",
    {},
    { type: "pulumi:providers:aws", name: "p", props: { profile: "ops" } },
    { status: "absent" },
  ],
];

describe("the region of a resource", () => {
  it.each(cases)(
    "is %s, in resource and stack policies alike",
    async (_label, props, provider, expected) => {
      const { resource, stack } = probes();
      const r = {
        type: ID,
        name: "id",
        props: { emailIdentity: "example.com", ...props },
        provider,
      };
      const fromArgs = await runResource(resource, r);
      const fromStack = await runStack(stack, [r]);
      expect(fromArgs.violations.map((v) => JSON.parse(v) as Seen)).toEqual([expected]);
      expect(fromStack.violations.map((v) => JSON.parse(v) as Seen)).toEqual([expected]);
    },
  );

  it("points at the unknown field behind the SDK's proxy, which names it in its preview note", async () => {
    for (const [props, provider] of [
      [{ region: UNKNOWN }, undefined],
      [{}, awsProvider(UNKNOWN)],
    ] as const) {
      const policy: StackValidationPolicy = {
        name: "probe",
        description: "probe",
        validateStack: (args) => {
          const region = regionOfResource(args.resources[0]);
          if (region.status === "unknown") {
            readThroughProxy(region.field.props, region.field.path);
          }
        },
      };
      const out = await runStack(policy, [{ type: ID, name: "id", props, provider }]);
      expect(out.previewNote).toBe(
        "can't run policy 'probe' during preview: string value at .region can't be known during preview",
      );
    }
  });
});
