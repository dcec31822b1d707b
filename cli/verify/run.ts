/**
 * `runVerify`: the checks of `mailguard verify` in order (DNS, SES, SMTP submission, port 25
 * egress), each explaining the next, and the mailbox-provider table from what they saw.
 */
import { checkDomainName, isSameOrSubdomain } from "../../policies/core/domain";
import { organizationalDomain } from "../../policies/core/dmarc";
import {
  resolveSesRegion,
  SES_REGIONS,
  SES_SMTP_PORTS,
  smtpHostOf,
} from "../../policies/core/ses-regions";
import { dnsChecks, type DnsSeen } from "./checks-dns";
import { skippedSmtpChecks, type SmtpCredentialsUsed, smtpChecks } from "./checks-smtp";
import { LiveDns, parseResolverAddress } from "./dns";
import {
  expectationsFor,
  readStackOutputs,
  type SmtpBundleFacts,
  type StackFacts,
  UsageError,
} from "./expectations";
import { parseHostPort, port25Check, PORT_25_TIMEOUT_MS } from "./port25";
import { type MailObservations, mailboxProviderTable } from "./providers";
import { type Check, summarize, type VerifyReport } from "./report";
import {
  readBundleFromSecret,
  readSesState,
  type SesState,
  sesChecks,
  sesIdentityFacts,
  skippedSesChecks,
} from "./ses";

export interface VerifyOptions {
  /** The sending domain: the SES identity. */
  domain: string;
  /** The SES region of the identity. */
  region: string;
  /** The parsed output of `pulumi stack output --json --show-secrets`. Default: none. */
  stackOutputs?: unknown;
  /** `HOST[:PORT]` of the DNS resolver to ask (an IP address). Default: the system's resolvers. */
  resolver?: string;
  /** SMTP host. Default: the bundle's, else the SES SMTP endpoint of the region. */
  smtpHost?: string;
  /** STARTTLS submission port. Default: the bundle's, else 587. */
  smtpPort?: number;
  /**
   * Implicit TLS port. Default: the bundle's, else 465; not checked when `smtpPort` is given
   * without it (a port moved by hand says nothing about where implicit TLS is).
   */
  smtpTlsPort?: number;
  /** PEM of the CA to trust for SMTP instead of the public roots. */
  ca?: string;
  /** Ask SES and CloudWatch (needs AWS credentials). Default true. */
  aws?: boolean;
  /** Run the SMTP submission checks. Default true. */
  smtp?: boolean;
  /**
   * Send one test message after authenticating: `true` for SES's mailbox simulator
   * (`success@simulator.amazonses.com`, SES hosts only), or the recipient address.
   */
  sendTest?: boolean | string;
  /** From address of the test message. Default `mailguard-verify@<domain>`. */
  from?: string;
  /** `HOST[:PORT]` that listens on 25 to probe. Default: the region's SES feedback host, port 25. */
  probePort25?: string;
  /** Where MAILGUARD_SMTP_USERNAME / MAILGUARD_SMTP_PASSWORD are read. Default process.env. */
  env?: Record<string, string | undefined>;
  /** Deadlines in milliseconds (tests shorten them). */
  timeouts?: { dnsMs?: number; smtpMs?: number; port25Ms?: number };
}

/** SES's mailbox simulator address that accepts and delivers (SES Developer Guide, "Using the mailbox simulator"). */
export const SES_SIMULATOR_SUCCESS = "success@simulator.amazonses.com";
/** The EHLO name verify introduces itself with. */
export const EHLO_NAME = "verify.mailguard.invalid";

/** Whether a host is one of SES's SMTP endpoints (standard or FIPS) in the region table. */
function isSesSmtpHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  return SES_REGIONS.some((r) => r.smtpHost === h || r.fipsSmtpHost === h);
}

function usableBundle(
  b: SmtpBundleFacts | undefined,
): b is SmtpBundleFacts & { username: string; password: string } {
  return b?.username !== undefined && b.password !== undefined;
}

