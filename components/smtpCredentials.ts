import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { parseEmailAddress } from "../policies/core/address";
import { isSameOrSubdomain } from "../policies/core/domain";
import { describe, errorsOf } from "../policies/core/finding";
import { SES_SMTP_PORTS, smtpHostOf } from "../policies/core/ses-regions";
import { sesSmtpPasswordV4 } from "./sesSmtpPassword";
import {
  ArgumentError,
  argsArg,
  arrayArg,
  booleanArg,
  inputStringArg,
  isPendingInput,
  objectArg,
  orPlaceholder,
  placeholder,
  REGION_PLACEHOLDER,
  sendingDomainArg,
  sesRegionArg,
  tagsArg,
  TOKEN_PREFIX,
  unreportedRegionFacts,
  validateFor,
} from "./common";

/** SES SMTP submission port with STARTTLS (RFC 6409 submission, RFC 3207 STARTTLS). */
export const SMTP_STARTTLS_PORT = SES_SMTP_PORTS.startTls;
/** SES SMTP submission port with implicit TLS (RFC 8314). */
export const SMTP_IMPLICIT_TLS_PORT = SES_SMTP_PORTS.implicitTls;

/** Everything an application needs to submit mail to SES over SMTP. Stored and output as a secret. */
export interface SmtpBundle {
  /** `email-smtp.<region>.amazonaws.com`, or `email-smtp-fips.<region>.amazonaws.com` with `fips`. */
  host: string;
  /** 587: connect, then STARTTLS (required). */
  port: number;
  /** Always true: upgrade the connection with STARTTLS before authenticating. */
  startTls: boolean;
  /** 465: TLS from the first byte, for clients that prefer implicit TLS. */
  implicitTlsPort: number;
  /** SMTP username: the IAM access key id. */
  username: string;
  /** SMTP password: derived from the access key's secret for `region` (SES SMTP password v4). */
  password: string;
  /** The SES region the password is valid for. */
  region: string;
  /** The `credentialsVersion` these credentials belong to. */
  credentialsVersion: number;
  /**
   * The SES SMTP VPC endpoint (`vpce-...`) that `host` resolves to inside its VPC (private DNS),
   * when the credentials were given `vpcEndpoint`; absent otherwise.
   */
  vpcEndpointId?: string;
}

/**
 * An SES SMTP VPC endpoint for the bundle to name: an SmtpEndpoint, or its `endpointId` and
 * `host`.
 */
export interface SmtpVpcEndpointRef {
  /** Id of the interface endpoint (`vpce-...`), or an Output of one. */
  endpointId: pulumi.Input<string>;
  /** The host it serves with private DNS on, `email-smtp.<region>.amazonaws.com` (or an Output). */
  host: pulumi.Input<string>;
}

export interface SmtpCredentialsArgs {
  /** The SES identity's domain. `allowedFromAddresses` must lie in it (or its subdomains). */
  domain: string;
  /** ARN of the SES identity the user may send through. */
  identityArn: pulumi.Input<string>;
  /** ARN of the configuration set mail goes through (SES checks both). */
  configurationSetArn: pulumi.Input<string>;
  /**
   * The SES region: the SMTP endpoint, the region the password is derived for, and where the
   * secret lives. MailDomain passes the region SesSender resolved. Default: the region of the AWS
   * provider in effect.
   */
  region?: pulumi.Input<string>;
  /**
   * Hand out the FIPS 140 SMTP endpoint (`email-smtp-fips.<region>.amazonaws.com`); refused where
   * SES has none (docs/regions.md). The password is the same. Default false.
   */
  fips?: boolean;
  /**
   * The region is newer than mailguard's region table: accept it with the SMTP host by AWS's
   * naming pattern. Default false.
   */
  newRegion?: boolean;
  /** From addresses the user may send as (`ses:FromAddress`, exact, no wildcards). Default: any address of the identity. */
  allowedFromAddresses?: string[];
  /**
   * Version of the access key; bump it by one to rotate. The new key (in the slot the old one does
   * not use) is created before the old one is deleted. Default 1.
   */
  credentialsVersion?: number;
  /**
   * Keep the key of `credentialsVersion - 1` too, for a rotation in two deployments: bump the
   * version with this on, let applications pick up the new secret, then turn it off (or bump
   * again, which replaces the oldest key). Default false.
   */
  retainPreviousCredentials?: boolean;
  /** KMS key (id, ARN or alias) encrypting the Secrets Manager secret. Default: `aws/secretsmanager`. */
  secretKmsKeyId?: pulumi.Input<string>;
  /** IAM path of the user. Default `/mailguard/`. */
  userPath?: string;
  /** Tags for the user and the secret. Default: none. */
  tags?: Record<string, string>;
  /**
   * The SES SMTP VPC endpoint applications submit through (an SmtpEndpoint in the SES region):
   * the bundle's host stays `email-smtp.<region>.amazonaws.com`, which the endpoint's private DNS
   * resolves to it inside the VPC, and the bundle names it as `vpcEndpointId`. Not with `fips`.
   * Default: none.
   */
  vpcEndpoint?: SmtpVpcEndpointRef;
}

