import { execFile } from "child_process";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  checkSubnetZones,
  INGRESS_RULE_TYPE,
  SmtpEndpoint,
  SmtpEndpointArgs,
  smtpEndpointFactsOf,
} from "../../components/smtpEndpoint";
import { ArgumentError } from "../../components/common";
import { MailDomain } from "../../components/mailDomain";
import { egressRulesOf } from "../../policies/core/egress";
import {
  expectRefusal,
  inventory,
  ProviderSimulator,
  settle,
  simulate,
  valueOf,
} from "../helpers/mocks";

let sim: ProviderSimulator;
beforeAll(async () => {
  sim = await simulate({ region: "eu-west-1" });
});
beforeEach(() => sim.reset());

const COMPONENT = "mailguard:index:SmtpEndpoint";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const VPC = "vpc-0123456789abcdef0";
const SUBNET_A = "subnet-0aaaaaaaaaaaaaaaa";
const SUBNET_B = "subnet-0bbbbbbbbbbbbbbbb";
const APP_SG = "sg-0123456789abcdef0";

async function build(name: string, args: SmtpEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
  const endpoint = new SmtpEndpoint(name, args, opts);
  await valueOf(endpoint.endpointId);
  await settle(sim);
  return endpoint;
}

/** Two subnets the program creates in eu-west-1a and eu-west-1b. */
function network() {
  const vpc = new aws.ec2.Vpc("main", {
    cidrBlock: "10.0.0.0/16",
    enableDnsHostnames: true,
    enableDnsSupport: true,
  });
  const a = new aws.ec2.Subnet("private-a", {
    vpcId: vpc.id,
    cidrBlock: "10.0.1.0/24",
    availabilityZone: "eu-west-1a",
  });
  const b = new aws.ec2.Subnet("private-b", {
    vpcId: vpc.id,
    cidrBlock: "10.0.2.0/24",
    availabilityZone: "eu-west-1b",
  });
  return { vpc, a, b };
}

