/**
 * What verify expects to find. From the stack's outputs when given (`pulumi stack output --json
 * --show-secrets`), read by shape rather than by name, since a user's own program may name its
 * outputs differently; from SES itself when verify may ask it; otherwise from the domain and the
 * region alone (policies/core/ses-regions.ts).
 */
import { isSameOrSubdomain } from "../../policies/core/domain";
import { joinTxt } from "../../policies/core/txt";
import { REGION_PATTERN, resolveSesRegion } from "../../policies/core/ses-regions";
import { bareName } from "../../policies/core/domain";

/** `pulumi stack output --json` without `--show-secrets` prints secrets as this. */
export const HIDDEN_SECRET = "[secret]";

/** A DNS record as the stack says it published it. */
export interface StackRecord {
  name: string;
  type: string;
  /** As published; TXT values may be quoted strings (Cloudflare's form). */
  content: string;
  priority?: number;
  proxied?: boolean;
}

/** The SMTP settings an application was handed (mailguard's SmtpBundle, read by shape). */
export interface SmtpBundleFacts {
  host?: string;
  port?: number;
  implicitTlsPort?: number;
  username?: string;
  password?: string;
  region?: string;
}

export interface StackFacts {
  bundle?: SmtpBundleFacts;
  /** Secrets Manager secret holding the bundle as JSON. */
  secretArn?: string;
  records: StackRecord[];
  /** `<domain>._report._dmarc.<destination>` records outside destinations must publish. */
  reportAuthorizations: { name: string; content: string }[];
  region?: string;
  identityArn?: string;
  /** The identity's domain, from its ARN. */
  identityDomain?: string;
  configurationSet?: string;
  /** Outputs that were printed as "[secret]" (no --show-secrets). */
  hiddenSecrets: string[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" && value !== HIDDEN_SECRET ? value : undefined;
}

function looksLikeBundle(value: unknown): value is Json {
  return (
    isObject(value) &&
    typeof value.host === "string" &&
    num(value.port) !== undefined &&
    "username" in value
  );
}

function looksLikeRecord(value: unknown): value is Json {
  return (
    isObject(value) &&
    typeof value.name === "string" &&
    typeof value.type === "string" &&
    typeof value.content === "string"
  );
}

const IDENTITY_ARN = /^arn:aws[a-z-]*:ses:([a-z0-9-]+):\d{12}:identity\/(.+)$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:/;

/** The bundle's fields, by shape (also used for the JSON held in Secrets Manager). */
export function bundleFacts(value: Json): SmtpBundleFacts {
  return {
    host: str(value.host),
    port: num(value.port),
    implicitTlsPort: num(value.implicitTlsPort),
    username: str(value.username),
    password: str(value.password),
    region: str(value.region),
  };
}

/**
 * Reads the stack outputs by shape: the SMTP bundle (an object with host, port and username), the
 * records (an array of name/type/content), report authorizations, the identity ARN, the region,
 * the configuration set and the secret's ARN. Names mailguard's example program uses are preferred
 * when several outputs fit.
 */
export function readStackOutputs(outputs: unknown): StackFacts {
  if (!isObject(outputs)) {
    throw new Error(
      "the stack outputs are not a JSON object (pulumi stack output --json prints one)",
    );
  }
  const entries = Object.entries(outputs);
  const prefer = <T>(key: string, fits: (v: unknown) => v is T): T | undefined => {
    const v = outputs[key];
    if (fits(v)) return v;
    return entries.map(([, value]) => value).find(fits);
  };
  const facts: StackFacts = { records: [], reportAuthorizations: [], hiddenSecrets: [] };
  for (const [key, value] of entries) {
    if (value === HIDDEN_SECRET) facts.hiddenSecrets.push(key);
  }

  const bundle = prefer("smtp", looksLikeBundle);
  if (bundle !== undefined) {
    facts.bundle = bundleFacts(bundle);
    if (bundle.password === HIDDEN_SECRET) facts.hiddenSecrets.push("smtp.password");
  }

  const isRecordList = (v: unknown): v is Json[] =>
    Array.isArray(v) && v.length > 0 && v.every(looksLikeRecord) && !v.every(isAuthorization);
  const isAuthorization = (v: unknown): boolean =>
    isObject(v) &&
    typeof v.name === "string" &&
    typeof v.content === "string" &&
    /\._report\._dmarc\./i.test(v.name);
  const records = prefer("dnsRecords", isRecordList);
  facts.records = (records ?? []).map((r) => ({
    name: bareName(String(r.name)),
    type: String(r.type).toUpperCase(),
    content: String(r.content),
    priority: num(r.priority),
    proxied: typeof r.proxied === "boolean" ? r.proxied : undefined,
  }));

  const isAuthList = (v: unknown): v is Json[] =>
    Array.isArray(v) && v.length > 0 && v.every(isAuthorization);
  facts.reportAuthorizations = (prefer("dmarcReportAuthorizations", isAuthList) ?? []).map((a) => ({
    name: bareName(String(a.name)),
    content: String(a.content),
  }));

  const isIdentityArn = (v: unknown): v is string => typeof v === "string" && IDENTITY_ARN.test(v);
  const arn = prefer("sesIdentityArn", isIdentityArn);
  if (arn !== undefined) {
    const m = IDENTITY_ARN.exec(arn)!;
    facts.identityArn = arn;
    facts.identityDomain = bareName(m[2]);
    facts.region = m[1];
  }
  const isRegion = (v: unknown): v is string => typeof v === "string" && REGION_PATTERN.test(v);
  const region = isRegion(outputs.sesRegion) ? outputs.sesRegion : undefined;
  facts.region = region ?? facts.region ?? facts.bundle?.region;

  const configSet =
    str(outputs.sesConfigurationSet) ??
    entries
      .filter(([k, v]) => /configurationset/i.test(k) && typeof v === "string")
      .map(([, v]) => str(v))
      .find((v) => v !== undefined);
  facts.configurationSet = configSet;

  const isSecretArn = (v: unknown): v is string => typeof v === "string" && SECRET_ARN.test(v);
  facts.secretArn = prefer("smtpSecretArn", isSecretArn);
  return facts;
}

export type DkimExpectation =
  | { kind: "easy"; tokens: string[]; source: string }
  | { kind: "byodkim"; selector: string; content?: string; source: string }
  | { kind: "unknown" };

/** What SES says about the identity, as far as the expectations need it. */
export interface SesIdentityFacts {
  tokens?: string[];
  /** BYODKIM (SigningAttributesOrigin EXTERNAL): Tokens holds the selector. */
  external?: boolean;
  signingHostedZone?: string;
  mailFromDomain?: string;
  configurationSetName?: string;
}

export interface Expectations {
  source: "stack outputs" | "domain and region";
  domain: string;
  region: string;
  /** The DKIM domain Easy DKIM CNAMEs must target; undefined for a region newer than the table. */
  dkimDomain?: string;
  /** The table's DKIM domain, for reporting a disagreement with SES. */
  tableDkimDomain?: string;
  dkim: DkimExpectation;
  mailFromDomain: string;
  /** Where mailFromDomain came from. */
  mailFromSource: string;
  feedbackHost: string;
  /** What the stack published (empty without stack outputs). */
  records: StackRecord[];
  reportAuthorizations: { name: string; content: string }[];
  configurationSet?: string;
}

/** A TXT value that is a DKIM key record: `v=DKIM1` first, or a `p=` tag. */
export function isDkimKeyText(text: string): boolean {
  return /^[ \t]*v[ \t]*=[ \t]*DKIM1/.test(text) || /(^|;)[ \t]*p[ \t]*=/.test(text);
}

const EASY_DKIM_NAME = /^([a-z0-9]{32})\._domainkey\.(.+)$/;

/** Easy DKIM tokens or the BYODKIM selector, from the records the stack published. */
export function dkimFromRecords(domain: string, records: readonly StackRecord[]): DkimExpectation {
  const tokens = records
    .filter((r) => r.type === "CNAME")
    .map((r) => EASY_DKIM_NAME.exec(r.name))
    .filter((m): m is RegExpExecArray => m !== null && m[2] === domain)
    .map((m) => m[1]);
  if (tokens.length > 0) return { kind: "easy", tokens, source: "the stack's DKIM CNAMEs" };
  const key = records.find(
    (r) =>
      r.type === "TXT" &&
      r.name.endsWith(`._domainkey.${domain}`) &&
      isDkimKeyText(joinTxt(r.content)),
  );
  if (key !== undefined) {
    return {
      kind: "byodkim",
      selector: key.name.slice(0, -`._domainkey.${domain}`.length),
      content: joinTxt(key.content),
      source: "the stack's DKIM key record",
    };
  }
  return { kind: "unknown" };
}

/** Thrown when what the user gave cannot be verified as asked (exit status 2). */
export class UsageError extends Error {}

/**
 * The expected values for `domain` in `region`: SES's own word first (tokens, DKIM domain, MAIL
 * FROM domain), then the stack's outputs, then mailguard's defaults for the domain and region.
 */
export function expectationsFor(
  domain: string,
  region: string,
  stack?: StackFacts,
  ses?: SesIdentityFacts,
): Expectations {
  const resolved = resolveSesRegion(region);
  if (resolved.facts === undefined) {
    const f = resolved.findings[0];
    throw new UsageError(`--region ${region}: ${f.message} ${f.fix}`);
  }
  const facts = resolved.facts;
  const records = stack?.records ?? [];

  let dkim: DkimExpectation = dkimFromRecords(domain, records);
  if (ses?.tokens !== undefined && ses.tokens.length > 0) {
    dkim = ses.external
      ? {
          kind: "byodkim",
          selector: ses.tokens[0],
          content: dkim.kind === "byodkim" ? dkim.content : undefined,
          source: "SES (GetEmailIdentity)",
        }
      : { kind: "easy", tokens: [...ses.tokens], source: "SES (GetEmailIdentity)" };
  }

  const stackMx = records.find(
    (r) => r.type === "MX" && r.name !== domain && isSameOrSubdomain(r.name, domain),
  );
  let mailFromDomain = `mail.${domain}`;
  let mailFromSource = "mailguard's default, mail.<domain>";
  if (ses?.mailFromDomain !== undefined && ses.mailFromDomain !== "") {
    mailFromDomain = bareName(ses.mailFromDomain);
    mailFromSource = "SES (MailFromAttributes)";
  } else if (stackMx !== undefined) {
    mailFromDomain = stackMx.name;
    mailFromSource = "the stack's MAIL FROM MX record";
  }

  return {
    source: stack !== undefined ? "stack outputs" : "domain and region",
    domain,
    region,
    dkimDomain:
      ses?.signingHostedZone !== undefined ? bareName(ses.signingHostedZone) : facts.dkimDomain,
    tableDkimDomain: facts.dkimDomain,
    dkim,
    mailFromDomain,
    mailFromSource,
    feedbackHost: facts.feedbackHost,
    records,
    reportAuthorizations: stack?.reportAuthorizations ?? [],
    configurationSet: ses?.configurationSetName ?? stack?.configurationSet,
  };
}