export interface NormalizedSmtpCredentialsArgs {
  domain: string;
  identityArn: pulumi.Input<string>;
  configurationSetArn: pulumi.Input<string>;
  region?: pulumi.Input<string>;
  /** The SMTP host, when the region was given as a plain string. */
  host?: string;
  fips: boolean;
  newRegion: boolean;
  allowedFromAddresses?: string[];
  credentialsVersion: number;
  retainPreviousCredentials: boolean;
  secretKmsKeyId?: pulumi.Input<string>;
  userPath: string;
  tags?: Record<string, string>;
  vpcEndpoint?: { endpointId: pulumi.Input<string>; host: pulumi.Input<string> };
}

/** Every argument SmtpCredentials takes; any other key is refused. */
export const SMTP_CREDENTIALS_ARGUMENTS: readonly (keyof SmtpCredentialsArgs)[] = [
  "domain",
  "identityArn",
  "configurationSetArn",
  "region",
  "fips",
  "newRegion",
  "allowedFromAddresses",
  "credentialsVersion",
  "retainPreviousCredentials",
  "secretKmsKeyId",
  "userPath",
  "tags",
  "vpcEndpoint",
];

const IAM_PATH = /^\/([\x21-\x7e]{0,510}\/)?$/;
const SES_IDENTITY_ARN = /^arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:identity\/\S+$/;
const SES_CONFIGURATION_SET_ARN =
  /^arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:configuration-set\/[A-Za-z0-9_-]{1,64}$/;
/** A KMS key id, multi-Region key id, alias name, key ARN or alias ARN (KMS `KeyId`). */
const KMS_KEY_ID =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias\/[A-Za-z0-9/_-]+|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key\/\S+|alias\/[A-Za-z0-9/_-]+))$/;

/** The SMTP host of an SES region, as an SES SMTP VPC endpoint serves it. */
const SES_SMTP_HOST = /^email-smtp\.[a-z0-9-]+\.amazonaws\.com$/;

/**
 * The `vpcEndpoint` argument: an SmtpEndpoint (any object carrying `endpointId` and `host`), or a
 * plain `{ endpointId, host }`; undefined when left out.
 */
function vpcEndpointArg(
  value: unknown,
): { endpointId: pulumi.Input<string>; host: pulumi.Input<string> } | undefined {
  if (value === undefined) return undefined;
  const fix =
    "Pass the SmtpEndpoint itself, or { endpointId: endpoint.endpointId, host: endpoint.host }.";
  // A component instance is read for its two outputs; anything else must be a plain object.
  const prototype: unknown =
    typeof value === "object" && value !== null ? Object.getPrototypeOf(value) : undefined;
  const instance =
    prototype !== undefined &&
    prototype !== null &&
    prototype !== Object.prototype &&
    !Array.isArray(value) &&
    !isPendingInput(value);
  const fields = instance
    ? (value as Record<string, unknown>)
    : objectArg("vpcEndpoint", value, ["endpointId", "host"], "an SmtpEndpoint", fix);
  const endpointId = inputStringArg("vpcEndpoint.endpointId", fields.endpointId, {
    pattern: /^vpce-[0-9a-f]+$/,
    shape: "a VPC endpoint id",
    fix: `Give an id such as vpce-0123456789abcdef0. ${fix}`,
  });
  const host = inputStringArg("vpcEndpoint.host", fields.host, {
    pattern: SES_SMTP_HOST,
    shape: "an SES SMTP host (email-smtp.<region>.amazonaws.com)",
    fix,
  });
  return { endpointId, host };
}

