/**
 * A provider simulator for `pulumi.runtime.setMocks`: it answers resource registrations and
 * invokes the way the AWS, Cloudflare and TLS providers would, without a cloud account or plugins.
 *
 * - Computed outputs are filled as the providers fill them: SES DKIM tokens (three, 32 characters,
 *   deterministic per domain), ARNs in the resource's region with a placeholder account id,
 *   access key ids of the right shape, an SES SMTP password really derived from the secret for the
 *   region, real RSA/ECDSA/Ed25519 keys for `tls.PrivateKey`, autonamed `name`s.
 * - The region of a resource is its own `region` input (AWS provider 7), else the region of the
 *   explicit provider that manages it, else the simulator's default region. Regional AWS
 *   resources return it as their `region` output; global ones (IAM) have none, though an access
 *   key's `sesSmtpPasswordV4` is derived for its provider's region, as the provider does.
 * - In preview (`isDryRun()`), computed outputs are left unknown, as the engine leaves them.
 * - Secret inputs stay secret, and `additionalSecretOutputs` (plus the provider schemas' secret
 *   outputs) are returned secret, as the engine does.
 * - Every registration is recorded (type, name, URN, parent, provider, inputs, resource options)
 *   so tests can assert the exact inventory. Use {@link ProviderSimulator.install}, which also
 *   captures parents and resource options; `setMocks(sim)` alone records everything but those.
 * - `aws.route53.getZone` finds a public hosted zone for any name, its id derived from the name
 *   ({@link route53ZoneIdFor}); a Route53 record set's id is `<zone id>_<name>_<type>`.
 * - A resource adopted with the `import` option keeps the live resource's id, and the option is
 *   recorded; the engine's import itself (reading the live resource) is not simulated.
 * - Unknown invokes throw.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { sesSmtpPasswordV4 } from "../components/sesSmtpPassword";
import { UNKNOWN } from "../policies/core/finding";
import { partitionOf } from "../policies/core/ses-regions";

/** The placeholder AWS account id used in every simulated ARN. */
export const SIMULATED_ACCOUNT_ID = "123456789012";

export interface SimulatorOptions {
  /** Region of resources without their own region or explicit provider. Default `us-east-1`. */
  region?: string;
  /** Account id in ARNs and `getCallerIdentity`. Default {@link SIMULATED_ACCOUNT_ID}. */
  accountId?: string;
}

/** Resource options as the engine received them. */
export interface RecordedOptions {
  deleteBeforeReplace?: boolean;
  additionalSecretOutputs: string[];
  replaceOnChanges: string[];
  ignoreChanges: string[];
  protect?: boolean;
  retainOnDelete?: boolean;
  dependsOn: string[];
  /** The `replacementTrigger` value, as plain data; undefined when not set. */
  replacementTrigger?: unknown;
  /**
   * Aliases: a URN, or the spec fields that were set (`name`, `type`, `stack`, `project`,
   * `parentUrn`, `noParent`).
   */
  aliases: (string | Record<string, unknown>)[];
  /**
   * The `import` option: the provider id of a live resource the registration adopts (Cloudflare
   * `<zone id>/<record id>`, Route53 `<zone id>_<name>_<type>`); undefined when not set.
   */
  import?: string;
}

export interface RecordedResource {
  type: string;
  name: string;
  /** The URN the mock monitor gives the resource. */
  urn: string;
  /** URN of the parent; `undefined` for stack-level resources or when not captured. */
  parent?: string;
  /** Provider reference (`<urn>::<id>`) when an explicit provider manages the resource. */
  provider?: string;
  /** Region the resource lives in (regional AWS resources only; IAM is global). */
  region?: string;
  custom: boolean;
  /** Inputs as plain data: secrets unwrapped, unknown values as the UNKNOWN sentinel string. */
  inputs: Record<string, unknown>;
  /** Top-level input names whose value was secret. */
  secretInputs: string[];
  /** Options; present when registered through {@link ProviderSimulator.install}. */
  options?: RecordedOptions;
  id?: string;
  /** Outputs returned to the program, as plain data (secrets unwrapped). */
  state: Record<string, unknown>;
  /** Top-level output names returned secret, or holding a secret inside (the SDK makes those secret). */
  secretOutputs: string[];
}

export interface RecordedCall {
  token: string;
  inputs: Record<string, unknown>;
  provider?: string;
  result: Record<string, unknown>;
}

/** The part of pulumi's MockMonitor that install() hooks, read through duck typing. */
interface RegisterRequestLike {
  getParent(): string;
  getDeletebeforereplace(): boolean;
  getDeletebeforereplacedefined(): boolean;
  getAdditionalsecretoutputsList(): string[];
  getReplaceonchangesList(): string[];
  getIgnorechangesList(): string[];
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getDependenciesList(): string[];
  hasReplacementTrigger(): boolean;
  getReplacementTrigger(): { toJavaScript(): unknown } | undefined;
  getAliasesList(): AliasLike[];
  getImportid(): string;
}
interface AliasLike {
  getUrn(): string;
  getSpec():
    | {
        getName(): string;
        getType(): string;
        getStack(): string;
        getProject(): string;
        getParenturn(): string;
        getNoparent(): boolean;
      }
    | undefined;
}