async function credentialsFor(
  options: VerifyOptions,
  stack: StackFacts | undefined,
  notes: string[],
): Promise<SmtpCredentialsUsed | undefined> {
  const env = options.env ?? process.env;
  const user = env.MAILGUARD_SMTP_USERNAME;
  const password = env.MAILGUARD_SMTP_PASSWORD;
  if (user !== undefined && user !== "" && password !== undefined && password !== "") {
    return {
      username: user,
      password,
      source: "MAILGUARD_SMTP_USERNAME and MAILGUARD_SMTP_PASSWORD",
    };
  }
  if (usableBundle(stack?.bundle)) {
    return {
      username: stack.bundle.username,
      password: stack.bundle.password,
      source: "the stack outputs",
      region: stack.bundle.region,
    };
  }
  if (stack?.secretArn !== undefined && options.aws !== false) {
    const secret = await readBundleFromSecret(stack.secretArn, options.region);
    if (secret.ok && usableBundle(secret.value)) {
      return {
        username: secret.value.username,
        password: secret.value.password,
        source: `Secrets Manager (${stack.secretArn})`,
        region: secret.value.region,
      };
    }
    notes.push(
      `The SMTP bundle could not be read from ${stack.secretArn}: ${secret.ok ? "it holds no username and password" : `${secret.code}: ${secret.message}`}.`,
    );
  }
  if (stack?.hiddenSecrets.some((k) => k === "smtp" || k === "smtp.password") === true) {
    notes.push(
      "The stack outputs hide the SMTP password ([secret]): save them with pulumi stack output --json --show-secrets.",
    );
  }
  return undefined;
}

function aligned(mode: "r" | "s", a: string, b: string): boolean {
  return mode === "s" ? a === b : organizationalDomain(a) === organizationalDomain(b);
}

/** What the provider table judges, from sections 1 to 3. */
export function observationsOf(
  domain: string,
  mailFromDomain: string,
  seen: DnsSeen,
  ses: SesState | undefined,
): MailObservations {
  const identity = ses?.identity.ok === true ? ses.identity.value : undefined;
  const mailFromVerified =
    identity === undefined ? true : identity.MailFromAttributes?.MailFromDomainStatus === "SUCCESS";
  const dkimVerified =
    identity === undefined ? true : identity.DkimAttributes?.Status === "SUCCESS";
  const set = ses?.configurationSet?.ok === true ? ses.configurationSet.value : undefined;
  return {
    spfPass: seen.mailFromSpf,
    spfAligned:
      seen.mailFromMx &&
      seen.mailFromSpf &&
      mailFromVerified &&
      aligned(seen.dmarc.aspf, mailFromDomain, domain),
    dkimPass: seen.dkimPass === undefined ? undefined : seen.dkimPass && dkimVerified,
    dkimKeyBits: seen.dkimKeyBits,
    dmarc: { valid: seen.dmarc.valid, policy: seen.dmarc.policy, rua: seen.dmarc.rua },
    tlsRequired: set === undefined ? undefined : set.DeliveryOptions?.TlsPolicy === "REQUIRE",
  };
}

/**
 * The recipient of the test message: the address given, or SES's mailbox simulator on an SES
 * endpoint; undefined when no message is asked for. A UsageError when the host is not SES's and no
 * address was given (the simulator only exists behind SES).
 */
export function testRecipient(
  sendTest: boolean | string | undefined,
  host: string,
): string | undefined {
  if (sendTest === undefined || sendTest === false) return undefined;
  if (typeof sendTest === "string") return sendTest;
  if (!isSesSmtpHost(host)) {
    throw new UsageError(
      `--send-test needs an ADDRESS when the SMTP host (${host}) is not an SES endpoint`,
    );
  }
  return SES_SIMULATOR_SUCCESS;
}

function checkOptions(options: VerifyOptions): { domain: string; stack?: StackFacts } {
  const name = checkDomainName(options.domain);
  if (name.name === undefined) {
    throw new UsageError(
      `--domain ${options.domain}: ${name.findings[0]?.message ?? "not a domain name"}`,
    );
  }
  const domain = name.name;
  if (options.resolver !== undefined && parseResolverAddress(options.resolver) === undefined) {
    throw new UsageError(
      `--resolver ${options.resolver}: give an IP address, with :PORT if not 53 (IPv6 in brackets: [::1]:53)`,
    );
  }
  if (options.probePort25 !== undefined && parseHostPort(options.probePort25) === undefined) {
    throw new UsageError(`--probe-port-25 ${options.probePort25}: give HOST or HOST:PORT`);
  }
  let stack: StackFacts | undefined;
  if (options.stackOutputs !== undefined) {
    try {
      stack = readStackOutputs(options.stackOutputs);
    } catch (e) {
      throw new UsageError(`--stack-outputs: ${(e as Error).message}`);
    }
    if (stack.identityDomain !== undefined && stack.identityDomain !== domain) {
      throw new UsageError(
        `--stack-outputs are for ${stack.identityDomain} (sesIdentityArn), not --domain ${domain}`,
      );
    }
    if (stack.region !== undefined && stack.region !== options.region) {
      throw new UsageError(
        `--stack-outputs put SES in ${stack.region}, not --region ${options.region}`,
      );
    }
    const foreign = stack.records.filter(
      (r) => !isSameOrSubdomain(r.name, domain) && !/\._report\._dmarc\./.test(r.name),
    );
    if (foreign.length > 0 && foreign.length === stack.records.length) {
      throw new UsageError(
        `--stack-outputs publish records for ${foreign[0].name}, not under --domain ${domain}`,
      );
    }
  }
  return { domain, stack };
}

