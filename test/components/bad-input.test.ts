/**
 * Every argument of every component, and the fields of its object and list arguments, given each
 * value of a corpus of wrong types and shapes. Each case either builds (the values listed in
 * `builds`, which are valid) or is refused up front: a `pulumi.ResourceError` whose message names
 * the argument (or the part of it, or the object holding it, that is wrong) and shows its value,
 * says what is allowed and how to fix it, with nothing registered but the component itself.
 * A raw TypeError fails the case, and so does an unhandled rejection (jest fails the test that
 * is running when one arrives); a case that builds must resolve every output it has.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  CLOUDFLARE_MAIL_RECORDS_ARGUMENTS,
  CloudflareMailRecords,
} from "../../components/cloudflareMailRecords";
import { show } from "../../components/common";
import { MAIL_DOMAIN_ARGUMENTS, MailDomain } from "../../components/mailDomain";
import {
  ROUTE53_MAIL_RECORDS_ARGUMENTS,
  Route53MailRecords,
} from "../../components/route53MailRecords";
import {
  NO_SMTP_EGRESS_ARGUMENTS,
  NoSmtpEgressSecurityGroup,
} from "../../components/noSmtpEgressSecurityGroup";
import { SES_SENDER_ARGUMENTS, SesSender } from "../../components/sesSender";
import { SMTP_CREDENTIALS_ARGUMENTS, SmtpCredentials } from "../../components/smtpCredentials";
import { SMTP_ENDPOINT_ARGUMENTS, SmtpEndpoint } from "../../components/smtpEndpoint";
import { inventory, ProviderSimulator, resolve, settle, simulate } from "../helpers/mocks";

let sim: ProviderSimulator;
beforeAll(async () => {
  sim = await simulate({ region: "us-east-1" });
});
beforeEach(() => sim.reset());
// A case that registers children it should not have must not leave them to the next one.
afterEach(() => settle(sim));

/** The corpus: label (as the case names it) and value. */
export const CORPUS: [string, unknown][] = [
  ["null", null],
  ['""', ""],
  ["0", 0],
  ["-1", -1],
  ["1.5", 1.5],
  ["true", true],
  ["[]", []],
  ["{}", {}],
  ["[null]", [null]],
  ['"x"', "x"],
  ["{a:1}", { a: 1 }],
];

const ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
const R53_ZONE = "Z0123456789ABCDEFGHIJ";

const MX_RECORD = {
  key: "mail-from-mx",
  name: "mail.example.com",
  type: "MX",
  content: "feedback-smtp.us-east-1.amazonses.com",
  priority: 10,
  ttl: 3600,
  purpose: "MAIL FROM bounces to SES",
};

interface Target {
  className: string;
  /** How the cases name the target: the class, and the base when a class has several. */
  label: string;
  construct: (args: Record<string, unknown>) => pulumi.ComponentResource;
  /** Valid arguments each case changes one path of. */
  base: Record<string, unknown>;
  /** Every path the corpus is tried at, with the labels of the corpus values that build there. */
  paths: Record<string, string[]>;
  /** The component's own list of its arguments: each must be among the paths. */
  arguments: readonly string[];
}

