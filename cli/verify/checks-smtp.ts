/**
 * Section 3 of `mailguard verify`: SMTP submission as an application does it. On the STARTTLS
 * port (587): the server must offer STARTTLS and must not offer AUTH before it, its certificate
 * must be valid for the host, and the credentials must be accepted (235). The same on the implicit
 * TLS port (465). With `--send-test`, one message and its acceptance. Credentials are sent only
 * over TLS with a trusted certificate for the host.
 */
import { randomBytes } from "crypto";
import { type Check, type CheckStatus, check } from "./report";
import { type CertificateInfo, replyText, SmtpSession } from "./smtp-client";

export interface SmtpCredentialsUsed {
  username: string;
  password: string;
  /** Where they came from, for the report (never the values). */
  source: string;
  /** The region the bundle says the password was derived for. */
  region?: string;
}

export interface SmtpTarget {
  host: string;
  /** The STARTTLS submission port. */
  port: number;
  /** The implicit TLS port; undefined when it is not checked (see tlsPortSkip). */
  tlsPort?: number;
  tlsPortSkip?: string;
  /** PEM of a private CA to trust instead of the public roots. */
  ca?: string;
  credentials?: SmtpCredentialsUsed;
  /** The SES region the host belongs to. */
  region: string;
  sendTest?: { from: string; to: string; domain: string };
  ehloName: string;
  timeoutMs?: number;
}

/** Check ids of section 3, in report order. */
export const SMTP_CHECK_IDS = [
  "smtp-starttls",
  "smtp-starttls-certificate",
  "smtp-starttls-auth",
  "smtp-implicit-tls",
  "smtp-implicit-tls-auth",
  "smtp-send-test",
] as const;
type SmtpCheckId = (typeof SMTP_CHECK_IDS)[number];

const EXPECTED: Record<SmtpCheckId, string> = {
  "smtp-starttls": "220 greeting; EHLO offers STARTTLS and no AUTH before it",
  "smtp-starttls-certificate": "a certificate valid now, for the host, from a trusted CA",
  "smtp-starttls-auth": "AUTH offered after STARTTLS; 235 for the credentials",
  "smtp-implicit-tls":
    "TLS from the first byte with a certificate valid for the host, then a 220 greeting",
  "smtp-implicit-tls-auth": "235 for the credentials",
  "smtp-send-test": "250 after DATA: the message is accepted",
};

const NO_CREDENTIALS_FIX =
  "Give --stack-outputs with the output of pulumi stack output --json --show-secrets, or set MAILGUARD_SMTP_USERNAME and MAILGUARD_SMTP_PASSWORD.";

/** Every section 3 check skipped, saying why. */
export function skippedSmtpChecks(why: string, fix: string, subject: string): Check[] {
  return SMTP_CHECK_IDS.map((id) => check("smtp", id, subject, "skip", why, EXPECTED[id], fix));
}

function certificateText(c: CertificateInfo): string {
  return `${c.protocol} ${c.cipher}; ${c.subject || "no subject"} issued by ${c.issuer || "?"}, valid ${c.validFrom} to ${c.validTo}; names ${c.altNames || "none"}`;
}

/** Why a certificate is not acceptable, or undefined when it is. */
function certificateProblem(
  c: CertificateInfo,
  host: string,
  caGiven: boolean,
): { observed: string; fix: string } | undefined {
  if (c.trusted && c.hostMatches) return undefined;
  if (c.trustError === "CERT_HAS_EXPIRED") {
    return {
      observed: `The certificate expired on ${c.validTo}.`,
      fix: "Renew the server's certificate.",
    };
  }
  if (c.trustError === "CERT_NOT_YET_VALID") {
    return {
      observed: `The certificate is not valid before ${c.validFrom}.`,
      fix: "Check the server's certificate dates and this machine's clock.",
    };
  }
  if (!c.hostMatches) {
    return {
      observed: `The certificate is for ${c.altNames || c.subject}, not ${host} (${c.hostError ?? "name mismatch"}).`,
      fix: `Connect with the name on the certificate, or give the server a certificate for ${host}.`,
    };
  }
  if (!c.trusted) {
    return {
      observed: `The certificate is not from a trusted CA (${c.trustError ?? "not trusted"}; issuer ${c.issuer || "?"}).`,
      fix: caGiven
        ? "The CA given with --ca did not sign this certificate: give the CA that did."
        : "Give the private CA with --ca FILE, or use a certificate from a public CA.",
    };
  }
  return { observed: "The certificate is not valid.", fix: "Check the server's certificate." };
}

