import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkCidr } from "../policies/core/egress";
import { describe, errorsOf } from "../policies/core/finding";
import {
  nearestSesRegions,
  resolveSesRegion,
  SES_SMTP_PORTS,
  SES_SMTP_VPC_ENDPOINT_SOURCE,
  smtpHostOf,
  smtpVpcEndpointServiceOf,
} from "../policies/core/ses-regions";
import {
  ArgumentError,
  argsArg,
  arrayArg,
  booleanArg,
  failOnErrors,
  inputStringArg,
  isPendingInput,
  keyedInputArg,
  objectArg,
  orPlaceholder,
  REGION_PLACEHOLDER,
  tagsArg,
  TOKEN_PREFIX,
  unreportedRegionFacts,
  validateFor,
} from "./common";
import { keyedCidrArg, ruleKey, SECURITY_GROUP_ID, withPrefix } from "./noSmtpEgressSecurityGroup";

/** Type token of the ingress rules SmtpEndpoint creates on the endpoint's security group. */
export const INGRESS_RULE_TYPE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

/** A subnet whose Availability Zone the program knows: no lookup is needed to check it. */
export interface SmtpEndpointSubnet {
  /** The subnet id (`subnet-...`), or an Output of one. */
  id: pulumi.Input<string>;
  /** Its Availability Zone, such as `eu-west-1a`. */
  availabilityZone: string;
}

/** Who may submit mail to the endpoint: at least one security group or CIDR. */
export interface SmtpEndpointSources {
  /**
   * Workload security groups (ids `sg-...`, or `{ key, id }` for an Output such as
   * `NoSmtpEgressSecurityGroup.securityGroupId`; `key` names the rules). Default: none.
   */
  securityGroups?: (string | { key: string; id: pulumi.Input<string> })[];
  /**
   * Source CIDRs or addresses, IPv4 or IPv6; a CIDR from another resource as
   * `{ key, cidr, ipv6? }`. Default: none.
   */
  cidrs?: (string | { key: string; cidr: pulumi.Input<string>; ipv6?: boolean })[];
}

export interface SmtpEndpointArgs {
  /** The VPC of the endpoint (`vpc-...`, or an Output). It needs DNS hostnames and DNS resolution on. */
  vpcId: pulumi.Input<string>;
  /**
   * Subnets for the endpoint's network interfaces, one per Availability Zone: ids (`subnet-...` or
   * Outputs), or `{ id, availabilityZone }` when the zone is known. A subnet in a zone where the
   * endpoint service is not offered is refused, naming the zones that are (looked up at
   * deployment). At least one; two or more zones for availability.
   */
  subnetIds: (pulumi.Input<string> | SmtpEndpointSubnet)[];
  /** The sources allowed to reach TCP 587 and 465 on the endpoint; nothing else is allowed. */
  allowFrom: SmtpEndpointSources;
  /**
   * The provider's region is newer than mailguard's region table: accept it with the SMTP host by
   * AWS's naming pattern. Default false.
   */
  newRegion?: boolean;
  /** Tags for the endpoint, its security group and its rules. Default: none. */
  tags?: Record<string, string>;
}

/** The inputs of one `aws.vpc.SecurityGroupIngressRule`, without the group id. */
export interface IngressRuleSpec {
  key: string;
  ipProtocol: "tcp";
  fromPort: number;
  toPort: number;
  cidrIpv4?: pulumi.Input<string>;
  cidrIpv6?: pulumi.Input<string>;
  referencedSecurityGroupId?: pulumi.Input<string>;
  description: string;
}

/** A subnet entry, checked: `at` names it in messages (`subnetIds[1]`). */
export interface EndpointSubnet {
  at: string;
  id: pulumi.Input<string>;
  availabilityZone?: string;
}

export interface NormalizedSmtpEndpointArgs {
  vpcId: pulumi.Input<string>;
  subnets: EndpointSubnet[];
  rules: IngressRuleSpec[];
  newRegion: boolean;
  tags?: Record<string, string>;
}