/** An alias as plain data: its URN, or the spec fields that were set. */
function plainAlias(alias: AliasLike): string | Record<string, unknown> {
  const spec = alias.getSpec();
  if (spec === undefined) return alias.getUrn();
  const fields: Record<string, unknown> = {
    name: spec.getName(),
    type: spec.getType(),
    stack: spec.getStack(),
    project: spec.getProject(),
    parentUrn: spec.getParenturn(),
    noParent: spec.getNoparent(),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== "" && v !== false));
}
interface MonitorLike {
  registerResource(req: RegisterRequestLike, callback: unknown): unknown;
}

const SECRET_SIG_KEY = pulumi.runtime.specialSigKey;
const SECRET_SIG = pulumi.runtime.specialSecretSig;

/**
 * Outputs the provider schemas mark secret, which the engine returns secret in any case; a dotted
 * path names a nested field (the SDK then makes the whole top-level output secret).
 */
const SCHEMA_SECRET_OUTPUTS: Record<string, string[]> = {
  "aws:iam/accessKey:AccessKey": ["secret", "sesSmtpPasswordV4"],
  "aws:sesv2/emailIdentity:EmailIdentity": ["dkimSigningAttributes.domainSigningPrivateKey"],
  "tls:index/privateKey:PrivateKey": ["privateKeyOpenssh", "privateKeyPem", "privateKeyPemPkcs8"],
  "aws:secretsmanager/secretVersion:SecretVersion": ["secretString", "secretBinary"],
};

/** Global AWS resources (IAM): they have no region, so no `region` input or output. */
function isGlobalAws(type: string): boolean {
  return type.startsWith("aws:iam/");
}

/** Wraps the value at a dotted path of `state` as a secret, when it is there. */
function secretWrapPath(state: Record<string, unknown>, path: string): void {
  const [head, ...rest] = path.split(".");
  if (rest.length === 0) {
    if (state[head] !== undefined) state[head] = secretWrap(state[head]);
    return;
  }
  const inner = state[head];
  if (isPlainObject(inner)) {
    const copy = { ...inner };
    secretWrapPath(copy, rest.join("."));
    state[head] = copy;
  }
}

/** Whether a value is or holds a secret anywhere inside. */
function holdsSecret(value: unknown): boolean {
  if (isSecretWrapper(value)) return true;
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (isPlainObject(value)) return Object.values(value).some(holdsSecret);
  return false;
}

/** Resources whose provider picks a `name` of `<logical name>-<7 hex>` when none is given. */
const AUTONAMED = new Set([
  "aws:sns/topic:Topic",
  "aws:iam/user:User",
  "aws:iam/userPolicy:UserPolicy",
  "aws:secretsmanager/secret:Secret",
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:cloudwatch/metricAlarm:MetricAlarm",
]);

function sha256(text: string): Buffer {
  return crypto.createHash("sha256").update(text).digest();
}

function hex(text: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) out += sha256(`${text}#${i}`).toString("hex");
  return out.slice(0, length);
}

/** Deterministic characters from `alphabet`, seeded by `seed`. */
function pick(seed: string, alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) {
    for (const byte of sha256(`${seed}#${i}`)) {
      if (out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/**
 * The hosted zone id the simulator gives a zone name: `Z` and 20 characters of [A-Z0-9], the
 * shape of Route53's ids.
 */
export function route53ZoneIdFor(zoneName: string): string {
  return `Z${pick(`route53|${zoneName.replace(/\.$/, "").toLowerCase()}`, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 20)}`;
}

/**
 * The id a provider gives a resource adopted with the `import` option: a Cloudflare DNS record is
 * imported as `<zone id>/<record id>` and keeps the record id; other resources keep the import id.
 */
function importedId(type: string, importId: string): string {
  return type === "cloudflare:index/dnsRecord:DnsRecord"
    ? importId.slice(importId.lastIndexOf("/") + 1)
    : importId;
}

/** The three Easy DKIM tokens the simulator gives a domain: 32 characters of [a-z0-9]. */
export function dkimTokensFor(domain: string): string[] {
  return [0, 1, 2].map((i) =>
    pick(`dkim|${domain.toLowerCase()}|${i}`, "abcdefghijklmnopqrstuvwxyz0123456789", 32),
  );
}

function isSecretWrapper(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG
  );
}

function secretWrap(value: unknown): unknown {
  return isSecretWrapper(value) ? value : { [SECRET_SIG_KEY]: SECRET_SIG, value };
}

/** Plain data: secrets unwrapped, unknowns turned into the UNKNOWN sentinel. */
function toPlain(value: unknown): unknown {
  if (pulumi.Output.isInstance(value)) return UNKNOWN;
  if (value !== null && typeof value === "object" && pulumi.isUnknown(value)) return UNKNOWN;
  if (isSecretWrapper(value)) return toPlain(value.value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === "object" && value.constructor === Object) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
    return out;
  }
  return value;
}

function plainRecord(value: Record<string, unknown>): Record<string, unknown> {
  return toPlain(value) as Record<string, unknown>;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== UNKNOWN ? value : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    value.constructor === Object
  );
}