function authFailureFix(t: SmtpTarget, code: number): string {
  if (code !== 535) return "Check the credentials and the server's AUTH settings.";
  const creds = t.credentials;
  if (creds?.region !== undefined && creds.region !== t.region) {
    return `The password was derived for ${creds.region}, but the host is in ${t.region}; SES SMTP passwords are derived per region (SMTP password v4). Use the bundle made for ${t.region}.`;
  }
  return `Likely cause: the password was derived for another region than ${t.region} (SES SMTP passwords are region-specific), or the access key behind the username was deleted or rotated. Use the bundle of this region's stack (its smtp output or Secrets Manager secret).`;
}

/** Runs checks in order; an exception fails the check in progress and skips the rest. */
class Steps {
  readonly checks: Check[] = [];
  private current?: SmtpCheckId;

  constructor(
    private readonly subjects: Partial<Record<SmtpCheckId, string>>,
    private readonly ids: readonly SmtpCheckId[],
  ) {}

  start(id: SmtpCheckId): void {
    this.current = id;
  }

  record(id: SmtpCheckId, status: CheckStatus, observed: string, fix = ""): void {
    this.checks.push(
      check("smtp", id, this.subjects[id] ?? "", status, observed, EXPECTED[id], fix),
    );
    if (this.current === id) this.current = undefined;
  }

  /** Skips every id not yet recorded. */
  skipRest(why: string, fix = ""): void {
    for (const id of this.ids) {
      if (!this.checks.some((c) => c.id === id)) this.record(id, "skip", why, fix);
    }
  }

  fail(e: unknown, fix: string): void {
    const message = (e as Error).message ?? String(e);
    const code = (e as { code?: string }).code;
    const id = this.current ?? this.ids.find((i) => !this.checks.some((c) => c.id === i));
    if (id !== undefined)
      this.record(
        id,
        "fail",
        `${message}${code !== undefined && !message.includes(code) ? ` (${code})` : ""}.`,
        fix,
      );
  }
}