/** Every argument SmtpEndpoint takes; any other key is refused. */
export const SMTP_ENDPOINT_ARGUMENTS: readonly (keyof SmtpEndpointArgs)[] = [
  "vpcId",
  "subnetIds",
  "allowFrom",
  "newRegion",
  "tags",
];

const SUBNET_ID = /^subnet-[0-9a-f]+$/;
/** An Availability Zone name: `eu-west-1a`, `us-gov-west-1b`, a Local Zone such as `us-west-2-lax-1a`. */
const AVAILABILITY_ZONE = /^[a-z]{2}(-[a-z0-9]+)+[a-z]$/;

/** The ports the endpoint's group opens: submission with STARTTLS and with implicit TLS. */
const PORTS = [
  { port: SES_SMTP_PORTS.startTls, security: "STARTTLS" },
  { port: SES_SMTP_PORTS.implicitTls, security: "implicit TLS" },
];

/** `a`, `a or b`, `a, b or c`. */
function orList(items: readonly string[]): string {
  return items.length <= 1
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

function subnetArg(at: string, value: unknown): EndpointSubnet {
  if (isPendingInput(value)) return { at, id: value as pulumi.Input<string> };
  if (typeof value === "string") {
    return {
      at,
      id: inputStringArg(at, value, {
        pattern: SUBNET_ID,
        shape: "a subnet id",
        fix: "Give an id such as subnet-0123456789abcdef0.",
      }),
    };
  }
  const entry = objectArg(
    at,
    value,
    ["id", "availabilityZone"],
    "a subnet id, or { id, availabilityZone }",
    'Give an id such as "subnet-0123456789abcdef0", or { id: subnet.id, availabilityZone: "eu-west-1a" }.',
  );
  const id = inputStringArg(`${at}.id`, entry.id, {
    pattern: SUBNET_ID,
    shape: "a subnet id",
    fix: "Give an id such as subnet-0123456789abcdef0, or an Output of one.",
  });
  const zone = entry.availabilityZone;
  if (typeof zone !== "string" || !AVAILABILITY_ZONE.test(zone)) {
    throw new ArgumentError(
      `${at}.availabilityZone`,
      zone,
      "it must be an Availability Zone name such as eu-west-1a. Fix: Give the subnet's zone, or give the subnet id alone to have it looked up.",
    );
  }
  return { at, id, availabilityZone: zone };
}

/**
 * Refuses a subnet in a zone where the endpoint service is not offered (`offered`, when known)
 * and a second subnet in the same zone. `zones[i]` is the zone of `subnets[i]` (undefined when not
 * known, which passes); `ids[i]` is its id, as the message shows it. The same check runs up front
 * for zones the program gave and at deployment for zones looked up.
 */
export function checkSubnetZones(
  subnets: readonly { at: string }[],
  ids: readonly unknown[],
  zones: readonly (string | undefined)[],
  offered: readonly string[] | undefined,
  serviceName: string,
): void {
  const seen = new Map<string, string>();
  subnets.forEach(({ at }, i) => {
    const zone = zones[i];
    if (typeof zone !== "string") return;
    if (offered !== undefined && !offered.includes(zone)) {
      throw new ArgumentError(
        at,
        ids[i],
        offered.length === 0
          ? `it is in ${zone}, and ${serviceName} is offered in no Availability Zone here (${SES_SMTP_VPC_ENDPOINT_SOURCE}). Fix: Send through SES's public SMTP endpoint, or create the endpoint in another SES region.`
          : `it is in ${zone}, where ${serviceName} is not offered: SES does not support VPC endpoints in every Availability Zone (${SES_SMTP_VPC_ENDPOINT_SOURCE}). Fix: Use subnets in ${orList(offered)}.`,
      );
    }
    const twin = seen.get(zone);
    if (twin !== undefined) {
      throw new ArgumentError(
        at,
        ids[i],
        `it is in ${zone}, as ${twin} is, and an interface endpoint takes one subnet per Availability Zone. Fix: List one subnet per zone.`,
      );
    }
    seen.set(zone, at);
  });
}

/**
 * Checks every SmtpEndpoint argument and turns `allowFrom` into ingress rule specs (TCP 587 and
 * 465 from each source, keyed so that reordering replaces nothing); throws ArgumentError naming the
 * bad argument.
 */
export function validateSmtpEndpointArgs(args: SmtpEndpointArgs): NormalizedSmtpEndpointArgs {
  const given = argsArg("SmtpEndpoint", args, SMTP_ENDPOINT_ARGUMENTS);
  const vpcId = inputStringArg("vpcId", given.vpcId, {
    pattern: /^vpc-[0-9a-f]+$/,
    shape: "a VPC id",
    fix: "Give an id such as vpc-0123456789abcdef0, or an Output such as vpc.id.",
  });
  const subnetFix =
    'List subnet ids such as ["subnet-0123456789abcdef0"], one per Availability Zone, or { id, availabilityZone } entries.';
  const listed = arrayArg("subnetIds", given.subnetIds, subnetFix);
  if (listed === undefined || listed.length === 0) {
    throw new ArgumentError(
      "subnetIds",
      listed,
      `it must list at least one subnet for the endpoint's network interfaces. Fix: ${subnetFix}`,
    );
  }
  const subnets = listed.map((s, i) => subnetArg(`subnetIds[${i}]`, s));
  subnets.forEach((s, i) => {
    const twin = subnets.findIndex((o) => typeof o.id === "string" && o.id === s.id);
    if (typeof s.id === "string" && twin < i) {
      throw new ArgumentError(
        s.at,
        s.id,
        `it repeats subnetIds[${twin}]. Fix: List each subnet once.`,
      );
    }
  });
  checkSubnetZones(
    subnets,
    subnets.map((s) => s.id),
    subnets.map((s) => s.availabilityZone),
    undefined,
    "",
  );

  const sources = objectArg(
    "allowFrom",
    given.allowFrom,
    ["securityGroups", "cidrs"],
    "an object { securityGroups, cidrs } naming who may submit mail",
    'Give the workloads\' security groups, such as { securityGroups: [{ key: "app", id: app.securityGroupId }] }, or their CIDRs.',
  );
  const groups = (
    arrayArg(
      "allowFrom.securityGroups",
      sources.securityGroups,
      'List ids such as ["sg-0123456789abcdef0"], or { key, id } entries.',
    ) ?? []
  ).map((g, i) => keyedInputArg(`allowFrom.securityGroups[${i}]`, g, "id", SECURITY_GROUP_ID));
  const cidrs = arrayArg(
    "allowFrom.cidrs",
    sources.cidrs,
    'List CIDRs such as ["10.0.0.0/16"], or { key, cidr } entries.',
  );
  if (groups.length + (cidrs ?? []).length === 0) {
    throw new ArgumentError(
      "allowFrom",
      given.allowFrom,
      'it names no source, so nothing could reach the endpoint. Fix: Give securityGroups (such as [{ key: "app", id: app.securityGroupId }]) or cidrs.',
    );
  }

  // Each source once, as the destination part of its rules' names.
  const origins: {
    at: string;
    value: unknown;
    name: string;
    shown: string;
    rule: Partial<IngressRuleSpec>;
  }[] = [];
  groups.forEach((g, i) => {
    origins.push({
      at: `allowFrom.securityGroups[${i}]`,
      value: (sources.securityGroups as unknown[])[i],
      name: `sg-${g.text !== undefined ? g.text.slice(3) : g.key}`,
      shown: g.text ?? `the security group ${g.key}`,
      rule: { referencedSecurityGroupId: g.value },
    });
  });
  (cidrs ?? []).forEach((c, i) => {
    const at = `allowFrom.cidrs[${i}]`;
    if (typeof c === "string") {
      failOnErrors(at, c, checkCidr(c));
      const cidr = withPrefix(c);
      origins.push({
        at,
        value: c,
        name: cidr,
        shown: cidr,
        rule: cidr.includes(":") ? { cidrIpv6: cidr } : { cidrIpv4: cidr },
      });
      return;
    }
    const keyed = keyedCidrArg(at, c);
    origins.push({
      at,
      value: c,
      name: `cidr-${keyed.key}`,
      shown: `the CIDR ${keyed.key}`,
      rule: keyed.ipv6 ? { cidrIpv6: keyed.value } : { cidrIpv4: keyed.value },
    });
  });

  const firstOf = new Map<string, string>();
  for (const origin of origins) {
    const twin = firstOf.get(origin.name);
    if (twin !== undefined) {
      throw new ArgumentError(
        origin.at,
        origin.value,
        `it repeats ${twin}. Fix: List each source once.`,
      );
    }
    firstOf.set(origin.name, origin.at);
  }
  const rules: IngressRuleSpec[] = origins.flatMap((origin) =>
    PORTS.map(({ port, security }) => ({
      key: ruleKey("tcp", port, port, origin.name),
      ipProtocol: "tcp" as const,
      fromPort: port,
      toPort: port,
      ...origin.rule,
      description: `SMTP submission on ${port} (${security}) from ${origin.shown} (mailguard)`,
    })),
  );

  return {
    vpcId,
    subnets,
    rules,
    newRegion: booleanArg("newRegion", given.newRegion),
    tags: tagsArg("tags", given.tags),
  };
}

/** What the endpoint serves in a region: its standard SMTP host and the endpoint service name. */
export interface SmtpEndpointFacts {
  region: string;
  host: string;
  serviceName: string;
}

/**
 * The facts of the endpoint in the provider's region, or an ArgumentError when SES has no SMTP
 * endpoint there as far as the region table knows (`newRegion` accepts a region newer than it).
 */
export function smtpEndpointFactsOf(region: string, newRegion: boolean): SmtpEndpointFacts {
  const resolved = resolveSesRegion(region, { newRegion });
  for (const f of errorsOf(resolved.findings)) {
    throw new ArgumentError(
      "provider region",
      region,
      f.code === "ses-region-unknown"
        ? `${f.message} Fix: Create the endpoint with a provider (opts.provider) in an SES region such as ${nearestSesRegions(region).join(", ")}, in the region of the SMTP credentials; for a region AWS opened after this table, set newRegion: true.`
        : describe(f),
    );
  }
  const { host, findings } = smtpHostOf(resolved.facts!);
  for (const f of errorsOf(findings)) {
    throw new ArgumentError("provider region", region, describe(f));
  }
  return { region, host: host!, serviceName: smtpVpcEndpointServiceOf(region) };
}

/**
 * Private submission to SES: an interface VPC endpoint for `com.amazonaws.<region>.email-smtp` in
 * the given subnets, with private DNS on, and a security group that lets TCP 587 (STARTTLS) and
 * 465 (implicit TLS) in from the given security groups or CIDRs and nothing else (no egress: the
 * provider removes the allow-all egress rule AWS gives a new group, and the endpoint's interfaces
 * only answer). With private DNS on, the standard host `email-smtp.<region>.amazonaws.com` (the
 * name SES's TLS certificate carries) resolves inside the VPC to the endpoint's addresses, so an
 * application with no internet route keeps the host of its SMTP bundle and still sends; pass
 * this component as SmtpCredentials' (or MailDomain's) `vpcEndpoint` to have the bundle name it.
 *
 * The endpoint lives in the region of the provider in effect (pass `opts.provider` for another
 * region): the lookup of the Availability Zones the endpoint service is offered in
 * (`aws.ec2.getVpcEndpointService`) takes no region of its own. That lookup, and the lookup of
 * each subnet's zone, run at deployment; a subnet in a zone where the service is not offered
 * fails the deployment before the endpoint is created, naming the zones that work. The VPC needs
 * DNS hostnames and DNS resolution on for private DNS.
 */
export class SmtpEndpoint extends pulumi.ComponentResource {
  /** Id of the VPC endpoint (`vpce-...`). */
  readonly endpointId: pulumi.Output<string>;
  /** Id of the endpoint's security group: the destination for workloads' egress on 587 and 465. */
  readonly securityGroupId: pulumi.Output<string>;
  /**
   * The standard SMTP host of the region, `email-smtp.<region>.amazonaws.com`, which private DNS
   * resolves to the endpoint inside the VPC.
   */
  readonly host: pulumi.Output<string>;
  /** The endpoint service, `com.amazonaws.<region>.email-smtp`. */
  readonly serviceName: pulumi.Output<string>;
  /** The region of the endpoint (the provider's). */
  readonly region: pulumi.Output<string>;
  /** The endpoint's DNS names: regional, one per zone, and the private host name. */
  readonly dnsEntries: pulumi.Output<{ dnsName: string; hostedZoneId: string }[]>;
  /** Ids of the ingress rules (TCP 587 and 465 from each source). */
  readonly ingressRuleIds: pulumi.Output<string[]>;

  constructor(name: string, args: SmtpEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${TOKEN_PREFIX}SmtpEndpoint`, name, {}, opts);
    const a = validateFor("SmtpEndpoint", name, this, () => validateSmtpEndpointArgs(args));
    const parent = { parent: this };

    // A provider always reports its region; minimal test mocks may not, and then the host and
    // service name are built around the `<aws-region>` placeholder.
    this.region = aws
      .getRegionOutput({}, parent)
      .region.apply((r) => orPlaceholder(r, "aws-region"));
    const facts = this.region.apply((r): SmtpEndpointFacts =>
      r === REGION_PLACEHOLDER
        ? {
            region: r,
            host: unreportedRegionFacts({}).smtpHost!,
            serviceName: smtpVpcEndpointServiceOf(r),
          }
        : validateFor("SmtpEndpoint", name, this, () => smtpEndpointFactsOf(r, a.newRegion)),
    );
    this.host = facts.host;
    this.serviceName = facts.serviceName;

    const group = new aws.ec2.SecurityGroup(
      `${name}-group`,
      {
        vpcId: a.vpcId,
        description: "SES SMTP VPC endpoint: TCP 587 and 465 from the allowed sources (mailguard)",
        revokeRulesOnDelete: true,
        tags: a.tags,
      },
      parent,
    );
    const rules = a.rules.map(
      ({ key, ...spec }) =>
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-ingress-${key}`,
          { ...spec, securityGroupId: group.id, tags: a.tags },
          parent,
        ),
    );

    // The zones the service is offered in, and each subnet's zone (given, or looked up). The
    // endpoint's subnet list waits for the check, so a refused subnet stops the deployment before
    // the endpoint is created. A value the provider did not report (only mocks do that) passes.
    const service = aws.ec2.getVpcEndpointServiceOutput(
      { serviceName: this.serviceName, serviceType: "Interface" },
      parent,
    );
    const zones = a.subnets.map((s) =>
      s.availabilityZone !== undefined
        ? pulumi.output<string | undefined>(s.availabilityZone)
        : aws.ec2.getSubnetOutput({ id: s.id }, parent).availabilityZone,
    );
    const subnetIds = pulumi
      .all([
        service.availabilityZones,
        pulumi.all(zones),
        pulumi.all(a.subnets.map((s) => s.id)),
        this.serviceName,
      ])
      .apply(([offered, found, ids, serviceName]) =>
        validateFor("SmtpEndpoint", name, this, () => {
          checkSubnetZones(
            a.subnets,
            ids,
            found,
            Array.isArray(offered) ? offered : undefined,
            serviceName,
          );
          return ids;
        }),
      );

    const endpoint = new aws.ec2.VpcEndpoint(
      `${name}-endpoint`,
      {
        vpcId: a.vpcId,
        serviceName: this.serviceName,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds,
        securityGroupIds: [group.id],
        tags: a.tags,
      },
      parent,
    );

    this.endpointId = endpoint.id;
    this.securityGroupId = group.id;
    this.dnsEntries = endpoint.dnsEntries.apply((entries) =>
      (entries ?? []).map((e) => ({ dnsName: e.dnsName, hostedZoneId: e.hostedZoneId })),
    );
    this.ingressRuleIds = pulumi.all(rules.map((r) => r.id));
    this.registerOutputs({
      endpointId: this.endpointId,
      securityGroupId: this.securityGroupId,
      host: this.host,
      serviceName: this.serviceName,
      region: this.region,
      dnsEntries: this.dnsEntries,
      ingressRuleIds: this.ingressRuleIds,
    });
  }
}