describe("SmtpEndpoint", () => {
  it("registers a group with no inline rules, TCP 587 and 465 from each source, and an interface endpoint with private DNS", async () => {
    await build("smtp", {
      vpcId: VPC,
      subnetIds: [
        { id: SUBNET_A, availabilityZone: "eu-west-1a" },
        { id: SUBNET_B, availabilityZone: "eu-west-1b" },
      ],
      allowFrom: { securityGroups: [APP_SG], cidrs: ["10.20.0.0/16"] },
      tags: { team: "mail" },
    });
    const component = sim.find(COMPONENT, "smtp")!;
    expect(inventory(sim.resources)).toEqual([
      `${COMPONENT} smtp`,
      `${SG} smtp-group`,
      `${INGRESS_RULE_TYPE} smtp-ingress-tcp-587-sg-0123456789abcdef0`,
      `${INGRESS_RULE_TYPE} smtp-ingress-tcp-465-sg-0123456789abcdef0`,
      `${INGRESS_RULE_TYPE} smtp-ingress-tcp-587-10-20-0-0-16`,
      `${INGRESS_RULE_TYPE} smtp-ingress-tcp-465-10-20-0-0-16`,
      `${ENDPOINT} smtp-endpoint`,
    ]);
    for (const r of sim.customResources()) expect(r.parent).toBe(component.urn);
    const group = sim.find(SG, "smtp-group")!;
    expect(group.inputs).toEqual({
      vpcId: VPC,
      description: "SES SMTP VPC endpoint: TCP 587 and 465 from the allowed sources (mailguard)",
      revokeRulesOnDelete: true,
      tags: { team: "mail" },
    });
    const rule = (name: string) => sim.find(INGRESS_RULE_TYPE, name)!.inputs;
    expect(rule("smtp-ingress-tcp-587-sg-0123456789abcdef0")).toEqual({
      securityGroupId: group.id,
      ipProtocol: "tcp",
      fromPort: 587,
      toPort: 587,
      referencedSecurityGroupId: APP_SG,
      description: "SMTP submission on 587 (STARTTLS) from sg-0123456789abcdef0 (mailguard)",
      tags: { team: "mail" },
    });
    expect(rule("smtp-ingress-tcp-465-10-20-0-0-16")).toEqual({
      securityGroupId: group.id,
      ipProtocol: "tcp",
      fromPort: 465,
      toPort: 465,
      cidrIpv4: "10.20.0.0/16",
      description: "SMTP submission on 465 (implicit TLS) from 10.20.0.0/16 (mailguard)",
      tags: { team: "mail" },
    });
    expect(sim.find(ENDPOINT, "smtp-endpoint")!.inputs).toEqual({
      vpcId: VPC,
      serviceName: "com.amazonaws.eu-west-1.email-smtp",
      vpcEndpointType: "Interface",
      privateDnsEnabled: true,
      subnetIds: [SUBNET_A, SUBNET_B],
      securityGroupIds: [group.id],
      tags: { team: "mail" },
    });
  });

  it("opens nothing but 587 and 465 and declares no egress, so the core finds no egress rule at all", async () => {
    await build("smtp", {
      vpcId: VPC,
      subnetIds: [{ id: SUBNET_A, availabilityZone: "eu-west-1a" }],
      allowFrom: { securityGroups: [APP_SG] },
    });
    const group = sim.find(SG, "smtp-group")!;
    expect(group.inputs.ingress).toBeUndefined();
    expect(group.inputs.egress).toBeUndefined();
    expect(egressRulesOf(SG, group.inputs)).toEqual([]);
    expect(sim.ofType(INGRESS_RULE_TYPE).map((r) => [r.inputs.fromPort, r.inputs.toPort])).toEqual([
      [587, 587],
      [465, 465],
    ]);
  });

  it("gives the standard host, the service name, the group and the endpoint's DNS names as outputs", async () => {
    const { vpc, a, b } = network();
    const endpoint = await build("smtp", {
      vpcId: vpc.id,
      subnetIds: [a.id, b.id],
      allowFrom: { securityGroups: [APP_SG] },
    });
    expect(await valueOf(endpoint.host)).toBe("email-smtp.eu-west-1.amazonaws.com");
    expect(await valueOf(endpoint.serviceName)).toBe("com.amazonaws.eu-west-1.email-smtp");
    expect(await valueOf(endpoint.region)).toBe("eu-west-1");
    const registered = sim.find(ENDPOINT, "smtp-endpoint")!;
    expect(await valueOf(endpoint.endpointId)).toBe(registered.id);
    expect(registered.id).toMatch(/^vpce-[0-9a-f]{17}$/);
    expect(await valueOf(endpoint.securityGroupId)).toBe(sim.find(SG, "smtp-group")!.id);
    const names = (await valueOf(endpoint.dnsEntries)).map((e) => e.dnsName);
    expect(names).toHaveLength(4);
    expect(names[3]).toBe("email-smtp.eu-west-1.amazonaws.com");
    expect(names[1]).toMatch(
      /^vpce-[0-9a-f]{17}-[0-9a-f]{8}-eu-west-1a\.email-smtp\.eu-west-1\.vpce\.amazonaws\.com$/,
    );
    expect(await valueOf(endpoint.ingressRuleIds)).toHaveLength(2);
  });

  it("looks up the endpoint service's zones, and the zone of each subnet not given with one", async () => {
    const { vpc, a, b } = network();
    await build("smtp", {
      vpcId: vpc.id,
      subnetIds: [a.id, { id: b.id, availabilityZone: "eu-west-1b" }],
      allowFrom: { securityGroups: [APP_SG] },
    });
    const subnetA = sim.find("aws:ec2/subnet:Subnet", "private-a")!;
    expect(sim.calls.map((c) => [c.token, c.inputs])).toEqual([
      ["aws:index/getRegion:getRegion", {}],
      [
        "aws:ec2/getVpcEndpointService:getVpcEndpointService",
        { serviceName: "com.amazonaws.eu-west-1.email-smtp", serviceType: "Interface" },
      ],
      ["aws:ec2/getSubnet:getSubnet", { id: subnetA.id }],
    ]);
  });

  it("keys rules of sources from other resources by the user's key, so reordering replaces nothing", async () => {
    const args = (reversed: boolean): SmtpEndpointArgs => {
      const groups = [{ key: "app", id: pulumi.output("sg-0aaa") }, "sg-0bbb"];
      const cidrs = [{ key: "vpc", cidr: pulumi.output("10.0.0.0/16") }, "2001:db8::/56"];
      return {
        vpcId: VPC,
        subnetIds: [{ id: SUBNET_A, availabilityZone: "eu-west-1a" }],
        allowFrom: {
          securityGroups: reversed ? [...groups].reverse() : groups,
          cidrs: reversed ? [...cidrs].reverse() : cidrs,
        },
      };
    };
    await build("smtp", args(false));
    const names = () =>
      sim
        .ofType(INGRESS_RULE_TYPE)
        .map((r) => r.name)
        .sort();
    const first = names();
    sim.reset();
    await build("smtp", args(true));
    expect(names()).toEqual(first);
    expect(first).toEqual(
      [
        "smtp-ingress-tcp-587-sg-app",
        "smtp-ingress-tcp-465-sg-app",
        "smtp-ingress-tcp-587-sg-0bbb",
        "smtp-ingress-tcp-465-sg-0bbb",
        "smtp-ingress-tcp-587-cidr-vpc",
        "smtp-ingress-tcp-465-cidr-vpc",
        "smtp-ingress-tcp-587-2001-db8-56",
        "smtp-ingress-tcp-465-2001-db8-56",
      ].sort(),
    );
    const v6 = sim.find(INGRESS_RULE_TYPE, "smtp-ingress-tcp-587-2001-db8-56")!;
    expect(v6.inputs.cidrIpv6).toBe("2001:db8::/56");
    const vpc = sim.find(INGRESS_RULE_TYPE, "smtp-ingress-tcp-465-cidr-vpc")!;
    expect(vpc.inputs.cidrIpv4).toBe("10.0.0.0/16");
    expect(vpc.inputs.description).toBe(
      "SMTP submission on 465 (implicit TLS) from the CIDR vpc (mailguard)",
    );
  });

  it("lives in the region of the provider it is given", async () => {
    const provider = new aws.Provider("mumbai", { region: "ap-south-1" });
    const endpoint = await build(
      "smtp",
      {
        vpcId: VPC,
        subnetIds: [{ id: SUBNET_A, availabilityZone: "ap-south-1a" }],
        allowFrom: { cidrs: ["10.0.0.0/16"] },
      },
      { providers: { aws: provider } },
    );
    expect(await valueOf(endpoint.host)).toBe("email-smtp.ap-south-1.amazonaws.com");
    expect(sim.find(ENDPOINT, "smtp-endpoint")!.inputs.serviceName).toBe(
      "com.amazonaws.ap-south-1.email-smtp",
    );
    expect(sim.find(ENDPOINT, "smtp-endpoint")!.region).toBe("ap-south-1");
  });
});