async function startTlsChecks(t: SmtpTarget): Promise<Check[]> {
  const where = `${t.host}:${t.port}`;
  const ids: SmtpCheckId[] = [
    "smtp-starttls",
    "smtp-starttls-certificate",
    "smtp-starttls-auth",
    "smtp-send-test",
  ];
  const steps = new Steps(
    {
      "smtp-starttls": where,
      "smtp-starttls-certificate": where,
      "smtp-starttls-auth": where,
      "smtp-send-test": where,
    },
    ids,
  );
  let session: SmtpSession | undefined;
  try {
    steps.start("smtp-starttls");
    ({ session } = await SmtpSession.connect({
      host: t.host,
      port: t.port,
      implicitTls: false,
      ca: t.ca,
      timeoutMs: t.timeoutMs,
    }));
    const before = await session.ehlo(t.ehloName);
    const authBefore = before.capabilities.get("AUTH");
    const offered = [...before.capabilities.keys()].join(" ");
    if (!before.capabilities.has("STARTTLS")) {
      steps.record(
        "smtp-starttls",
        "fail",
        `${replyText(session.greeting)}; EHLO offers no STARTTLS (offers ${offered || "nothing"})${authBefore !== undefined ? `, and AUTH ${authBefore.join(" ")} in clear text` : ""}.`,
        "Submit through a server that requires STARTTLS before AUTH, such as SES's endpoint on 587.",
      );
      steps.skipRest(
        "Not attempted: without TLS the credentials would travel in clear text.",
        "Fix smtp-starttls first.",
      );
      return steps.checks;
    }
    if (authBefore !== undefined) {
      steps.record(
        "smtp-starttls",
        "fail",
        `${replyText(session.greeting)}; EHLO offers AUTH ${authBefore.join(" ")} before STARTTLS: a client that does not insist on TLS sends its password in clear text.`,
        "Offer AUTH only after STARTTLS (Postfix: smtpd_tls_auth_only = yes), as SES does.",
      );
    } else {
      steps.record(
        "smtp-starttls",
        "pass",
        `${replyText(session.greeting)}; EHLO offers STARTTLS and no AUTH before it.`,
      );
    }

    steps.start("smtp-starttls-certificate");
    const certificate = await session.startTls();
    const problem = certificateProblem(certificate, t.host, t.ca !== undefined);
    if (problem !== undefined) {
      steps.record(
        "smtp-starttls-certificate",
        "fail",
        `${problem.observed} ${certificateText(certificate)}.`,
        problem.fix,
      );
      steps.skipRest(
        "Not attempted: credentials are not sent over TLS whose certificate is not valid for the host.",
        "Fix smtp-starttls-certificate first.",
      );
      return steps.checks;
    }
    steps.record("smtp-starttls-certificate", "pass", `${certificateText(certificate)}.`);

    steps.start("smtp-starttls-auth");
    const after = await session.ehlo(t.ehloName);
    const mechanisms = after.capabilities.get("AUTH") ?? [];
    if (t.credentials === undefined) {
      steps.record(
        "smtp-starttls-auth",
        "skip",
        `No SMTP credentials to try (the server offers AUTH ${mechanisms.join(" ") || "nothing"}).`,
        NO_CREDENTIALS_FIX,
      );
      steps.skipRest("Not attempted: no SMTP credentials.", NO_CREDENTIALS_FIX);
      return steps.checks;
    }
    if (mechanisms.length === 0) {
      steps.record(
        "smtp-starttls-auth",
        "fail",
        "EHLO after STARTTLS offers no AUTH.",
        "Enable SMTP AUTH on the server (SES offers AUTH PLAIN LOGIN).",
      );
      steps.skipRest("Not attempted: not authenticated.");
      return steps.checks;
    }
    const reply = await session.authenticate(
      t.credentials.username,
      t.credentials.password,
      mechanisms,
    );
    if (reply.code !== 235) {
      steps.record(
        "smtp-starttls-auth",
        "fail",
        `${replyText(reply)} for ${t.credentials.username} (credentials from ${t.credentials.source}).`,
        authFailureFix(t, reply.code),
      );
      steps.skipRest("Not attempted: not authenticated.");
      return steps.checks;
    }
    steps.record(
      "smtp-starttls-auth",
      "pass",
      `${replyText(reply)} for ${t.credentials.username} (credentials from ${t.credentials.source}); AUTH ${mechanisms.join(" ")} offered.`,
    );

    if (t.sendTest === undefined) {
      steps.record(
        "smtp-send-test",
        "skip",
        "No test message was asked for.",
        "Add --send-test [ADDRESS] to send one.",
      );
      return steps.checks;
    }
    steps.start("smtp-send-test");
    const { from, to, domain } = t.sendTest;
    const message = [
      `From: <${from}>`,
      `To: <${to}>`,
      "Subject: mailguard verify test message",
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <${randomBytes(12).toString("hex")}@${domain}>`,
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "mailguard verify sent this message to check SMTP submission.",
      "",
    ].join("\r\n");
    const sent = await session.send(from, to, message);
    steps.record(
      "smtp-send-test",
      sent.code === 250 ? "pass" : "fail",
      `From ${from} to ${to}: ${replyText(sent)}.`,
      sent.code === 250
        ? ""
        : "In the SES sandbox only verified recipients (and the mailbox simulator) accept mail; the From address must be allowed for the SMTP user (ses:FromAddress).",
    );
    return steps.checks;
  } catch (e) {
    steps.fail(e, `Check that ${where} is reachable from here and answers SMTP.`);
    steps.skipRest("Not attempted after the failure above.");
    return steps.checks;
  } finally {
    await session?.quit();
  }
}

async function implicitTlsChecks(t: SmtpTarget): Promise<Check[]> {
  const ids: SmtpCheckId[] = ["smtp-implicit-tls", "smtp-implicit-tls-auth"];
  if (t.tlsPort === undefined) {
    const steps = new Steps({ "smtp-implicit-tls": t.host, "smtp-implicit-tls-auth": t.host }, ids);
    steps.skipRest(
      t.tlsPortSkip ?? "No implicit TLS port to check.",
      "Give --smtp-tls-port PORT to check implicit TLS.",
    );
    return steps.checks;
  }
  const where = `${t.host}:${t.tlsPort}`;
  const steps = new Steps({ "smtp-implicit-tls": where, "smtp-implicit-tls-auth": where }, ids);
  let session: SmtpSession | undefined;
  try {
    steps.start("smtp-implicit-tls");
    const connected = await SmtpSession.connect({
      host: t.host,
      port: t.tlsPort,
      implicitTls: true,
      ca: t.ca,
      timeoutMs: t.timeoutMs,
    });
    session = connected.session;
    const certificate = connected.certificate!;
    const problem = certificateProblem(certificate, t.host, t.ca !== undefined);
    if (problem !== undefined) {
      steps.record(
        "smtp-implicit-tls",
        "fail",
        `${problem.observed} ${certificateText(certificate)}.`,
        problem.fix,
      );
      steps.skipRest(
        "Not attempted: credentials are not sent over TLS whose certificate is not valid for the host.",
        "Fix smtp-implicit-tls first.",
      );
      return steps.checks;
    }
    steps.record(
      "smtp-implicit-tls",
      "pass",
      `${certificateText(certificate)}; ${replyText(session.greeting)}.`,
    );
    steps.start("smtp-implicit-tls-auth");
    const { capabilities } = await session.ehlo(t.ehloName);
    const mechanisms = capabilities.get("AUTH") ?? [];
    if (t.credentials === undefined) {
      steps.record(
        "smtp-implicit-tls-auth",
        "skip",
        `No SMTP credentials to try (the server offers AUTH ${mechanisms.join(" ") || "nothing"}).`,
        NO_CREDENTIALS_FIX,
      );
      return steps.checks;
    }
    if (mechanisms.length === 0) {
      steps.record(
        "smtp-implicit-tls-auth",
        "fail",
        "EHLO offers no AUTH.",
        "Enable SMTP AUTH on the implicit TLS port.",
      );
      return steps.checks;
    }
    const reply = await session.authenticate(
      t.credentials.username,
      t.credentials.password,
      mechanisms,
    );
    steps.record(
      "smtp-implicit-tls-auth",
      reply.code === 235 ? "pass" : "fail",
      `${replyText(reply)} for ${t.credentials.username}.`,
      reply.code === 235 ? "" : authFailureFix(t, reply.code),
    );
    return steps.checks;
  } catch (e) {
    steps.fail(e, `Check that ${where} is reachable from here and speaks TLS from the first byte.`);
    steps.skipRest("Not attempted after the failure above.");
    return steps.checks;
  } finally {
    await session?.quit();
  }
}

/** Every section 3 check, in report order. */
export async function smtpChecks(t: SmtpTarget): Promise<Check[]> {
  const [starttls, implicit] = await Promise.all([startTlsChecks(t), implicitTlsChecks(t)]);
  const all = [...starttls, ...implicit];
  return SMTP_CHECK_IDS.map((id) => all.find((c) => c.id === id)!);
}