const TARGETS: Target[] = [
  {
    className: "SesSender",
    label: "SesSender",
    construct: (args) => new SesSender("bad", args as never),
    base: { domain: "example.com", region: "us-east-1" },
    arguments: SES_SENDER_ARGUMENTS,
    paths: {
      domain: [],
      region: [],
      newRegion: ["true"],
      dkimDomain: [],
      mailFromDomain: [],
      behaviorOnMxFailure: [],
      byodkim: ["true", "{}"],
      "byodkim.selector": ['"x"'],
      configurationSetName: ['"x"'],
      eventTopicArn: [],
      alarms: ["true", "{}"],
      "alarms.bounceRate": [],
      "alarms.complaintRate": [],
      "alarms.actions": ["[]"],
      tags: ["{}"],
    },
  },
  {
    className: "SmtpCredentials",
    label: "SmtpCredentials",
    construct: (args) => new SmtpCredentials("bad", args as never),
    base: {
      domain: "example.com",
      identityArn: "arn:aws:ses:us-east-1:123456789012:identity/example.com",
      configurationSetArn:
        "arn:aws:ses:us-east-1:123456789012:configuration-set/example-com-mailguard",
      region: "us-east-1",
    },
    arguments: SMTP_CREDENTIALS_ARGUMENTS,
    paths: {
      domain: [],
      identityArn: [],
      configurationSetArn: [],
      region: [],
      fips: ["true"],
      newRegion: ["true"],
      allowedFromAddresses: [],
      credentialsVersion: [],
      retainPreviousCredentials: ["true"],
      secretKmsKeyId: [],
      userPath: [],
      tags: ["{}"],
      vpcEndpoint: [],
      "vpcEndpoint.endpointId": [],
    },
  },
  {
    className: "CloudflareMailRecords",
    label: "CloudflareMailRecords",
    construct: (args) => new CloudflareMailRecords("bad", args as never),
    base: {
      zoneId: ZONE,
      domain: "example.com",
      records: [
        {
          key: "mail-from-mx",
          name: "mail.example.com",
          type: "MX",
          content: "feedback-smtp.us-east-1.amazonses.com",
          priority: 10,
          ttl: 3600,
          purpose: "MAIL FROM bounces to SES",
        },
      ],
      dmarc: { p: "reject" },
      apexSpf: { existing: "v=spf1 include:_spf.google.com ~all" },
    },
    arguments: CLOUDFLARE_MAIL_RECORDS_ARGUMENTS,
    paths: {
      zoneId: ['"x"'],
      zoneName: [],
      domain: [],
      records: ["[]"],
      "records[0]": [],
      "records[0].key": ['"x"'],
      "records[0].name": [],
      "records[0].type": [],
      "records[0].content": [],
      "records[0].priority": ["0"],
      "records[0].ttl": [],
      "records[0].purpose": ['"x"'],
      dmarc: [],
      "dmarc.p": [],
      "dmarc.sp": [],
      "dmarc.np": [],
      "dmarc.pct": [],
      "dmarc.rua": ["[]"],
      "dmarc.ruf": ["[]"],
      "dmarc.adkim": [],
      "dmarc.aspf": [],
      "dmarc.fo": [],
      "dmarc.t": [],
      dmarcPolicyEnforced: ["{}"],
      "dmarcPolicyEnforced.minimumPolicy": [],
      "dmarcPolicyEnforced.requireFullPct": ["true"],
      apexSpf: [],
      "apexSpf.existing": [],
      "apexSpf.add": ["{}"],
      "apexSpf.add.includes": ["[]"],
      adopt: ["{}"],
      "adopt.spf": [],
      "adopt.dmarc": [],
      ttl: [],
    },
  },
  {
    className: "Route53MailRecords",
    label: "Route53MailRecords",
    construct: (args) => new Route53MailRecords("bad", args as never),
    base: {
      zoneId: R53_ZONE,
      domain: "example.com",
      records: [MX_RECORD],
      dmarc: { p: "reject" },
      apexSpf: { existing: "v=spf1 include:_spf.google.com ~all" },
    },
    arguments: ROUTE53_MAIL_RECORDS_ARGUMENTS,
    paths: {
      zoneId: [],
      zoneName: [],
      domain: [],
      records: ["[]"],
      "records[0]": [],
      "records[0].key": ['"x"'],
      "records[0].name": [],
      "records[0].type": [],
      "records[0].content": [],
      "records[0].priority": ["0"],
      "records[0].ttl": ["0"],
      "records[0].purpose": ['"x"'],
      dmarc: [],
      "dmarc.p": [],
      "dmarc.rua": ["[]"],
      dmarcPolicyEnforced: ["{}"],
      "dmarcPolicyEnforced.minimumPolicy": [],
      apexSpf: [],
      "apexSpf.existing": [],
      "apexSpf.existing[0]": [],
      "apexSpf.add": ["{}"],
      "apexSpf.add.includes": ["[]"],
      adopt: ["{}"],
      "adopt.spf": ["true"],
      "adopt.dmarc": ["true"],
      ttl: ["0"],
    },
  },
  {
    className: "NoSmtpEgressSecurityGroup",
    label: "NoSmtpEgressSecurityGroup",
    construct: (args) => new NoSmtpEgressSecurityGroup("bad", args as never),
    base: {
      vpcId: "vpc-0123456789abcdef0",
      egress: [{ protocol: "tcp", fromPort: 443 }],
      networkAclIds: ["acl-0123456789abcdef0"],
    },
    arguments: NO_SMTP_EGRESS_ARGUMENTS,
    paths: {
      vpcId: [],
      description: ['"x"'],
      egress: [],
      "egress[0]": [],
      "egress[0].protocol": ["0"],
      "egress[0].fromPort": ["0"],
      "egress[0].toPort": [],
      "egress[0].cidrs": [],
      "egress[0].description": ['"x"'],
      networkAclIds: ["[]"],
      naclRuleNumber: [],
      region: [],
      tags: ["{}"],
    },
  },
  {
    className: "MailDomain",
    label: "MailDomain (cloudflareZoneId)",
    construct: (args) => new MailDomain("bad", args as never),
    base: { domain: "example.com", cloudflareZoneId: ZONE, region: "us-east-1" },
    arguments: MAIL_DOMAIN_ARGUMENTS,
    paths: {
      domain: [],
      cloudflareZoneId: ['"x"'],
      cloudflareZoneName: [],
      region: [],
      newRegion: ["true"],
      dkimDomain: [],
      mailFromDomain: [],
      behaviorOnMxFailure: [],
      byodkim: ["true", "{}"],
      configurationSetName: ['"x"'],
      eventTopicArn: [],
      alarms: ["true", "{}"],
      tags: ["{}"],
      dmarc: [],
      dmarcPolicyEnforced: ["{}"],
      apexSpf: [],
      adopt: ["{}"],
      "adopt.spf": [],
      dns: [],
      ttl: [],
      allowedFromAddresses: [],
      credentialsVersion: [],
      retainPreviousCredentials: ["true"],
      secretKmsKeyId: [],
      fips: ["true"],
      vpcEndpoint: [],
      "vpcEndpoint.endpointId": [],
    },
  },
  {
    className: "SmtpEndpoint",
    label: "SmtpEndpoint",
    construct: (args) => new SmtpEndpoint("bad", args as never),
    base: {
      vpcId: "vpc-0123456789abcdef0",
      subnetIds: [{ id: "subnet-0123456789abcdef0", availabilityZone: "us-east-1a" }],
      allowFrom: { securityGroups: ["sg-0123456789abcdef0"] },
    },
    arguments: SMTP_ENDPOINT_ARGUMENTS,
    paths: {
      vpcId: [],
      subnetIds: [],
      "subnetIds[0]": [],
      "subnetIds[0].id": [],
      "subnetIds[0].availabilityZone": [],
      allowFrom: [],
      "allowFrom.securityGroups": [],
      "allowFrom.securityGroups[0]": [],
      "allowFrom.cidrs": ["[]"],
      "allowFrom.cidrs[0]": [],
      newRegion: ["true"],
      tags: ["{}"],
    },
  },
  {
    className: "MailDomain",
    label: "MailDomain (dns.cloudflare)",
    construct: (args) => new MailDomain("bad", args as never),
    base: { domain: "example.com", dns: { cloudflare: { zoneId: ZONE } }, region: "us-east-1" },
    arguments: MAIL_DOMAIN_ARGUMENTS,
    paths: {
      dns: [],
      "dns.cloudflare": [],
      "dns.cloudflare.zoneId": ['"x"'],
      "dns.cloudflare.zoneName": [],
    },
  },
  {
    className: "MailDomain",
    label: "MailDomain (dns.route53)",
    construct: (args) => new MailDomain("bad", args as never),
    base: {
      domain: "example.com",
      dns: { route53: { zoneId: R53_ZONE } },
      region: "us-east-1",
      apexSpf: {
        existing: ["v=spf1 include:_spf.google.com ~all", "google-site-verification=abc"],
      },
    },
    arguments: MAIL_DOMAIN_ARGUMENTS,
    paths: {
      dns: [],
      "dns.route53": [],
      "dns.route53.zoneId": [],
      "dns.route53.zoneName": [],
      cloudflareZoneId: [],
      cloudflareZoneName: [],
      apexSpf: [],
      "apexSpf.existing": [],
      "apexSpf.existing[1]": ['"x"'],
      adopt: ["{}"],
      "adopt.spf": ["true"],
      "adopt.dmarc": ["true"],
      ttl: ["0"],
    },
  },
];

