/**
 * What the plan means for mail: the SES domains it sets up (with their MAIL FROM and DKIM mode)
 * and the SMTP settings an application needs. Secrets are never read into these values: the
 * password is always a placeholder that names where the secret lives.
 */
import * as crypto from "crypto";
import { isUnknown } from "../../policies/core/finding";
import {
  regionOfSmtpVpcEndpointService,
  resolveSesRegion,
  SES_SMTP_PORTS,
  sesRegion,
} from "../../policies/core/ses-regions";
import type { DkimPlan } from "./verdict";
import type { PlannedResource, ProgramRun } from "./program";

export const EMAIL_IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity";
export const MAIL_FROM =
  "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes";
export const ACCESS_KEY = "aws:iam/accessKey:AccessKey";
export const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
export const SECRET = "aws:secretsmanager/secret:Secret";

export interface SesDomain {
  domain: string;
  region: string;
  /** Logical name of the EmailIdentity. */
  resource: string;
  mailFromDomain?: string;
  behaviorOnMxFailure?: string;
  configurationSet?: string;
  dkim: DkimPlan;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" && !isUnknown(v) ? v : undefined;
}

function rec(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : {};
}

/** The PEM form of SES's `domainSigningPrivateKey` (base64 PKCS#1 DER, no armour). */
export function pemOfSesSigningKey(base64: string): string | undefined {
  const body = base64.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").replace(/\s+/g, "");
  for (const type of ["pkcs1", "pkcs8"] as const) {
    try {
      const key = crypto.createPrivateKey({
        key: Buffer.from(body, "base64"),
        format: "der",
        type,
      });
      return key.export({ type: "pkcs1", format: "pem" }).toString();
    } catch {
      // not this encoding; try the next
    }
  }
  return undefined;
}

/** Every SES domain identity in the plan, with the MAIL FROM and DKIM it is given. */
export function sesDomains(
  resources: readonly PlannedResource[],
  defaultRegion: string,
): SesDomain[] {
  const domains: SesDomain[] = [];
  for (const r of resources) {
    if (r.type !== EMAIL_IDENTITY) continue;
    const identity = str(r.inputs.emailIdentity);
    if (identity === undefined || identity.includes("@")) continue;
    const domain = identity.toLowerCase().replace(/\.$/, "");
    const region = str(r.outputs.region) ?? str(r.inputs.region) ?? defaultRegion;
    const attrs = rec(r.inputs.dkimSigningAttributes);
    const outAttrs = rec(r.outputs.dkimSigningAttributes);
    let dkim: DkimPlan = { kind: "none" };
    const key = str(attrs.domainSigningPrivateKey);
    const selector = str(attrs.domainSigningSelector);
    if (key !== undefined && selector !== undefined) {
      const pem = pemOfSesSigningKey(key);
      if (pem !== undefined) dkim = { kind: "byodkim", selector, privateKeyPem: pem };
    } else {
      const tokens = Array.isArray(outAttrs.tokens)
        ? outAttrs.tokens.map(str).filter((t) => t !== undefined)
        : [];
      if (tokens.length > 0) dkim = { kind: "easy", tokens };
    }
    const mailFrom = resources.find(
      (m) =>
        m.type === MAIL_FROM &&
        str(m.inputs.emailIdentity)?.toLowerCase().replace(/\.$/, "") === domain,
    );
    domains.push({
      domain,
      region,
      resource: r.name,
      mailFromDomain: mailFrom
        ? str(mailFrom.inputs.mailFromDomain)?.toLowerCase().replace(/\.$/, "")
        : undefined,
      behaviorOnMxFailure: mailFrom
        ? (str(mailFrom.inputs.behaviorOnMxFailure) ?? str(mailFrom.outputs.behaviorOnMxFailure))
        : undefined,
      configurationSet: str(r.inputs.configurationSetName),
      dkim,
    });
  }
  return domains;
}

export interface SmtpEndpoint {
  port: number;
  security: "STARTTLS" | "implicit TLS";
}

/** An SES SMTP VPC endpoint of the plan, through which the host is reached inside its VPC. */
export interface PlannedSmtpEndpoint {
  /** The endpoint's id (`vpce-...`). */
  id: string;
  /** Type and logical name of the VpcEndpoint resource. */
  type: string;
  resource: string;
  /** Where the plan learnt of it: the bundle's vpcEndpointId, or the plan's endpoint for the region. */
  from: "bundle" | "plan";
}