/** The options part of the arguments: what MailDomain passes through, checked before it builds. */
export type SmtpCredentialsOptions = Omit<
  SmtpCredentialsArgs,
  "identityArn" | "configurationSetArn"
>;

/**
 * Checks every SmtpCredentials argument but the two ARNs for type and shape, and fills in
 * defaults; throws ArgumentError naming the bad argument. MailDomain runs it before SesSender
 * exists to give the ARNs.
 */
export function validateSmtpCredentialsOptions(
  args: SmtpCredentialsOptions,
): Omit<NormalizedSmtpCredentialsArgs, "identityArn" | "configurationSetArn"> {
  argsArg("SmtpCredentials", args, SMTP_CREDENTIALS_ARGUMENTS);
  const domain = sendingDomainArg("domain", args.domain);
  const fips = booleanArg("fips", args.fips);
  const newRegion = booleanArg("newRegion", args.newRegion);
  // A region given as an Output (SesSender's, or the provider's) is checked when it resolves.
  const region: unknown = args.region;
  if (region !== undefined && typeof region !== "string" && !isPendingInput(region)) {
    throw new ArgumentError(
      "region",
      region,
      "it must be an SES region code such as eu-west-1, as a string or an Output. Fix: Give the SES region (SesSender.region), or leave it out to use the provider's region.",
    );
  }
  const host = typeof region === "string" ? smtpHostArg(region, { fips, newRegion }) : undefined;
  const vpcEndpoint = vpcEndpointArg(args.vpcEndpoint);
  if (vpcEndpoint !== undefined && fips) {
    throw new ArgumentError(
      "fips",
      fips,
      "it cannot be combined with vpcEndpoint: the SES SMTP VPC endpoint (com.amazonaws.<region>.email-smtp) serves the standard host, and AWS PrivateLink lists no FIPS endpoint service for SES, so the FIPS host would be reached over the internet. Fix: Leave fips off to submit through the endpoint, or leave vpcEndpoint out.",
    );
  }

  let allowedFromAddresses: string[] | undefined;
  const fix = `List addresses such as app@${domain}, or leave it out to allow any address of the domain.`;
  const addresses = arrayArg("allowedFromAddresses", args.allowedFromAddresses, fix);
  if (addresses !== undefined) {
    if (addresses.length === 0) {
      throw new ArgumentError(
        "allowedFromAddresses",
        addresses,
        `it must be a non-empty list of addresses. Fix: ${fix}`,
      );
    }
    allowedFromAddresses = addresses.map((address, i) =>
      fromAddress(`allowedFromAddresses[${i}]`, address, domain),
    );
  }

  const version: unknown = args.credentialsVersion === undefined ? 1 : args.credentialsVersion;
  if (typeof version !== "number" || !Number.isSafeInteger(version) || version < 1) {
    throw new ArgumentError(
      "credentialsVersion",
      version,
      "it must be a whole number of at least 1. Fix: Start at 1 and add one for each rotation.",
    );
  }
  // It decides whether a second key exists: a plain boolean, never an Output (always truthy).
  const retainPreviousCredentials = booleanArg(
    "retainPreviousCredentials",
    args.retainPreviousCredentials,
  );
  const secretKmsKeyId =
    args.secretKmsKeyId === undefined
      ? undefined
      : inputStringArg("secretKmsKeyId", args.secretKmsKeyId, {
          pattern: KMS_KEY_ID,
          shape: "a KMS key id, alias or ARN",
          fix: "Give a key id, an alias such as alias/mail-secrets, or a key ARN; or leave it out for aws/secretsmanager.",
        });
  const userPath: unknown = args.userPath === undefined ? "/mailguard/" : args.userPath;
  if (typeof userPath !== "string" || !IAM_PATH.test(userPath)) {
    throw new ArgumentError(
      "userPath",
      userPath,
      'it is not an IAM path. Fix: Use "/" or a path such as "/mailguard/".',
    );
  }
  return {
    domain,
    region: region as pulumi.Input<string> | undefined,
    host,
    fips,
    newRegion,
    allowedFromAddresses,
    credentialsVersion: version,
    retainPreviousCredentials,
    secretKmsKeyId,
    userPath,
    tags: tagsArg("tags", args.tags),
    vpcEndpoint,
  };
}