describe("SmtpEndpoint with MailDomain", () => {
  it("passes the endpoint to the SMTP credentials: the bundle keeps the standard host and names the endpoint", async () => {
    const endpoint = new SmtpEndpoint("private", {
      vpcId: VPC,
      subnetIds: [{ id: SUBNET_A, availabilityZone: "eu-west-1a" }],
      allowFrom: { securityGroups: [APP_SG] },
    });
    const mail = new MailDomain("mail", {
      domain: "example.com",
      cloudflareZoneId: "023e105f4ecef8ad9ca31a8372d0c353",
      region: "eu-west-1",
      vpcEndpoint: endpoint,
    });
    const smtp = await valueOf(mail.smtp);
    await settle(sim);
    expect(smtp.host).toBe("email-smtp.eu-west-1.amazonaws.com");
    expect(smtp.vpcEndpointId).toBe(sim.find(ENDPOINT, "private-endpoint")!.id);
  });

  it("refuses a vpcEndpoint of the wrong shape under MailDomain's name, before any child", async () => {
    await expectRefusal(
      sim,
      "mailguard:index:MailDomain mail",
      () =>
        new MailDomain("mail", {
          domain: "example.com",
          cloudflareZoneId: "023e105f4ecef8ad9ca31a8372d0c353",
          vpcEndpoint: {
            endpointId: "vpce-0123",
            host: "email-smtp.eu-west-1.amazonaws.com",
            id: 1,
          } as never,
        }),
      'MailDomain "mail": invalid vpcEndpoint {"endpointId":"vpce-0123","host":"email-smtp.eu-west-1.amazonaws.com","id":1}: "id" is not one of its fields (endpointId, host). Fix: Remove it or correct its spelling.',
    );
  });
});