/**
 * The preview form of computed outputs: every value the program did not give becomes UNKNOWN
 * (nested objects merge with the given fields); given values are echoed.
 */
function unknownize(
  computed: Record<string, unknown>,
  given: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(computed)) {
    const raw = given[key];
    const plain = isSecretWrapper(raw) ? raw.value : raw;
    if (raw === undefined) out[key] = UNKNOWN;
    else if (isPlainObject(value) && isPlainObject(plain)) {
      const merged = { ...plain, ...unknownize(value, plain) };
      out[key] = isSecretWrapper(raw) ? secretWrap(merged) : merged;
    } else out[key] = raw;
  }
  return out;
}

const TLS_OUTPUTS = [
  "privateKeyPem",
  "privateKeyPemPkcs8",
  "privateKeyOpenssh",
  "publicKeyPem",
  "publicKeyOpenssh",
  "publicKeyFingerprintMd5",
  "publicKeyFingerprintSha256",
];

// ---- SSH wire format for tls.PrivateKey -------------------------------------------------------

function sshString(data: Buffer | string): Buffer {
  const body = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

function sshMpint(base64url: string): Buffer {
  let bytes = Buffer.from(base64url, "base64url");
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  if (bytes.length > 0 && (bytes[0] & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return sshString(bytes);
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function pemWrap(label: string, der: Buffer, width = 64): string {
  const b64 = der.toString("base64");
  const lines = b64.match(new RegExp(`.{1,${width}}`, "g")) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

interface SshKeyParts {
  publicBlob: Buffer;
  privateFields: Buffer;
}

function sshParts(algorithm: string, jwk: crypto.JsonWebKey, curve?: string): SshKeyParts {
  if (algorithm === "RSA") {
    const publicBlob = Buffer.concat([sshString("ssh-rsa"), sshMpint(jwk.e!), sshMpint(jwk.n!)]);
    const privateFields = Buffer.concat([
      sshString("ssh-rsa"),
      sshMpint(jwk.n!),
      sshMpint(jwk.e!),
      sshMpint(jwk.d!),
      sshMpint(jwk.qi!),
      sshMpint(jwk.p!),
      sshMpint(jwk.q!),
    ]);
    return { publicBlob, privateFields };
  }
  if (algorithm === "ED25519") {
    const pub = Buffer.from(jwk.x!, "base64url");
    const seed = Buffer.from(jwk.d!, "base64url");
    const publicBlob = Buffer.concat([sshString("ssh-ed25519"), sshString(pub)]);
    const privateFields = Buffer.concat([
      sshString("ssh-ed25519"),
      sshString(pub),
      sshString(Buffer.concat([seed, pub])),
    ]);
    return { publicBlob, privateFields };
  }
  const curves: Record<string, string> = {
    P224: "nistp224",
    P256: "nistp256",
    P384: "nistp384",
    P521: "nistp521",
  };
  const sshCurve = curves[curve ?? "P224"] ?? "nistp224";
  const keyType = `ecdsa-sha2-${sshCurve}`;
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x!, "base64url"),
    Buffer.from(jwk.y!, "base64url"),
  ]);
  const publicBlob = Buffer.concat([sshString(keyType), sshString(sshCurve), sshString(point)]);
  const privateFields = Buffer.concat([
    sshString(keyType),
    sshString(sshCurve),
    sshString(point),
    sshMpint(jwk.d!),
  ]);
  return { publicBlob, privateFields };
}

function opensshPrivateKey(parts: SshKeyParts, seed: string): string {
  const check = sha256(seed).readUInt32BE(0);
  let block = Buffer.concat([uint32(check), uint32(check), parts.privateFields, sshString("")]);
  const padding: number[] = [];
  for (let i = 1; (block.length + padding.length) % 8 !== 0; i++) padding.push(i);
  block = Buffer.concat([block, Buffer.from(padding)]);
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0", "binary"),
    sshString("none"),
    sshString("none"),
    sshString(""),
    uint32(1),
    sshString(parts.publicBlob),
    sshString(block),
  ]);
  return pemWrap("OPENSSH PRIVATE KEY", body, 70);
}

