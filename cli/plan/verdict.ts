/**
 * Deliverability verdict: would mail that SES sends for the domain pass SPF, DKIM and DMARC at a
 * receiver, if the planned records were published? Judged by mailauth (a maintained SPF, DKIM and
 * DMARC implementation) against an in-memory resolver that answers only from the planned records
 * and from dated fixtures of what Amazon publishes.
 *
 * DKIM, by mode:
 * - BYODKIM: a sample message is signed with the very private key the plan hands SES
 *   (`domainSigningPrivateKey`) and verified against the planned `<selector>._domainkey` TXT.
 * - Easy DKIM: SES signs with its own key, which nobody outside AWS holds. The verdict simulates it:
 *   a key generated here stands in for SES's and is published where SES publishes its keys,
 *   `<token>.<the region's DKIM domain>` (policies/core/ses-regions.ts), in the in-memory resolver
 *   only, then the message is signed with
 *   `d=<domain>; s=<token>` as SES signs. That proves the planned CNAME chain leads from the selector
 *   SES uses to where SES publishes its key; it is labelled as a simulation in every output.
 */
import * as crypto from "crypto";
import { authenticate, dkimSign } from "mailauth";
import { organizationalDomain } from "../../policies/core/dmarc";
import { splitTxt } from "../../policies/core/txt";
import { sesRegion } from "../../policies/core/ses-regions";
import type { PlannedRecord } from "./records";

/**
 * An older published value of amazonses.com's SPF record, for offline simulation only: undated,
 * and not current (later values add ranges such as 52.82.172.0/22 and 76.223.128.0/19).
 */
export const SES_SPF_FIXTURE_LABEL =
  "amazonses.com SPF, an older published value (undated capture, not current; not looked up)";
export const SES_SPF_FIXTURE =
  "v=spf1 ip4:199.255.192.0/22 ip4:199.127.232.0/22 ip4:54.240.0.0/18 ip4:69.169.224.0/20 " +
  "ip4:23.249.208.0/20 ip4:23.251.224.0/19 ip4:76.223.176.0/20 ip4:54.240.64.0/19 " +
  "ip4:54.240.96.0/19 -all";
/** An address inside 54.240.0.0/18 of the fixture, standing in for the SES outbound server. */
export const SES_SAMPLE_IP = "54.240.8.20";
export const SES_SAMPLE_HELO = "a8-20.smtp-out.amazonses.com";
/**
 * SES's own envelope domain when no custom MAIL FROM is verified: a subdomain of amazonses.com
 * that varies by region (SES Developer Guide, "Using a custom MAIL FROM domain"); the verdict
 * checks SPF at amazonses.com itself, the one the fixture covers.
 */
export const SES_DEFAULT_MAIL_FROM = "amazonses.com";
/** The receiving server the verdict pretends to be. */
export const RECEIVER = "mx.receiver.invalid";
/** Cloudflare answers a proxied name with its own edge addresses; one stands in for them here. */
export const CLOUDFLARE_EDGE_IP = "104.16.0.1";

/** DMARC identifier alignment mode (RFC 7489 3.1): `adkim` / `aspf`. */
export type AlignmentMode = "relaxed" | "strict";

export type DkimPlan =
  | { kind: "easy"; tokens: string[] }
  | { kind: "byodkim"; selector: string; privateKeyPem: string }
  | { kind: "none" };

export interface VerdictInput {
  /** The SES identity domain; the sample message is From noreply@ this domain. */
  domain: string;
  /** SES region (for the MAIL FROM MX target). */
  region: string;
  /** Every record the plan publishes. */
  records: readonly PlannedRecord[];
  /** The custom MAIL FROM domain, when the plan configures one. */
  mailFromDomain?: string;
  dkim: DkimPlan;
  /** Signing time; defaults to now. */
  now?: Date;
}