type Step = string | number;

/** `records[0].ttl` -> `["records", 0, "ttl"]`. */
function steps(path: string): Step[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) =>
    m[2] !== undefined ? Number(m[2]) : m[1],
  );
}

/** A deep copy of `base` with `value` at `path`, objects made on the way where missing. */
function withValue(base: Record<string, unknown>, path: string, value: unknown) {
  const copy = structuredClone(base);
  const [last, ...up] = steps(path).reverse();
  let at = copy as Record<Step, unknown>;
  for (const step of up.reverse()) {
    if (typeof at[step] !== "object" || at[step] === null) at[step] = {};
    at = at[step] as Record<Step, unknown>;
  }
  at[last] = value;
  return copy;
}

function valueAt(args: unknown, path: string): unknown {
  let at = args;
  for (const step of steps(path)) {
    if (typeof at !== "object" || at === null) return undefined;
    at = (at as Record<Step, unknown>)[step];
  }
  return at;
}

/**
 * Whether a refusal of a value at `path` may name `named`: the path itself, an object holding it
 * (`dmarc` for `dmarc.pct`, `egress[0]` for its protocol), or a part of the value that is wrong
 * (its first entry, a field it lacks or should not have).
 */
function mayName(path: string, named: string): boolean {
  const within = (inner: string, outer: string) =>
    inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  return within(path, named) || within(named, path);
}