const good: SmtpEndpointArgs = {
  vpcId: VPC,
  subnetIds: [SUBNET_A],
  allowFrom: { securityGroups: [APP_SG] },
};
const P = 'SmtpEndpoint "smtp": ';

describe("SmtpEndpoint refuses, before registering anything", () => {
  const cases: [string, unknown, string][] = [
    [
      "a region argument (the provider's region is used)",
      { ...good, region: "eu-west-1" },
      'invalid region "eu-west-1": it is not an argument of SmtpEndpoint. Fix: Remove it or correct its spelling; the arguments are vpcId, subnetIds, allowFrom, newRegion, tags.',
    ],
    [
      "a VPC id of the wrong shape",
      { ...good, vpcId: "vpc_1" },
      'invalid vpcId "vpc_1": it is not a VPC id. Fix: Give an id such as vpc-0123456789abcdef0, or an Output such as vpc.id.',
    ],
    [
      "no subnets",
      { ...good, subnetIds: [] },
      'invalid subnetIds []: it must list at least one subnet for the endpoint\'s network interfaces. Fix: List subnet ids such as ["subnet-0123456789abcdef0"], one per Availability Zone, or { id, availabilityZone } entries.',
    ],
    [
      "a subnet id of the wrong shape",
      { ...good, subnetIds: ["subnet-xyz"] },
      'invalid subnetIds[0] "subnet-xyz": it is not a subnet id. Fix: Give an id such as subnet-0123456789abcdef0.',
    ],
    [
      "the same subnet twice",
      { ...good, subnetIds: [SUBNET_A, SUBNET_B, SUBNET_A] },
      `invalid subnetIds[2] "${SUBNET_A}": it repeats subnetIds[0]. Fix: List each subnet once.`,
    ],
    [
      "two subnets given in the same zone",
      {
        ...good,
        subnetIds: [
          { id: SUBNET_A, availabilityZone: "eu-west-1a" },
          { id: SUBNET_B, availabilityZone: "eu-west-1a" },
        ],
      },
      `invalid subnetIds[1] "${SUBNET_B}": it is in eu-west-1a, as subnetIds[0] is, and an interface endpoint takes one subnet per Availability Zone. Fix: List one subnet per zone.`,
    ],
    [
      "a zone that is not a zone name",
      { ...good, subnetIds: [{ id: SUBNET_A, availabilityZone: "eu-west-1" }] },
      'invalid subnetIds[0].availabilityZone "eu-west-1": it must be an Availability Zone name such as eu-west-1a. Fix: Give the subnet\'s zone, or give the subnet id alone to have it looked up.',
    ],
    [
      "a subnet entry with a key (subnets name no resource)",
      { ...good, subnetIds: [{ key: "a", id: SUBNET_A }] },
      'invalid subnetIds[0] {"key":"a","id":"subnet-0aaaaaaaaaaaaaaaa"}: "key" is not one of its fields (id, availabilityZone). Fix: Remove it or correct its spelling.',
    ],
    [
      "no source to allow",
      { ...good, allowFrom: { securityGroups: [], cidrs: [] } },
      'invalid allowFrom {"securityGroups":[],"cidrs":[]}: it names no source, so nothing could reach the endpoint. Fix: Give securityGroups (such as [{ key: "app", id: app.securityGroupId }]) or cidrs.',
    ],
    [
      "a source kind it does not know",
      { ...good, allowFrom: { prefixLists: ["pl-0123"] } },
      'invalid allowFrom {"prefixLists":["pl-0123"]}: "prefixLists" is not one of its fields (securityGroups, cidrs). Fix: Remove it or correct its spelling.',
    ],
    [
      "a security group id of the wrong shape",
      { ...good, allowFrom: { securityGroups: ["app"] } },
      'invalid allowFrom.securityGroups[0] "app": it is not a security group id. Fix: Give one such as sg-0123456789abcdef0, or { key: "main", id: <Output> } for a value from another resource.',
    ],
    [
      "a CIDR that does not parse",
      { ...good, allowFrom: { cidrs: ["10.0.0.0/33"] } },
      'invalid allowFrom.cidrs[0] "10.0.0.0/33": "10.0.0.0/33" is not an IPv4 or IPv6 CIDR. Fix: Write it as a.b.c.d/n (four decimal parts, n 0..32) or an IPv6 address/n (n 0..128), without spaces or zone ids.',
    ],
    [
      "the same source twice",
      { ...good, allowFrom: { cidrs: ["10.0.0.0/16", "10.0.0.0/16"] } },
      'invalid allowFrom.cidrs[1] "10.0.0.0/16": it repeats allowFrom.cidrs[0]. Fix: List each source once.',
    ],
    [
      "a newRegion that is not a boolean",
      { ...good, newRegion: "yes" },
      'invalid newRegion "yes": it must be true or false. Fix: Pass a plain boolean (not an Output), or leave it out for false.',
    ],
  ];
  it.each(cases)("refuses %s with a ResourceError naming it", async (_what, args, message) => {
    await expectRefusal(
      sim,
      `${COMPONENT} smtp`,
      () => new SmtpEndpoint("smtp", args as SmtpEndpointArgs),
      P + message,
    );
  });
});