export interface SpfVerdict {
  /** mailauth's SPF result for the envelope domain. */
  result: string;
  /** The envelope sender SES would use. */
  envelopeFrom: string;
  /** The domain SPF was checked for. */
  domain: string;
  /** Whether SPF passed for that domain and it aligns with the From domain under `alignment`. */
  aligned: boolean;
  /** The DMARC record's aspf mode; relaxed (the default) when there is no record. */
  alignment: AlignmentMode;
  /** Whether SES would use the custom MAIL FROM: its MX points at SES's feedback endpoint. */
  customMailFrom: "verified" | "mx-missing" | "not-configured";
  record?: string;
  comment?: string;
}

export interface DkimVerdict {
  mode: "byodkim" | "easy-dkim-simulated" | "none";
  result: string;
  signingDomain?: string;
  selector?: string;
  /** Whether DKIM passed and `d=` aligns with the From domain under `alignment`. */
  aligned: boolean;
  /** The DMARC record's adkim mode; relaxed (the default) when there is no record. */
  alignment: AlignmentMode;
  keyBits?: number;
  comment?: string;
  /** Every signing key tried (the three Easy DKIM tokens, or the BYODKIM selector) and its result. */
  keys: { selector: string; result: string }[];
}

export interface DmarcVerdict {
  /** `pass`, `fail`, `none` (no usable record), ... */
  result: string;
  /** The policy a receiver applies to this domain (`sp` for a subdomain when set). */
  policy?: string;
  record?: string;
  /** Which aligned mechanisms carried the pass. */
  passedBy: ("spf" | "dkim")[];
  /** What a receiver following the policy does with the message. */
  disposition: "deliver" | "deliver (report only, p=none)" | "quarantine" | "reject" | "no policy";
  pct?: number;
}

export interface DeliverabilityVerdict {
  domain: string;
  from: string;
  clientIp: string;
  spf: SpfVerdict;
  dkim: DkimVerdict;
  dmarc: DmarcVerdict;
  /** DMARC passes with an enforcing policy: receivers can trust the mail. */
  ok: boolean;
  /** Where the answers not taken from the plan came from. */
  fixtures: string[];
  notes: string[];
  /** The Authentication-Results header a receiver would add. */
  authenticationResults: string;
}

/** A DNS error of the shape node's resolver throws, which mailauth inspects by `code`. */
function dnsError(code: "ENOTFOUND" | "ENODATA", name: string, type: string): Error {
  const verb = type === "TXT" ? "queryTxt" : `query${type}`;
  return Object.assign(new Error(`${verb} ${code} ${name}`), { code, hostname: name });
}

type Answer = string[][] | string[] | { exchange: string; priority: number }[];

/**
 * A resolver that answers like a recursive resolver would once `records` are published: CNAMEs
 * are followed, proxied Cloudflare names answer with an edge address and nothing else, unknown
 * names are NXDOMAIN (`ENOTFOUND`), known names without the type are `ENODATA`. TXT answers are the
 * joined value split into 255-octet strings, as on the wire.
 */
export function inMemoryResolver(
  records: readonly PlannedRecord[],
): (name: string, type: string) => Promise<Answer> {
  const byName = new Map<string, PlannedRecord[]>();
  for (const r of records) {
    const key = r.name.toLowerCase().replace(/\.$/, "");
    byName.set(key, [...(byName.get(key) ?? []), r]);
  }
  const lookup = (name: string, type: string, depth: number): Answer => {
    const key = name.toLowerCase().replace(/\.$/, "");
    const here = byName.get(key);
    if (here === undefined || here.length === 0) throw dnsError("ENOTFOUND", name, type);
    const proxied = here.filter((r) => r.proxied);
    if (proxied.length > 0) {
      // Cloudflare's proxy replaces the published A/AAAA/CNAME with its own edge addresses.
      if (type === "A") return [CLOUDFLARE_EDGE_IP];
      const unproxied = here.filter((r) => !r.proxied && r.type === type);
      if (unproxied.length > 0) return answerOf(unproxied, type);
      throw dnsError("ENODATA", name, type);
    }
    const exact = here.filter((r) => r.type === type);
    if (exact.length > 0) return answerOf(exact, type);
    const cname = here.find((r) => r.type === "CNAME");
    if (cname !== undefined && type !== "CNAME") {
      if (depth >= 8) throw dnsError("ENOTFOUND", name, type);
      return lookup(cname.value, type, depth + 1);
    }
    throw dnsError("ENODATA", name, type);
  };
  // eslint-disable-next-line @typescript-eslint/require-await -- mailauth expects a promise
  return async (name: string, type: string) => lookup(name, type.toUpperCase(), 0);
}