/** Every output of a component, arrays of records included, resolved (a rejection throws). */
async function resolveOutputs(component: object): Promise<void> {
  const pending: Promise<unknown>[] = [];
  const visit = (value: unknown, depth: number) => {
    if (pulumi.Output.isInstance(value)) pending.push(resolve(value));
    else if (depth > 0 && Array.isArray(value)) value.forEach((v) => visit(v, depth - 1));
    else if (depth > 0 && typeof value === "object" && value !== null)
      Object.values(value).forEach((v) => visit(v, depth - 1));
  };
  visit(component, 2);
  await Promise.all(pending);
}

interface Case {
  target: Target;
  path: string;
  label: string;
  value: unknown;
  builds: boolean;
}

export const CASES: Case[] = TARGETS.flatMap((target) =>
  Object.entries(target.paths).flatMap(([path, builds]) =>
    CORPUS.map(([label, value]) => ({
      target,
      path,
      label,
      value,
      builds: builds.includes(label),
    })),
  ),
);

describe("the corpus", () => {
  const classes = [...new Set(TARGETS.map((t) => t.className))];
  it.each(classes)("tries every argument of %s", (className) => {
    const targets = TARGETS.filter((t) => t.className === className);
    const topLevel = new Set(
      targets.flatMap((t) => Object.keys(t.paths)).filter((p) => !/[.[]/.test(p)),
    );
    expect([...topLevel].sort()).toEqual([...targets[0].arguments].sort());
  });

  it("lists only corpus values as the ones that build", () => {
    const labels = CORPUS.map(([label]) => label);
    for (const t of TARGETS)
      for (const builds of Object.values(t.paths))
        for (const b of builds) expect(labels).toContain(b);
  });
});

describe.each(TARGETS.map((t) => [t.label, t]))("%s given a bad value", (_label, target) => {
  const cases = CASES.filter((c) => c.target === target).map(
    (c) => [`${c.path}: ${c.label} ${c.builds ? "builds" : "is refused"}`, c] as const,
  );
  it.each(cases)("%s", async (_title, c) => {
    const args = withValue(target.base, c.path, c.value);
    let thrown: unknown;
    let component: pulumi.ComponentResource | undefined;
    try {
      component = target.construct(args);
    } catch (e) {
      thrown = e;
    }
    if (c.builds) {
      expect(thrown).toBeUndefined();
      await resolveOutputs(component!);
      await settle(sim);
      expect(sim.resources.length).toBeGreaterThan(1);
      return;
    }
    expect(thrown).toBeInstanceOf(pulumi.ResourceError);
    const message = (thrown as Error).message;
    const prefix = `${target.className} "bad": invalid `;
    expect(message.startsWith(prefix)).toBe(true);
    const rest = message.slice(prefix.length);
    const named = rest.slice(0, rest.indexOf(" "));
    expect({ message, named: mayName(c.path, named) }).toEqual({ message, named: true });
    expect(rest.startsWith(`${named} ${show(valueAt(args, named))}: `)).toBe(true);
    expect(rest).toMatch(/: \S.* Fix: \S/);
    await settle(sim);
    expect(inventory(sim.resources)).toEqual([`mailguard:index:${target.className} bad`]);
  });
});