/** Runs every check; throws UsageError when the options cannot be verified as given. */
export async function runVerify(options: VerifyOptions): Promise<VerifyReport> {
  const started = Date.now();
  const { domain, stack } = checkOptions(options);
  const region = options.region;
  // Validates the region (UsageError naming the nearest SES regions) before anything is asked.
  expectationsFor(domain, region, stack);
  const facts = resolveSesRegion(region).facts!;
  const notes: string[] = [];
  const aws = options.aws !== false;

  const host = options.smtpHost ?? stack?.bundle?.host ?? smtpHostOf(facts).host;
  if (host === undefined)
    throw new UsageError(`SES has no SMTP endpoint in ${region}; give --smtp-host`);
  const sendTo = testRecipient(options.sendTest, host);

  const dns = new LiveDns({ server: options.resolver, timeoutMs: options.timeouts?.dnsMs });
  const ses = aws ? await readSesState(domain, region, stack?.configurationSet) : undefined;
  const e = expectationsFor(
    domain,
    region,
    stack,
    ses === undefined ? undefined : sesIdentityFacts(ses),
  );
  if (e.dkim.kind !== "unknown") notes.push(`DKIM selectors from ${e.dkim.source}.`);

  const checks: Check[] = [];
  const dnsResult = await dnsChecks(dns, e);
  checks.push(...dnsResult.checks);
  checks.push(
    ...(ses !== undefined
      ? sesChecks(ses, e)
      : skippedSesChecks(
          "--no-aws: SES was not asked.",
          "Drop --no-aws (AWS credentials needed) to check SES.",
          `${domain} in ${region}`,
        )),
  );

  if (options.smtp !== false) {
    const credentials = await credentialsFor(options, stack, notes);
    const bundle = stack?.bundle;
    const port =
      options.smtpPort ??
      (options.smtpHost === undefined ? bundle?.port : undefined) ??
      SES_SMTP_PORTS.startTls;
    let tlsPort = options.smtpTlsPort;
    let tlsPortSkip: string | undefined;
    if (tlsPort === undefined) {
      if (options.smtpPort !== undefined) {
        tlsPortSkip =
          "--smtp-port moved the STARTTLS port and no --smtp-tls-port says where implicit TLS is.";
      } else {
        tlsPort =
          (options.smtpHost === undefined ? bundle?.implicitTlsPort : undefined) ??
          SES_SMTP_PORTS.implicitTls;
      }
    }
    checks.push(
      ...(await smtpChecks({
        host,
        port,
        tlsPort,
        tlsPortSkip,
        ca: options.ca,
        credentials,
        region,
        ehloName: EHLO_NAME,
        timeoutMs: options.timeouts?.smtpMs,
        sendTest:
          sendTo === undefined
            ? undefined
            : { from: options.from ?? `mailguard-verify@${domain}`, to: sendTo, domain },
      })),
    );
  } else {
    checks.push(
      ...skippedSmtpChecks(
        "--no-smtp: SMTP submission was not tried.",
        "Drop --no-smtp to check it.",
        host,
      ),
    );
  }

  const probe = parseHostPort(options.probePort25 ?? `${facts.feedbackHost}:25`)!;
  checks.push(
    await port25Check(probe.host, probe.port, options.timeouts?.port25Ms ?? PORT_25_TIMEOUT_MS),
  );

  const summary = summarize(checks);
  return {
    domain,
    region,
    resolver: dns.server,
    expectations: e.source,
    checks,
    providers: mailboxProviderTable(observationsOf(domain, e.mailFromDomain, dnsResult.seen, ses)),
    summary,
    ok: summary.fail === 0,
    notes,
    durationMs: Date.now() - started,
  };
}