export interface SmtpSettings {
  /** The SES domain identity the credentials may send as, when the plan tells. */
  domain?: string;
  host: string;
  /** The SES region: the bundle's, else the region of the identity the user may send through. */
  region: string;
  endpoints: SmtpEndpoint[];
  /** Where the username comes from; never a credential itself. */
  username: string;
  /** A placeholder naming the secret that holds the password. */
  password: string;
  /** Logical name of the IAM access key the credentials come from. */
  accessKey: string;
  /** The SES SMTP VPC endpoint that private DNS resolves the host to, when the plan has one. */
  vpcEndpoint?: PlannedSmtpEndpoint;
  notes: string[];
}

export const VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";

/**
 * The SES SMTP VPC endpoint an application given `host` reaches: the one the bundle names
 * (`vpcEndpointId`), else an endpoint of the plan for the host's region with private DNS on
 * (which makes the standard host resolve to it inside its VPC).
 */
export function smtpEndpointFor(
  run: ProgramRun,
  host: string,
  region: string,
  bundleEndpointId: string | undefined,
): PlannedSmtpEndpoint | undefined {
  const endpoints = run.resources.filter((r) => r.type === VPC_ENDPOINT);
  if (bundleEndpointId !== undefined) {
    const named = endpoints.find((r) => r.id === bundleEndpointId);
    return {
      id: bundleEndpointId,
      type: VPC_ENDPOINT,
      resource: named?.name ?? "(not in this plan)",
      from: "bundle",
    };
  }
  // Private DNS resolves the region's standard host only (not the FIPS one).
  if (host !== resolveSesRegion(region, { newRegion: true }).facts?.smtpHost) return undefined;
  const found = endpoints.find((r) => {
    const service = str(r.inputs.serviceName);
    return (
      service !== undefined &&
      regionOfSmtpVpcEndpointService(service) === region &&
      r.inputs.privateDnsEnabled === true &&
      str(r.id) !== undefined
    );
  });
  return found === undefined
    ? undefined
    : { id: found.id!, type: VPC_ENDPOINT, resource: found.name, from: "plan" };
}

function sameValue(a: unknown, b: unknown): boolean {
  return typeof a === "string" && a !== "" && a === b;
}

/**
 * Where `needle` sits in the stack outputs: `name` for a whole output, `name.field.sub` inside an
 * object output (such as an SMTP bundle), or undefined.
 */