/**
 * Checks every SmtpCredentials argument for type and shape and fills in defaults; throws
 * ArgumentError naming the bad argument.
 */
export function validateSmtpCredentialsArgs(
  args: SmtpCredentialsArgs,
): NormalizedSmtpCredentialsArgs {
  const given = argsArg("SmtpCredentials", args, SMTP_CREDENTIALS_ARGUMENTS);
  const options = validateSmtpCredentialsOptions(given as SmtpCredentialsOptions);
  const identityArn = inputStringArg("identityArn", given.identityArn, {
    pattern: SES_IDENTITY_ARN,
    shape: "an SES identity ARN",
    fix: "Pass SesSender.identityArn, or an ARN such as arn:aws:ses:eu-west-1:123456789012:identity/example.com.",
  });
  const configurationSetArn = inputStringArg("configurationSetArn", given.configurationSetArn, {
    pattern: SES_CONFIGURATION_SET_ARN,
    shape: "an SES configuration set ARN",
    fix: "Pass SesSender.configurationSetArn, or an ARN such as arn:aws:ses:eu-west-1:123456789012:configuration-set/example-com-mailguard.",
  });
  return { ...options, identityArn, configurationSetArn };
}

/**
 * The SMTP host SES offers in a region (the FIPS one with `fips`), or an ArgumentError naming the
 * nearest region that has it (docs/regions.md).
 */
export function smtpHostArg(
  region: string,
  options: { fips: boolean; newRegion: boolean },
): string {
  const facts = sesRegionArg("region", region, { newRegion: options.newRegion });
  const { host, findings } = smtpHostOf(facts, options.fips);
  for (const f of errorsOf(findings)) {
    throw new ArgumentError(
      f.code === "ses-region-no-fips-smtp" ? "fips" : "region",
      f.code === "ses-region-no-fips-smtp" ? options.fips : region,
      describe(f),
    );
  }
  return host!;
}

/**
 * An endpoint serves the SMTP host of its own region only (SES is not a cross-Region PrivateLink
 * service): refuses an endpoint whose host is not the bundle's. Hosts built around a placeholder
 * (a region only mocks leave unreported) are not compared.
 */
export function checkEndpointHost(endpointHost: unknown, host: string, region: string): void {
  if (typeof endpointHost !== "string" || endpointHost.includes("<") || host.includes("<")) return;
  if (endpointHost === host) return;
  throw new ArgumentError(
    "vpcEndpoint.host",
    endpointHost,
    `the endpoint serves ${endpointHost}, but these credentials hand out ${host}, which its private DNS does not resolve (an SES SMTP VPC endpoint serves its own region's standard host only). Fix: Create the SmtpEndpoint in the SES region, ${region}, and leave fips off; or leave vpcEndpoint out.`,
  );
}