/** The outputs `tls.PrivateKey` computes, made with node's crypto. */
export function simulatePrivateKey(
  inputs: Record<string, unknown>,
  seed: string,
): Record<string, unknown> {
  const algorithm = str(inputs.algorithm) ?? "RSA";
  const rsaBits = typeof inputs.rsaBits === "number" ? inputs.rsaBits : 2048;
  const curve = str(inputs.ecdsaCurve) ?? "P224";
  let pair: crypto.KeyPairKeyObjectResult;
  if (algorithm === "RSA") {
    pair = crypto.generateKeyPairSync("rsa", { modulusLength: rsaBits });
  } else if (algorithm === "ED25519") {
    pair = crypto.generateKeyPairSync("ed25519");
  } else if (algorithm === "ECDSA") {
    const namedCurve = {
      P224: "secp224r1",
      P256: "prime256v1",
      P384: "secp384r1",
      P521: "secp521r1",
    }[curve];
    if (!namedCurve) throw new Error(`tls.PrivateKey: unsupported ecdsaCurve "${curve}"`);
    pair = crypto.generateKeyPairSync("ec", { namedCurve });
  } else {
    throw new Error(`tls.PrivateKey: unsupported algorithm "${algorithm}"`);
  }
  const { privateKey, publicKey } = pair;
  const jwk = privateKey.export({ format: "jwk" });
  const parts = sshParts(algorithm, jwk, curve);
  const privateKeyPemPkcs8 = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const privateKeyPem =
    algorithm === "RSA"
      ? privateKey.export({ type: "pkcs1", format: "pem" }).toString()
      : algorithm === "ECDSA"
        ? privateKey.export({ type: "sec1", format: "pem" }).toString()
        : privateKeyPemPkcs8;
  const keyType = parts.publicBlob.subarray(4, 4 + parts.publicBlob.readUInt32BE(0)).toString();
  const md5 = crypto.createHash("md5").update(parts.publicBlob).digest("hex");
  return {
    algorithm,
    ecdsaCurve: algorithm === "ECDSA" ? curve : "P224",
    rsaBits: algorithm === "RSA" ? rsaBits : 2048,
    privateKeyPem,
    privateKeyPemPkcs8,
    privateKeyOpenssh: opensshPrivateKey(parts, seed),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    publicKeyOpenssh: `${keyType} ${parts.publicBlob.toString("base64")}\n`,
    publicKeyFingerprintMd5: md5.match(/../g)!.join(":"),
    publicKeyFingerprintSha256: `SHA256:${crypto.createHash("sha256").update(parts.publicBlob).digest("base64").replace(/=+$/, "")}`,
  };
}

// ---- the simulator ---------------------------------------------------------------------------

interface Computed {
  id?: string;
  state: Record<string, unknown>;
}

interface PendingRegistration {
  parent?: string;
  options: RecordedOptions;
}

export class ProviderSimulator implements pulumi.runtime.Mocks {
  readonly region: string;
  readonly accountId: string;
  /** Every resource registered, in registration order. */
  readonly resources: RecordedResource[] = [];
  /** Every invoke answered, in order. */
  readonly calls: RecordedCall[] = [];
  private readonly providerRegions = new Map<string, string>();
  private pending?: PendingRegistration;
  private project = "project";
  private stack = "stack";

  constructor(opts: SimulatorOptions = {}) {
    this.region = opts.region ?? "us-east-1";
    this.accountId = opts.accountId ?? SIMULATED_ACCOUNT_ID;
  }