describe("checkSubnetZones", () => {
  const subnets = [{ at: "subnetIds[0]" }, { at: "subnetIds[1]" }];
  const service = "com.amazonaws.us-east-1.email-smtp";
  const thrown = (zones: (string | undefined)[], offered?: string[]) => {
    try {
      checkSubnetZones(subnets, ["subnet-0a", "subnet-0c"], zones, offered, service);
    } catch (e) {
      return e instanceof ArgumentError ? e.message : `not an ArgumentError: ${String(e)}`;
    }
    return undefined;
  };

  it("refuses a subnet in a zone the service is not offered in, naming the zones that are", () => {
    expect(thrown(["us-east-1a", "us-east-1c"], ["us-east-1a", "us-east-1b"])).toBe(
      'invalid subnetIds[1] "subnet-0c": it is in us-east-1c, where com.amazonaws.us-east-1.email-smtp is not offered: SES does not support VPC endpoints in every Availability Zone (SES Developer Guide, Setting up VPC endpoints with Amazon SES; AWS PrivateLink Guide, AWS services that integrate with AWS PrivateLink). Fix: Use subnets in us-east-1a or us-east-1b.',
    );
  });

  it("passes subnets in offered zones, and zones not reported", () => {
    expect(thrown(["us-east-1a", "us-east-1b"], ["us-east-1a", "us-east-1b"])).toBeUndefined();
    expect(thrown([undefined, "us-east-1b"], ["us-east-1b"])).toBeUndefined();
    expect(thrown(["us-east-1a", "us-east-1c"], undefined)).toBeUndefined();
  });

  it("says so when the service is offered in no zone", () => {
    expect(thrown(["us-east-1a", "us-east-1b"], [])).toBe(
      'invalid subnetIds[0] "subnet-0a": it is in us-east-1a, and com.amazonaws.us-east-1.email-smtp is offered in no Availability Zone here (SES Developer Guide, Setting up VPC endpoints with Amazon SES; AWS PrivateLink Guide, AWS services that integrate with AWS PrivateLink). Fix: Send through SES\'s public SMTP endpoint, or create the endpoint in another SES region.',
    );
  });

  it("refuses two subnets in one zone", () => {
    expect(thrown(["us-east-1b", "us-east-1b"], ["us-east-1a", "us-east-1b"])).toBe(
      'invalid subnetIds[1] "subnet-0c": it is in us-east-1b, as subnetIds[0] is, and an interface endpoint takes one subnet per Availability Zone. Fix: List one subnet per zone.',
    );
  });
});