function answerOf(records: PlannedRecord[], type: string): Answer {
  if (type === "TXT") return records.map((r) => splitTxt(r.value));
  if (type === "MX") return records.map((r) => ({ exchange: r.value, priority: r.priority ?? 0 }));
  return records.map((r) => r.value);
}

function fixtureRecord(name: string, type: string, value: string, label: string): PlannedRecord {
  return {
    name,
    type,
    content: value,
    value,
    proxied: false,
    resource: label,
    resourceType: "fixture",
  };
}

/**
 * DMARC identifier alignment (RFC 7489 3.1.1, 3.1.2): strict needs the very same domain, relaxed
 * the same organizational domain. mailauth 4.13.3 reads adkim/aspf but then aligns on
 * organizational domains in both modes, so the verdict takes the modes from mailauth's result and
 * applies them here.
 */
export function identifierAligned(
  fromDomain: string,
  domain: string,
  mode: AlignmentMode,
): boolean {
  const norm = (d: string) => d.toLowerCase().replace(/\.$/, "");
  if (mode === "strict") return norm(fromDomain) === norm(domain);
  return organizationalDomain(fromDomain) === organizationalDomain(domain);
}

function sampleMessage(domain: string, now: Date): string {
  const date = now.toUTCString().replace("GMT", "+0000");
  return [
    `From: Mailguard plan <noreply@${domain}>`,
    "To: someone@receiver.invalid",
    "Subject: Deliverability check",
    `Date: ${date}`,
    `Message-ID: <plan-${now.getTime()}@${domain}>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "This message was signed and verified offline by the mailguard plan.",
    "",
  ].join("\r\n");
}

function dispositionOf(result: string, policy: string | undefined): DmarcVerdict["disposition"] {
  if (result === "pass") return "deliver";
  if (policy === "reject") return "reject";
  if (policy === "quarantine") return "quarantine";
  if (policy === "none") return "deliver (report only, p=none)";
  return "no policy";
}

/** Judges the mail SES would send for `input.domain` once the planned records are published. */
export async function deliverabilityVerdict(input: VerdictInput): Promise<DeliverabilityVerdict> {
  const domain = input.domain.toLowerCase().replace(/\.$/, "");
  const now = input.now ?? new Date();
  const notes: string[] = [];
  const fixtures = [SES_SPF_FIXTURE_LABEL];
  const extra: PlannedRecord[] = [
    fixtureRecord("amazonses.com", "TXT", SES_SPF_FIXTURE, `fixture: ${SES_SPF_FIXTURE_LABEL}`),
  ];
  // Where SES wants the MAIL FROM MX to point and where it keeps Easy DKIM keys, for the region.
  const region = sesRegion(input.region);
  if (region === undefined) {
    notes.push(
      `${input.region} is not in mailguard's SES region table: the MAIL FROM MX and the DKIM domain cannot be checked.`,
    );
  }

  // Envelope sender: the custom MAIL FROM when SES can verify it (its MX), else SES's own domain.
  let customMailFrom: SpfVerdict["customMailFrom"] = "not-configured";
  let envelopeDomain = SES_DEFAULT_MAIL_FROM;
  if (input.mailFromDomain !== undefined) {
    const mailFrom = input.mailFromDomain.toLowerCase().replace(/\.$/, "");
    const feedback = region?.feedbackHost ?? "the feedback host of the region";
    const mx = input.records.some(
      (r) => r.name === mailFrom && r.type === "MX" && !r.proxied && r.value === feedback,
    );
    if (mx) {
      customMailFrom = "verified";
      envelopeDomain = mailFrom;
    } else {
      customMailFrom = "mx-missing";
      notes.push(
        `MAIL FROM ${mailFrom} has no MX record pointing at ${feedback}: SES does not use it and ` +
          `falls back to ${SES_DEFAULT_MAIL_FROM} (or rejects the mail with REJECT_MESSAGE).`,
      );
    }
  } else {
    notes.push(
      `No custom MAIL FROM: the envelope sender is an ${SES_DEFAULT_MAIL_FROM} address, so SPF ` +
        "passes for Amazon's domain but never aligns with yours; DMARC rests on DKIM alone.",
    );
  }
  const envelopeFrom = `0100019abc-simulated@${envelopeDomain}`;

  // The keys the sample message is signed with: BYODKIM's own key, or for Easy DKIM one simulated
  // SES key per token (SES signs with one of them at a time, so each CNAME has to work).
  const signings: { selector: string; pem: string }[] = [];
  let mode: DkimVerdict["mode"] = "none";
  if (input.dkim.kind === "byodkim") {
    mode = "byodkim";
    signings.push({ selector: input.dkim.selector, pem: input.dkim.privateKeyPem });
  } else if (input.dkim.kind === "easy" && input.dkim.tokens.length > 0 && region !== undefined) {
    mode = "easy-dkim-simulated";
    for (const raw of input.dkim.tokens) {
      const token = raw.toLowerCase();
      const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
      const spki = publicKey.export({ type: "spki", format: "der" }).toString("base64");
      extra.push(
        fixtureRecord(
          `${token}.${region.dkimDomain}`,
          "TXT",
          `v=DKIM1; k=rsa; p=${spki}`,
          "simulation: stand-in for SES's Easy DKIM key",
        ),
      );
      signings.push({
        selector: token,
        pem: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
      });
    }
    fixtures.push(
      `simulated Easy DKIM keys at <token>.${region.dkimDomain} for the ${signings.length} tokens: ` +
        "SES's real keys are private to AWS, so locally generated keys stand in for them; the planned CNAMEs must lead there",
    );
  } else {
    notes.push("No DKIM signing is planned: DMARC can only pass through aligned SPF.");
  }

  const message = sampleMessage(domain, now);
  const resolver = inMemoryResolver([...input.records, ...extra]);
  const judge = async (signing: { selector: string; pem: string } | undefined) => {
    let signed = message;
    let signError: string | undefined;
    if (signing !== undefined) {
      const sig = await dkimSign(message, {
        signingDomain: domain,
        selector: signing.selector,
        privateKey: signing.pem,
        signTime: now,
        signatureData: [
          { signingDomain: domain, selector: signing.selector, privateKey: signing.pem },
        ],
      });
      if (sig.errors.length > 0) signError = sig.errors.map((e) => e.message).join("; ");
      signed = sig.signatures + message;
    }
    const result = await authenticate(signed, {
      ip: SES_SAMPLE_IP,
      helo: SES_SAMPLE_HELO,
      sender: envelopeFrom,
      mta: RECEIVER,
      resolver: resolver as never,
      disableArc: true,
      disableBimi: true,
    });
    const row = (result.dkim.results ?? [])[0];
    const passed = signError === undefined && row?.status.result === "pass";
    return { result, signError, row, passed };
  };

  const runs =
    signings.length > 0
      ? await Promise.all(signings.map((k) => judge(k)))
      : [await judge(undefined)];
  const keys = signings.map((k, i) => ({
    selector: k.selector,
    result: runs[i].signError !== undefined ? "fail" : (runs[i].row?.status.result ?? "none"),
  }));
  // Judge by the worst key: mail signed with it is what fails.
  const worst = runs.find((r) => !r.passed) ?? runs[0];
  const { result, signError } = worst;
  if (mode === "easy-dkim-simulated") {
    for (const k of keys.filter((k) => k.result !== "pass")) {
      notes.push(
        `Mail SES signs with the key behind ${k.selector}._domainkey.${domain} would get DKIM ${k.result}.`,
      );
    }
  }

  // Alignment modes from the DMARC record as mailauth parsed it; relaxed, the default, without one.
  const d = result.dmarc;
  const hasRecord = d !== false && d.alignment !== undefined;
  const spfMode: AlignmentMode = hasRecord && d.alignment.spf.strict ? "strict" : "relaxed";
  const dkimMode: AlignmentMode = hasRecord && d.alignment.dkim.strict ? "strict" : "relaxed";

  const spfResult = result.spf;
  const spfDomain = spfResult ? spfResult.domain : envelopeDomain;
  const spfPass = spfResult !== false && spfResult.status.result === "pass";
  const spf: SpfVerdict = {
    result: spfResult ? spfResult.status.result : "none",
    envelopeFrom,
    domain: spfDomain,
    aligned: spfPass && identifierAligned(domain, spfDomain, spfMode),
    alignment: spfMode,
    customMailFrom,
    record: spfResult ? spfResult.rr : undefined,
    comment: spfResult ? spfResult.status.comment : undefined,
  };

  const dkimRow = worst.row;
  const dkimPass = signError === undefined && dkimRow?.status.result === "pass";
  const row = dkimRow as (typeof dkimRow & { modulusLength?: number }) | undefined;
  const dkim: DkimVerdict = {
    mode,
    result: signError !== undefined ? "fail" : (dkimRow?.status.result ?? "none"),
    signingDomain: dkimRow?.signingDomain,
    selector: dkimRow?.selector,
    aligned:
      dkimPass &&
      dkimRow?.signingDomain !== undefined &&
      identifierAligned(domain, dkimRow.signingDomain, dkimMode),
    alignment: dkimMode,
    keyBits: row?.modulusLength,
    comment: signError ?? dkimRow?.status.comment,
    keys,
  };

  // With a record, DMARC passes when an aligned mechanism passes; without one (none, temperror)
  // mailauth's status stands.
  const passedBy: DmarcVerdict["passedBy"] = [];
  if (spf.aligned) passedBy.push("spf");
  if (dkim.aligned) passedBy.push("dkim");
  const reported = d ? d.status.result : "none";
  const dmarcResult = hasRecord ? (passedBy.length > 0 ? "pass" : "fail") : reported;
  let authenticationResults =
    /Authentication-Results:[\s\S]*$/.exec(result.headers)?.[0].trim() ?? "";
  if (dmarcResult !== reported) {
    const strictTags = [
      dkimMode === "strict" ? "adkim=s" : [],
      spfMode === "strict" ? "aspf=s" : [],
    ];
    notes.push(
      `mailauth reports dmarc=${reported}, but it aligns on organizational domains even in strict ` +
        `mode; with this record's ${strictTags.flat().join(" and ")} the result is ${dmarcResult} ` +
        "(RFC 7489 3.1), and the Authentication-Results header says so.",
    );
    authenticationResults = authenticationResults.replace(
      new RegExp(`\\bdmarc=${reported}\\b`),
      `dmarc=${dmarcResult}`,
    );
  }
  const dmarc: DmarcVerdict = {
    result: dmarcResult,
    policy: d ? d.policy : undefined,
    record: d ? d.rr : undefined,
    passedBy: dmarcResult === "pass" ? passedBy : [],
    disposition: dispositionOf(dmarcResult, d ? d.policy : undefined),
    pct: d ? d.pct : undefined,
  };
  if (dmarc.result === "pass" && dmarc.policy === "none") {
    notes.push(
      "DMARC passes, but p=none asks receivers to do nothing with mail that fails: spoofs still land.",
    );
  }

  return {
    domain,
    from: `noreply@${domain}`,
    clientIp: SES_SAMPLE_IP,
    spf,
    dkim,
    dmarc,
    ok: dmarc.result === "pass" && (dmarc.policy === "quarantine" || dmarc.policy === "reject"),
    fixtures,
    notes,
    authenticationResults,
  };
}