  /**
   * `setMocks` with this simulator, then hook the mock monitor so each record also carries its
   * parent and resource options (the Mocks interface does not pass them).
   */
  async install(opts: { preview?: boolean; project?: string; stack?: string } = {}): Promise<void> {
    this.project = opts.project ?? "project";
    this.stack = opts.stack ?? "stack";
    await pulumi.runtime.setMocks(this, this.project, this.stack, opts.preview ?? false);
    const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: RegisterRequestLike, callback: unknown) => {
      // The mock monitor calls newResource synchronously, before its first await, so the
      // registration's parent and options can be handed over through this field.
      this.pending = {
        parent: req.getParent() || undefined,
        options: {
          deleteBeforeReplace: req.getDeletebeforereplacedefined()
            ? req.getDeletebeforereplace()
            : undefined,
          additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
          replaceOnChanges: req.getReplaceonchangesList(),
          ignoreChanges: req.getIgnorechangesList(),
          protect: req.getProtect(),
          retainOnDelete: req.getRetainondelete(),
          dependsOn: req.getDependenciesList(),
          replacementTrigger: req.hasReplacementTrigger()
            ? req.getReplacementTrigger()?.toJavaScript()
            : undefined,
          aliases: req.getAliasesList().map(plainAlias),
          import: req.getImportid() || undefined,
        },
      };
      try {
        return register(req, callback);
      } finally {
        this.pending = undefined;
      }
    };
  }

  /** Forget every record (the runtime keeps its own state; use one program per simulator). */
  reset(): void {
    this.resources.length = 0;
    this.calls.length = 0;
  }

  /** Custom resources only (no components, no providers), in registration order. */
  customResources(): RecordedResource[] {
    return this.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
  }

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  find(type: string, name: string): RecordedResource | undefined {
    return this.resources.find((r) => r.type === type && r.name === name);
  }

  /** Resources whose parent is `parent` (a URN or a record). */
  childrenOf(parent: string | RecordedResource): RecordedResource[] {
    const urn = typeof parent === "string" ? parent : parent.urn;
    return this.resources.filter((r) => r.parent === urn);
  }

  /** The region a resource with these inputs and provider reference lives in. */
  regionOf(inputs: Record<string, unknown>, provider?: string): string {
    const own = str(toPlain(inputs.region));
    if (own) return own;
    if (provider) {
      const urn = provider.slice(0, provider.lastIndexOf("::"));
      const region = this.providerRegions.get(urn);
      if (region) return region;
    }
    return this.region;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    const pending = this.pending;
    this.pending = undefined;
    const rawInputs = (args.inputs ?? {}) as Record<string, unknown>;
    const inputs = plainRecord(rawInputs);
    const urn = this.urnOf(pending?.parent, args.type, args.name);
    const isAws = args.type.startsWith("aws:") || args.type === "pulumi:providers:aws";
    const region = isAws ? this.regionOf(inputs, args.provider) : undefined;
    if (args.type === "pulumi:providers:aws")
      this.providerRegions.set(urn, str(inputs.region) ?? this.region);

    const dryRun = pulumi.runtime.isDryRun();
    const isProvider = args.type.startsWith("pulumi:providers:");
    let computed: Computed;
    if (args.custom === false) {
      computed = { state: {} };
    } else if (dryRun && !isProvider) {
      // Preview: what the provider computes is unknown; what the program gave is echoed.
      const full =
        args.type === "tls:index/privateKey:PrivateKey"
          ? Object.fromEntries(TLS_OUTPUTS.map((k) => [k, UNKNOWN]))
          : this.compute(args.type, args.name, inputs, region ?? this.region, urn).state;
      computed = { state: unknownize(full, rawInputs) };
    } else {
      computed = this.compute(args.type, args.name, inputs, region ?? this.region, urn);
    }
    // An adopted resource keeps the id of the live one (`import`): the provider reads it by that id.
    const imported = args.id ? importedId(args.type, args.id) : undefined;
    const id =
      args.custom === false || (dryRun && !isProvider)
        ? undefined
        : (imported ?? computed.id ?? `${args.name}-${hex(urn, 8)}`);

    const state: Record<string, unknown> = { ...rawInputs, ...computed.state };
    const global = isGlobalAws(args.type);
    if (isAws && region && !isProvider && !global && !dryRun) state.region = region;
    const secretKeys = new Set([
      ...(pending?.options.additionalSecretOutputs ?? []),
      ...(SCHEMA_SECRET_OUTPUTS[args.type] ?? []),
    ]);
    for (const key of secretKeys) secretWrapPath(state, key);

    this.resources.push({
      type: args.type,
      name: args.name,
      urn,
      parent: pending?.parent,
      provider: args.provider || undefined,
      region: global ? undefined : region,
      custom: args.custom !== false,
      inputs,
      secretInputs: Object.keys(rawInputs).filter((k) => isSecretWrapper(rawInputs[k])),
      options: pending?.options,
      id,
      state: plainRecord(state),
      secretOutputs: Object.keys(state).filter((k) => holdsSecret(state[k])),
    });
    return { id, state };
  }

  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    const inputs = plainRecord((args.inputs ?? {}) as Record<string, unknown>);
    const region = this.regionOf(inputs, args.provider);
    let result: Record<string, unknown>;
    switch (args.token) {
      // ---- VPC lookups (SmtpEndpoint): endpoint services and subnets.
      case "aws:ec2/getVpcEndpointService:getVpcEndpointService": {
        const given = str(inputs.serviceName);
        const name =
          given ?? (str(inputs.service) ? `com.amazonaws.${region}.${str(inputs.service)}` : "");
        const code = new RegExp(`^com\\.amazonaws\\.${region}\\.([a-z0-9.-]+)$`).exec(name)?.[1];
        const types =
          code === "s3" || code === "dynamodb" ? ["Gateway", "Interface"] : ["Interface"];
        const type = str(inputs.serviceType) ?? types[0];
        if (code === undefined || !types.includes(type)) {
          throw new Error(
            `ProviderSimulator: no ${type} VPC endpoint service ${JSON.stringify(name)} in ${region} (it answers AWS services, com.amazonaws.${region}.<service>, looked up in the provider's region)`,
          );
        }
        // Every simulated region has the zones <region>a, b and c. As AWS documents zones where
        // SES offers no VPC endpoint, email-smtp is deliberately not offered in us-east-1c.
        const zones = ["a", "b", "c"]
          .map((z) => `${region}${z}`)
          .filter((z) => !(code === "email-smtp" && z === "us-east-1c"));
        const serviceId = `vpce-svc-${hex(name, 17)}`;
        result = {
          id: name,
          arn: this.arn("ec2", region, `vpc-endpoint-service/${serviceId}`),
          serviceId,
          serviceName: name,
          ...(inputs.service !== undefined ? { service: inputs.service } : {}),
          serviceType: type,
          availabilityZones: zones,
          baseEndpointDnsNames: [`${code}.${region}.vpce.amazonaws.com`],
          privateDnsName: `${code}.${region}.amazonaws.com`,
          privateDnsNames: [`${code}.${region}.amazonaws.com`],
          owner: "amazon",
          acceptanceRequired: false,
          managesVpcEndpoints: false,
          vpcEndpointPolicySupported: true,
          supportedIpAddressTypes: ["ipv4"],
          region,
          serviceRegion: region,
          tags: {},
        };
        break;
      }
      case "aws:ec2/getSubnet:getSubnet": {
        const id = str(inputs.id);
        const subnet = this.resources.find(
          (r) => r.type === "aws:ec2/subnet:Subnet" && r.id !== undefined && r.id === id,
        );
        if (subnet === undefined) {
          throw new Error(
            `ProviderSimulator: no subnet ${JSON.stringify(id)} (it knows the subnets the program creates, aws.ec2.Subnet, looked up by id)`,
          );
        }
        result = { ...subnet.state, id: subnet.id, region: subnet.region ?? region };
        break;
      }
      case "aws:index/getCallerIdentity:getCallerIdentity":
        result = {
          accountId: this.accountId,
          arn: `arn:${partitionOf(region)}:iam::${this.accountId}:user/simulator`,
          userId: "AIDASIMULATOR0000000",
          id: this.accountId,
        };
        break;
      case "aws:index/getRegion:getRegion":
        result = {
          name: region,
          region,
          id: region,
          endpoint: `ec2.${region}.amazonaws.com`,
          description: region,
        };
        break;
      case "aws:route53/getZone:getZone": {
        // A public hosted zone for every name asked for, with a zone id derived from the name.
        const zoneName = (str(inputs.name) ?? "").replace(/\.$/, "").toLowerCase();
        const zoneId = str(inputs.zoneId) ?? route53ZoneIdFor(zoneName);
        result = {
          id: zoneId,
          zoneId,
          name: zoneName,
          arn: `arn:${partitionOf(region)}:route53:::hostedzone/${zoneId}`,
          privateZone: inputs.privateZone === true,
          callerReference: `simulator-${zoneName}`,
          comment: "",
          nameServers: [1, 2, 3, 4].map((i) => `ns-${i}.awsdns-simulated.invalid`),
          primaryNameServer: "ns-1.awsdns-simulated.invalid",
          resourceRecordSetCount: 2,
          linkedServiceDescription: "",
          linkedServicePrincipal: "",
          tags: {},
        };
        break;
      }
      case "aws:index/getPartition:getPartition":
        // GovCloud's endpoints are under amazonaws.com too (email-smtp.us-gov-west-1.amazonaws.com).
        result = {
          partition: partitionOf(region),
          dnsSuffix: "amazonaws.com",
          reverseDnsPrefix: "com.amazonaws",
          id: partitionOf(region),
        };
        break;
      default:
        throw new Error(`ProviderSimulator: no simulation for invoke "${args.token}"`);
    }
    this.calls.push({ token: args.token, inputs, provider: args.provider || undefined, result });
    return result;
  }

  private urnOf(parent: string | undefined, type: string, name: string): string {
    let qualified = type;
    if (parent) {
      const parentType = parent.split("::")[2].split("$").pop();
      qualified = `${parentType}$${type}`;
    }
    return `urn:pulumi:${this.stack}::${this.project}::${qualified}::${name}`;
  }

  private arn(service: string, region: string, resource: string): string {
    return `arn:${partitionOf(region)}:${service}:${region}:${this.accountId}:${resource}`;
  }

  private compute(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    region: string,
    urn: string,
  ): Computed {
    const autoName =
      str(inputs.name) ?? (AUTONAMED.has(type) ? `${name}-${hex(urn, 7)}` : undefined);
    const withName = autoName !== undefined ? { name: autoName } : {};
    switch (type) {
      case "pulumi:providers:aws":
      case "pulumi:providers:cloudflare":
      case "pulumi:providers:tls":
        return { id: hex(urn, 36), state: {} };
      case "aws:sesv2/emailIdentity:EmailIdentity": {
        const identity = str(inputs.emailIdentity) ?? "";
        const dkim = (inputs.dkimSigningAttributes ?? {}) as Record<string, unknown>;
        const external = dkim.domainSigningPrivateKey !== undefined;
        const selector = str(dkim.domainSigningSelector);
        return {
          id: identity,
          state: {
            arn: this.arn("ses", region, `identity/${identity}`),
            identityType: identity.includes("@") ? "EMAIL_ADDRESS" : "DOMAIN",
            verifiedForSendingStatus: false,
            dkimSigningAttributes: {
              ...dkim,
              tokens: external ? [selector ?? ""] : dkimTokensFor(identity),
              currentSigningKeyLength: external
                ? ""
                : (str(dkim.nextSigningKeyLength) ?? "RSA_2048_BIT"),
              nextSigningKeyLength: external
                ? ""
                : (str(dkim.nextSigningKeyLength) ?? "RSA_2048_BIT"),
              signingAttributesOrigin: external ? "EXTERNAL" : "AWS_SES",
              status: "PENDING",
              lastKeyGenerationTimestamp: "2026-01-01T00:00:00Z",
            },
          },
        };
      }
      case "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes":
        return {
          id: str(inputs.emailIdentity),
          state: { behaviorOnMxFailure: str(inputs.behaviorOnMxFailure) ?? "USE_DEFAULT_VALUE" },
        };
      case "aws:sesv2/configurationSet:ConfigurationSet": {
        const setName = str(inputs.configurationSetName) ?? name;
        return {
          id: setName,
          state: { arn: this.arn("ses", region, `configuration-set/${setName}`) },
        };
      }
      case "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination":
        return {
          id: `${str(inputs.configurationSetName)}|${str(inputs.eventDestinationName)}`,
          state: {},
        };
      case "aws:sns/topic:Topic": {
        const arn = this.arn("sns", region, autoName!);
        return { id: arn, state: { ...withName, arn, owner: this.accountId } };
      }
      case "aws:sns/topicPolicy:TopicPolicy":
        return { id: str(inputs.arn), state: { owner: this.accountId } };
      case "aws:kms/key:Key": {
        const keyId = [8, 4, 4, 4, 12].map((n, i) => hex(`${urn}|${i}`, n)).join("-");
        return {
          id: keyId,
          state: {
            keyId,
            arn: this.arn("kms", region, `key/${keyId}`),
            keyUsage: "ENCRYPT_DECRYPT",
          },
        };
      }
      case "aws:kms/alias:Alias":
        return {
          id: str(inputs.name),
          state: { arn: this.arn("kms", region, str(inputs.name) ?? "") },
        };
      case "aws:cloudwatch/metricAlarm:MetricAlarm":
        return {
          id: autoName,
          state: { ...withName, arn: this.arn("cloudwatch", region, `alarm:${autoName}`) },
        };
      case "aws:iam/user:User": {
        const path = str(inputs.path) ?? "/";
        return {
          id: autoName,
          state: {
            ...withName,
            path,
            arn: `arn:${partitionOf(region)}:iam::${this.accountId}:user${path}${autoName}`,
            uniqueId: `AIDA${pick(urn, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 17)}`,
          },
        };
      }
      case "aws:iam/userPolicy:UserPolicy":
        return { id: `${str(inputs.user)}:${autoName}`, state: withName };
      case "aws:iam/accessKey:AccessKey": {
        const secret = pick(
          `secret|${urn}`,
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
          40,
        );
        const id = `AKIA${pick(`id|${urn}`, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)}`;
        return {
          id,
          state: {
            secret,
            sesSmtpPasswordV4: sesSmtpPasswordV4(secret, region),
            status: str(inputs.status) ?? "Active",
            createDate: "2026-01-01T00:00:00Z",
          },
        };
      }
      case "aws:secretsmanager/secret:Secret": {
        const arn = this.arn(
          "secretsmanager",
          region,
          `secret:${autoName}-${pick(urn, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 6)}`,
        );
        return { id: arn, state: { ...withName, arn } };
      }
      case "aws:secretsmanager/secretVersion:SecretVersion": {
        const versionId = [8, 4, 4, 4, 12].map((n, i) => hex(`${urn}|v${i}`, n)).join("-");
        return {
          id: `${str(inputs.secretId)}|${versionId}`,
          state: { versionId, arn: str(inputs.secretId), versionStages: ["AWSCURRENT"] },
        };
      }
      case "aws:ec2/securityGroup:SecurityGroup": {
        const id = `sg-${hex(urn, 17)}`;
        return {
          id,
          state: {
            ...withName,
            arn: this.arn("ec2", region, `security-group/${id}`),
            ownerId: this.accountId,
          },
        };
      }
      case "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":
      case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
        const id = `sgr-${hex(urn, 17)}`;
        return {
          id,
          state: {
            securityGroupRuleId: id,
            arn: this.arn("ec2", region, `security-group-rule/${id}`),
          },
        };
      }
      case "aws:ec2/networkAclRule:NetworkAclRule":
        return { id: `nacl-${hex(urn, 8)}`, state: {} };
      // ---- VPC networking (SmtpEndpoint): VPCs, subnets, default groups, ingress rules, endpoints.
      case "aws:ec2/vpc:Vpc": {
        const id = `vpc-${hex(urn, 17)}`;
        const routeTable = `rtb-${hex(`${urn}|route-table`, 17)}`;
        return {
          id,
          state: {
            arn: this.arn("ec2", region, `vpc/${id}`),
            ownerId: this.accountId,
            // The provider's defaults: DNS resolution on, DNS hostnames off.
            enableDnsSupport: inputs.enableDnsSupport ?? true,
            enableDnsHostnames: inputs.enableDnsHostnames ?? false,
            instanceTenancy: str(inputs.instanceTenancy) ?? "default",
            defaultSecurityGroupId: `sg-${hex(`${urn}|default-group`, 17)}`,
            defaultNetworkAclId: `acl-${hex(`${urn}|default-acl`, 17)}`,
            defaultRouteTableId: routeTable,
            mainRouteTableId: routeTable,
          },
        };
      }
      case "aws:ec2/subnet:Subnet": {
        const id = `subnet-${hex(urn, 17)}`;
        return {
          id,
          state: {
            arn: this.arn("ec2", region, `subnet/${id}`),
            ownerId: this.accountId,
            // AWS picks a zone when none is given; the simulator picks the region's first.
            availabilityZone: str(inputs.availabilityZone) ?? `${region}a`,
            mapPublicIpOnLaunch: inputs.mapPublicIpOnLaunch ?? false,
          },
        };
      }
      case "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": {
        // The group AWS made with the VPC, adopted: its id is the VPC's defaultSecurityGroupId.
        const vpc = this.resources.find(
          (r) => r.type === "aws:ec2/vpc:Vpc" && r.id !== undefined && r.id === str(inputs.vpcId),
        );
        const id = str(vpc?.state.defaultSecurityGroupId) ?? `sg-${hex(urn, 17)}`;
        return {
          id,
          state: {
            name: "default",
            arn: this.arn("ec2", region, `security-group/${id}`),
            ownerId: this.accountId,
            // The provider empties the lists the program does not write.
            ingress: inputs.ingress ?? [],
            egress: inputs.egress ?? [],
          },
        };
      }
      case "aws:ec2/vpcEndpoint:VpcEndpoint": {
        const id = `vpce-${hex(urn, 17)}`;
        const serviceName = str(inputs.serviceName) ?? "";
        const code = /^com\.amazonaws\.[a-z0-9-]+\.(.+)$/.exec(serviceName)?.[1] ?? serviceName;
        const type = str(inputs.vpcEndpointType) ?? "Gateway";
        const interfaceType = type === "Interface";
        const subnetIds = (Array.isArray(inputs.subnetIds) ? inputs.subnetIds : [])
          .map(str)
          .filter((s): s is string => s !== undefined);
        const zoneOf = (subnetId: string) =>
          str(
            this.resources.find((r) => r.type === "aws:ec2/subnet:Subnet" && r.id === subnetId)
              ?.state.availabilityZone,
          );
        // Regional and zonal names under vpce.amazonaws.com, then (private DNS on) the service's
        // own name, as describe-vpc-endpoints lists them (AWS PrivateLink Guide, DNS hostnames).
        const label = `${id}-${hex(`${urn}|dns`, 8)}`;
        const vpceZone = `Z${pick(`vpce|${region}`, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 13)}`;
        const dnsEntries = interfaceType
          ? [
              { dnsName: `${label}.${code}.${region}.vpce.amazonaws.com`, hostedZoneId: vpceZone },
              ...subnetIds
                .map(zoneOf)
                .filter((z): z is string => z !== undefined)
                .map((z) => ({
                  dnsName: `${label}-${z}.${code}.${region}.vpce.amazonaws.com`,
                  hostedZoneId: vpceZone,
                })),
              ...(inputs.privateDnsEnabled === true
                ? [
                    {
                      dnsName: `${code}.${region}.amazonaws.com`,
                      hostedZoneId: `Z${pick(`${urn}|private`, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 20)}`,
                    },
                  ]
                : []),
            ]
          : [];
        return {
          id,
          state: {
            arn: this.arn("ec2", region, `vpc-endpoint/${id}`),
            ownerId: this.accountId,
            state: "available",
            vpcEndpointType: type,
            privateDnsEnabled: inputs.privateDnsEnabled ?? false,
            requesterManaged: false,
            ipAddressType: interfaceType ? "ipv4" : "",
            dnsEntries,
            networkInterfaceIds: interfaceType
              ? subnetIds.map((s) => `eni-${hex(`${urn}|${s}`, 17)}`)
              : [],
            // A gateway endpoint's AWS-managed prefix list, one per service and region.
            ...(type === "Gateway" ? { prefixListId: `pl-${hex(`${region}|${code}`, 8)}` } : {}),
          },
        };
      }
      case "cloudflare:index/dnsRecord:DnsRecord":
        return {
          id: hex(urn, 32),
          state: {
            proxied: inputs.proxied ?? false,
            proxiable: ["A", "AAAA", "CNAME"].includes(str(inputs.type) ?? ""),
            createdOn: "2026-01-01T00:00:00Z",
            modifiedOn: "2026-01-01T00:00:00Z",
          },
        };
      case "aws:route53/record:Record": {
        // The provider's id of a record set: `<zone id>_<name>_<type>` (and `_<set id>` if any).
        const recordName = (str(inputs.name) ?? "").replace(/\.$/, "").toLowerCase();
        const setId = str(inputs.setIdentifier);
        return {
          id: [
            str(inputs.zoneId) ?? "",
            recordName,
            str(inputs.type) ?? "",
            ...(setId ? [setId] : []),
          ].join("_"),
          state: { fqdn: recordName, allowOverwrite: inputs.allowOverwrite ?? false },
        };
      }
      case "tls:index/privateKey:PrivateKey":
        return { id: hex(urn, 40), state: simulatePrivateKey(inputs, urn) };
      default:
        return { state: withName };
    }
  }
}