describe("smtpEndpointFactsOf", () => {
  it("gives the standard host and the email-smtp service of an SES region", () => {
    expect(smtpEndpointFactsOf("eu-central-2", false)).toEqual({
      region: "eu-central-2",
      host: "email-smtp.eu-central-2.amazonaws.com",
      serviceName: "com.amazonaws.eu-central-2.email-smtp",
    });
  });

  it("refuses a region SES does not run in, unless it is declared newer than the table", () => {
    expect(() => smtpEndpointFactsOf("ap-east-1", false)).toThrow(
      new ArgumentError(
        "provider region",
        "ap-east-1",
        "SES does not run in ap-east-1, as far as mailguard's region table (AWS General Reference, Amazon SES endpoints and quotas) knows. Fix: Create the endpoint with a provider (opts.provider) in an SES region such as us-east-1, sa-east-1, us-east-2, in the region of the SMTP credentials; for a region AWS opened after this table, set newRegion: true.",
      ),
    );
    expect(smtpEndpointFactsOf("ap-east-1", true).host).toBe("email-smtp.ap-east-1.amazonaws.com");
  });
});

describe("SmtpEndpoint at deployment (test/components/fixtures/smtp-endpoint-deploy.ts)", () => {
  interface Report {
    errors: string[];
    endpoints: { name: string; subnetIds: string[] }[];
    subnets: Record<string, string>;
  }
  let report: Report;
  beforeAll(async () => {
    const root = path.resolve(__dirname, "../..");
    const program = path.join(__dirname, "fixtures", "smtp-endpoint-deploy.ts");
    const stdout = await new Promise<string>((done, fail) =>
      execFile(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", program],
        { cwd: root },
        (error, out) => (error ? fail(new Error(error.message, { cause: error })) : done(out)),
      ),
    );
    report = JSON.parse(stdout) as Report;
  }, 120_000);

  /** The errors about a component, from its own message on (the SDK prefixes the property). */
  const refusal = (component: string, className = "SmtpEndpoint") => {
    const own = `${className} "${component}": `;
    return report.errors.filter((e) => e.includes(own)).map((e) => e.slice(e.indexOf(own)));
  };

  it("creates the endpoint whose subnets lie in zones the service is offered in", () => {
    expect(report.endpoints).toEqual([
      {
        name: "good-endpoint",
        subnetIds: [report.subnets["private-a"], report.subnets["private-b"]],
      },
    ]);
    expect(refusal("good")).toEqual([]);
  });

  it("fails the deployment before creating an endpoint with a subnet in a zone the service lacks, naming the zones that work", () => {
    expect(refusal("zone")).toEqual([
      `SmtpEndpoint "zone": invalid subnetIds[1] "${report.subnets["private-c"]}": it is in us-east-1c, where com.amazonaws.us-east-1.email-smtp is not offered: SES does not support VPC endpoints in every Availability Zone (SES Developer Guide, Setting up VPC endpoints with Amazon SES; AWS PrivateLink Guide, AWS services that integrate with AWS PrivateLink). Fix: Use subnets in us-east-1a or us-east-1b.`,
    ]);
  });

  it("refuses two subnets the lookup finds in one zone", () => {
    expect(refusal("twice")).toEqual([
      `SmtpEndpoint "twice": invalid subnetIds[1] "${report.subnets["private-b2"]}": it is in us-east-1b, as subnetIds[0] is, and an interface endpoint takes one subnet per Availability Zone. Fix: List one subnet per zone.`,
    ]);
  });

  it("refuses a provider in a region SES does not run in", () => {
    expect(refusal("region")).toEqual([
      'SmtpEndpoint "region": invalid provider region "ap-east-1": SES does not run in ap-east-1, as far as mailguard\'s region table (AWS General Reference, Amazon SES endpoints and quotas) knows. Fix: Create the endpoint with a provider (opts.provider) in an SES region such as us-east-1, sa-east-1, us-east-2, in the region of the SMTP credentials; for a region AWS opened after this table, set newRegion: true.',
    ]);
  });

  it("refuses SMTP credentials that name an endpoint of another region", () => {
    expect(refusal("far", "SmtpCredentials")).toEqual([
      'SmtpCredentials "far": invalid vpcEndpoint.host "email-smtp.us-east-1.amazonaws.com": the endpoint serves email-smtp.us-east-1.amazonaws.com, but these credentials hand out email-smtp.eu-west-1.amazonaws.com, which its private DNS does not resolve (an SES SMTP VPC endpoint serves its own region\'s standard host only). Fix: Create the SmtpEndpoint in the SES region, eu-west-1, and leave fips off; or leave vpcEndpoint out.',
    ]);
  });

  it("has no other error", () => {
    expect(report.errors.length).toBe(4);
  });
});