function fromAddress(argument: string, address: unknown, domain: string): string {
  const parsed = typeof address === "string" ? parseEmailAddress(address) : undefined;
  // ses:FromAddress is matched with StringLike, where * and ? are wildcards.
  if (parsed === undefined || /[*?]/.test(parsed.local)) {
    throw new ArgumentError(
      argument,
      address,
      "it is not a plain email address (wildcards * and ? are refused). Fix: Give an exact address such as app@" +
        domain +
        ".",
    );
  }
  if (!isSameOrSubdomain(parsed.domain, domain)) {
    throw new ArgumentError(
      argument,
      address,
      `it is outside ${domain}, which SES cannot send from with this identity. Fix: Use an address at ${domain} or one of its subdomains.`,
    );
  }
  return `${parsed.local}@${parsed.domain}`;
}

/**
 * The IAM policy of the SMTP user: `ses:SendRawEmail` (what SMTP uses) on the identity and the
 * configuration set, optionally only from the given From addresses. No wildcards.
 */
export function sendPolicyDocument(
  identityArn: pulumi.Input<string>,
  configurationSetArn: pulumi.Input<string>,
  allowedFromAddresses?: string[],
): pulumi.Output<string> {
  return pulumi.all([identityArn, configurationSetArn]).apply(([identity, set]) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "SendRawEmailThroughTheIdentityOnly",
          Effect: "Allow",
          Action: "ses:SendRawEmail",
          Resource: [identity, set],
          ...(allowedFromAddresses
            ? { Condition: { StringLike: { "ses:FromAddress": allowedFromAddresses } } }
            : {}),
        },
      ],
    }),
  );
}

/** Where the access key of one credentials version lives. */
export interface AccessKeySlot {
  /** `a` for odd versions, `b` for even ones: the key's logical name is `<name>-key-<slot>`. */
  slot: "a" | "b";
  version: number;
}

/**
 * The access keys SmtpCredentials registers, current version last: the key of version N lives in
 * slot `a` (N odd) or `b` (N even); with `retainPrevious` the key of N - 1 stays in the other
 * slot. Two slots, so IAM's limit of two keys per user holds whatever the sequence of versions.
 */
export function accessKeySlots(version: number, retainPrevious: boolean): AccessKeySlot[] {
  const slot = (v: number): AccessKeySlot => ({ slot: v % 2 === 1 ? "a" : "b", version: v });
  return retainPrevious && version > 1 ? [slot(version - 1), slot(version)] : [slot(version)];
}

/**
 * SMTP credentials for SES on port 587 (STARTTLS) or 465 (implicit TLS): an IAM user allowed
 * only `ses:SendRawEmail` on one identity and configuration set, an access key (IAM is global: the
 * provider in effect makes it, in the user's account) whose secret gives the SMTP password for the
 * SES region, and a Secrets Manager secret holding the whole connection bundle.
 *
 * Rotation: bump `credentialsVersion` by one. Keys live in two slots ({@link accessKeySlots}):
 * the new version's key is created in the other slot and the secret updated before the old slot's
 * key is deleted at the end of the update. With `retainPreviousCredentials` the previous key stays
 * in its slot; the next bump then replaces it (deleted first), so the user never holds more than
 * the two keys IAM allows.
 *
 * Private submission: with `vpcEndpoint` (an SmtpEndpoint in the SES region) the bundle keeps the
 * standard host, which the endpoint's private DNS resolves inside its VPC, and names the endpoint
 * as `vpcEndpointId`.
 */
export class SmtpCredentials extends pulumi.ComponentResource {
  /** The connection bundle (secret). */
  readonly bundle: pulumi.Output<SmtpBundle>;
  /** ARN of the Secrets Manager secret holding the bundle as JSON. */
  readonly secretArn: pulumi.Output<string>;
  /** Name of the IAM user. */
  readonly userName: pulumi.Output<string>;
  /** The SMTP username (access key id) of the current version (secret). */
  readonly username: pulumi.Output<string>;
  /** The SES region the credentials are for. */
  readonly region: pulumi.Output<string>;