export function outputPathOf(
  outputs: Record<string, unknown>,
  needle: unknown,
): string | undefined {
  if (typeof needle !== "string" || needle === "") return undefined;
  const search = (v: unknown, at: string): string | undefined => {
    if (v === needle) return at;
    if (typeof v === "object" && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        const found = search(x, Array.isArray(v) ? `${at}[${k}]` : `${at}.${k}`);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  for (const [name, value] of Object.entries(outputs)) {
    const found = search(value, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The value at a path `outputPathOf` returned (`smtp.username`, `records[0].name`). */
function valueAt(outputs: Record<string, unknown>, at: string): unknown {
  let value: unknown = outputs;
  for (const part of at.split(/[.[\]]/).filter((p) => p !== "")) {
    value =
      typeof value === "object" && value !== null
        ? (value as Record<string, unknown>)[part]
        : undefined;
  }
  return value;
}

/** The command that prints a stack output (`--show-secrets` when it is secret), with the field. */
function stackOutputCommand(at: string, secretOutputs: readonly string[]): string {
  const dot = at.search(/[.[]/);
  const name = dot < 0 ? at : at.slice(0, dot);
  const flag = secretOutputs.includes(name) ? " --show-secrets" : "";
  const field = dot < 0 ? "" : `, field ${at.slice(dot).replace(/^\./, "")}`;
  return `pulumi stack output ${name}${flag}${field}`;
}

export const USER_POLICY = "aws:iam/userPolicy:UserPolicy";
const SES_IDENTITY_ARN = /^arn:[a-z-]+:ses:([a-z0-9-]+):\d{12}:identity\/([^@/]+)$/;

/**
 * The SES domain identity an access key's user may send through, read from the user's inline
 * policies (`ses:SendRawEmail` on `arn:<partition>:ses:<region>:<account>:identity/<domain>`).
 */
export function sesIdentityOfKey(
  run: ProgramRun,
  key: PlannedResource,
): { domain: string; region: string } | undefined {
  const user = str(key.inputs.user);
  if (user === undefined) return undefined;
  for (const p of run.resources) {
    if (p.type !== USER_POLICY || str(p.inputs.user) !== user) continue;
    let doc: unknown;
    try {
      doc = JSON.parse(str(p.inputs.policy) ?? "");
    } catch {
      continue;
    }
    const statements = rec(doc).Statement;
    for (const st of Array.isArray(statements) ? statements : [statements]) {
      const resource = rec(st).Resource;
      for (const arn of Array.isArray(resource) ? resource : [resource]) {
        const m = typeof arn === "string" ? SES_IDENTITY_ARN.exec(arn) : null;
        if (m) return { region: m[1], domain: m[2].toLowerCase() };
      }
    }
  }
  return undefined;
}

/**
 * SMTP settings for every access key in the plan. The SMTP bundle a program exports for a key is
 * the output object whose `username` is the key's id; its `region` names the SES endpoint and its
 * `password` field (derived for that region) is where the secret is read from.
 */
export function smtpSettings(run: ProgramRun, defaultRegion: string): SmtpSettings[] {
  const settings: SmtpSettings[] = [];
  for (const key of run.resources) {
    if (key.type !== ACCESS_KEY) continue;
    const usernameOutput = outputPathOf(run.outputs, key.id);
    const bundlePath = usernameOutput?.replace(/\.username$/, "");
    const bundle = bundlePath !== undefined ? rec(valueAt(run.outputs, bundlePath)) : {};
    const identity = sesIdentityOfKey(run, key);
    const region = str(bundle.region) ?? identity?.region ?? defaultRegion;
    const passwordOutput =
      bundlePath !== undefined && str(bundle.password) !== undefined
        ? `${bundlePath}.password`
        : undefined;
    const secretVersion = run.resources.find(
      (v) =>
        v.type === SECRET_VERSION &&
        typeof v.inputs.secretString === "string" &&
        typeof key.id === "string" &&
        key.id !== "" &&
        v.inputs.secretString.includes(key.id),
    );
    const secret = secretVersion
      ? run.resources.find(
          (s) => s.type === SECRET && sameValue(s.outputs.arn, secretVersion.inputs.secretId),
        )
      : undefined;

    const passwordSources: string[] = [];
    if (passwordOutput !== undefined)
      passwordSources.push(stackOutputCommand(passwordOutput, run.secretOutputs));
    if (secret !== undefined) {
      passwordSources.push(`Secrets Manager secret ${str(secret.outputs.name) ?? secret.name}`);
    }
    if (passwordSources.length === 0)
      passwordSources.push(`the SES SMTP password derived from access key ${key.name}`);
    // The host the program hands out (FIPS or not), else the region's (docs/regions.md).
    const host =
      str(bundle.host) ??
      sesRegion(region)?.smtpHost ??
      `<no SES SMTP endpoint known in ${region}: see docs/regions.md>`;
    const vpcEndpoint = smtpEndpointFor(run, host, region, str(bundle.vpcEndpointId));
    settings.push({
      domain: identity?.domain,
      host,
      region,
      endpoints: [
        { port: SES_SMTP_PORTS.startTls, security: "STARTTLS" },
        { port: SES_SMTP_PORTS.implicitTls, security: "implicit TLS" },
      ],
      username:
        usernameOutput !== undefined
          ? `<access key id: ${stackOutputCommand(usernameOutput, run.secretOutputs)}>`
          : `<access key id of ${key.name}>`,
      password: `<secret: ${passwordSources.join(", or ")}>`,
      accessKey: key.name,
      ...(vpcEndpoint !== undefined ? { vpcEndpoint } : {}),
      notes: [
        ...(vpcEndpoint !== undefined
          ? [
              `Inside the endpoint's VPC, private DNS resolves ${host} to VPC endpoint ${vpcEndpoint.id}: no internet route is needed, only egress on 587 and 465 to the endpoint's security group.`,
            ]
          : []),
        "Never port 25: clouds block it and it is unauthenticated.",
        "A new SES account is in the sandbox (verified recipients only) until AWS grants production access; no resource can request it.",
      ],
    });
  }
  return settings;
}