  constructor(name: string, args: SmtpCredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${TOKEN_PREFIX}SmtpCredentials`, name, {}, opts);
    const a = validateFor("SmtpCredentials", name, this, () => validateSmtpCredentialsArgs(args));
    const parent = { parent: this };
    const regional = a.region !== undefined ? { region: a.region } : {};

    const user = new aws.iam.User(`${name}-user`, { path: a.userPath, tags: a.tags }, parent);
    new aws.iam.UserPolicy(
      `${name}-send`,
      {
        user: user.name,
        policy: sendPolicyDocument(a.identityArn, a.configurationSetArn, a.allowedFromAddresses),
      },
      parent,
    );

    // IAM is global: the key is made by the provider in effect, in the same account as the user.
    // Its sesSmtpPasswordV4 would be for that provider's region, so the password for the SES
    // region is derived from the secret key here instead.
    const keys = accessKeySlots(a.credentialsVersion, a.retainPreviousCredentials).map(
      ({ slot, version }) =>
        new aws.iam.AccessKey(
          `${name}-key-${slot}`,
          { user: user.name },
          {
            parent: this,
            additionalSecretOutputs: ["secret", "sesSmtpPasswordV4"],
            // A new version in this slot replaces the slot's key (of version - 2): delete it
            // first, so the user never holds more than two keys.
            replacementTrigger: version,
            deleteBeforeReplace: true,
          },
        ),
    );
    const key = keys[keys.length - 1];

    // A provider always reports its region and the key's id and secret; minimal test mocks may
    // not, and then the bundle holds placeholders (`<aws-region>`, `<ses-smtp-password>`).
    this.region = (
      a.region !== undefined ? pulumi.output(a.region) : aws.getRegionOutput({}, parent).region
    ).apply((r) => orPlaceholder(r, "aws-region"));
    const region = this.region;
    const bundle = pulumi.secret(
      pulumi.all([key.id, key.secret, region]).apply(([username, secretKey, r]): SmtpBundle => {
        const reported = r !== REGION_PLACEHOLDER;
        return {
          host:
            a.host ??
            (reported
              ? validateFor("SmtpCredentials", name, this, () =>
                  smtpHostArg(r, { fips: a.fips, newRegion: a.newRegion }),
                )
              : smtpHostOf(unreportedRegionFacts({}), a.fips).host!),
          port: SMTP_STARTTLS_PORT,
          startTls: true,
          implicitTlsPort: SMTP_IMPLICIT_TLS_PORT,
          username: orPlaceholder(username, "smtp-username"),
          password:
            reported && typeof secretKey === "string" && secretKey !== ""
              ? sesSmtpPasswordV4(secretKey, r)
              : placeholder("ses-smtp-password"),
          region: r,
          credentialsVersion: a.credentialsVersion,
        };
      }),
    );
    // With a VPC endpoint, the bundle names it; it must serve the host the bundle hands out.
    const endpoint = a.vpcEndpoint;
    this.bundle =
      endpoint === undefined
        ? bundle
        : pulumi.secret(
            pulumi.all([bundle, endpoint.endpointId, endpoint.host]).apply(([b, id, host]) => {
              validateFor("SmtpCredentials", name, this, () =>
                checkEndpointHost(host, b.host, b.region),
              );
              return { ...b, vpcEndpointId: orPlaceholder(id, "vpc-endpoint-id") };
            }),
          );

    const secret = new aws.secretsmanager.Secret(
      `${name}-secret`,
      {
        ...regional,
        description: `SES SMTP credentials for ${a.domain} (mailguard): host, port 587 STARTTLS, 465 implicit TLS, username, password, region.`,
        kmsKeyId: a.secretKmsKeyId,
        tags: a.tags,
      },
      parent,
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-secret-value`,
      {
        ...regional,
        secretId: secret.id,
        secretString: pulumi.secret(this.bundle.apply((b) => JSON.stringify(b))),
      },
      parent,
    );

    this.secretArn = secret.arn;
    this.userName = user.name;
    // The key id is half of the SMTP login: every output carrying it is secret, like the password
    // (the AccessKey's id itself is kept in state as plain text, as every resource id is).
    this.username = pulumi.secret(key.id);
    this.registerOutputs({
      bundle: this.bundle,
      secretArn: this.secretArn,
      userName: this.userName,
      username: this.username,
      region: this.region,
    });
  }
}
