import { createPublicKey, KeyObject } from "crypto";
import { bareName, checkDomainName } from "./domain";
import { Finding, finding, isUnknown, UNKNOWN } from "./finding";
import {
  GLOBAL_DKIM_DOMAIN,
  SES_DKIM_DOMAINS_SOURCE as DKIM_DOMAINS_SOURCE,
  isSesDkimDomainShape,
  regionOfDkimDomain,
  sesRegion,
} from "./ses-regions";

/**
 * DKIM key records (RFC 6376 section 3.6.1, RFC 8301, RFC 8463) and the shape of the SES Easy DKIM
 * CNAMEs. Also home of the tag-list grammar of RFC 6376 section 3.2, which DMARC reuses.
 */

// ---------------------------------------------------------------------------------------------
// Tag lists (RFC 6376 3.2)
// ---------------------------------------------------------------------------------------------

/** One `name=value` element of a tag list, as written (value with surrounding whitespace removed). */
export interface TagListEntry {
  name: string;
  value: string;
}

/** A place where a text breaks the tag-list grammar. */
export interface TagListIssue {
  kind: "malformed" | "empty-spec" | "non-ascii";
  /** The offending tag-spec, trimmed. */
  spec: string;
}

export interface TagList {
  tags: TagListEntry[];
  issues: TagListIssue[];
}

const FWS = "[ \\t\\r\\n]*";
/** tag-name = ALPHA *ALNUMPUNC; ALNUMPUNC = ALPHA / DIGIT / "_" */
const TAG_SPEC = new RegExp(`^([A-Za-z][A-Za-z0-9_]*)${FWS}=${FWS}([\\s\\S]*)$`);
/** tag-value: tval *( 1*(WSP / FWS) tval ), tval = 1*VALCHAR, VALCHAR = %x21-3A / %x3C-7E */
const TAG_VALUE = /^[\x21-\x3a\x3c-\x7e]*(?:[ \t\r\n]+[\x21-\x3a\x3c-\x7e]+)*$/;

const NON_ASCII = /[^\t\n\r\x20-\x7e]/;

function trimFws(s: string): string {
  return s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
}

/**
 * Splits a tag list (`tag-spec *( ";" tag-spec ) [ ";" ]`) into tags, keeping names as written.
 * Duplicate names and the meaning of values are left to the caller, which knows whether names
 * are case-sensitive (DKIM) or not (DMARC).
 */
export function parseTagList(text: string): TagList {
  const tags: TagListEntry[] = [];
  const issues: TagListIssue[] = [];
  const specs = text.split(";");
  specs.forEach((raw, i) => {
    const spec = trimFws(raw);
    if (spec === "") {
      // Only the one after a final ";" may be empty.
      if (i !== specs.length - 1) issues.push({ kind: "empty-spec", spec });
      return;
    }
    const m = TAG_SPEC.exec(spec);
    if (!m) {
      issues.push({ kind: NON_ASCII.test(spec) ? "non-ascii" : "malformed", spec });
      return;
    }
    const value = m[2];
    if (!TAG_VALUE.test(value)) {
      issues.push({ kind: NON_ASCII.test(value) ? "non-ascii" : "malformed", spec });
      return;
    }
    tags.push({ name: m[1], value });
  });
  return { tags, issues };
}

// ---------------------------------------------------------------------------------------------
// Key records
// ---------------------------------------------------------------------------------------------

export interface DkimKeyAnalysis {
  keyType?: "rsa" | "ed25519";
  rsaBits?: number;
  /** `p=` is empty: the key has been revoked. */
  revoked: boolean;
  /** `t=y`: the domain is testing DKIM. */
  testing: boolean;
  /** RSA < 2048 is warning code "dkim-weak-rsa-key"; < 1024 error. */
  findings: Finding[];
}

/** Tags RFC 6376 3.6.1 defines for key records. */
const KNOWN_KEY_TAGS = new Set(["v", "h", "k", "n", "p", "s", "t"]);
const KEY_TYPES = new Set(["rsa", "ed25519"]);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

function colonList(value: string): string[] {
  return value.split(":").map(trimFws);
}

/** Findings (code `<prefix>-syntax`) for the places where a text breaks the tag-list grammar. */
export function tagListFindings(
  issues: TagListIssue[],
  prefix: "dkim" | "dmarc",
  what: string,
): Finding[] {
  return issues.map((issue) => {
    switch (issue.kind) {
      case "empty-spec":
        return finding(
          "error",
          `${prefix}-syntax`,
          `The ${what} has an empty element between two ";".`,
          'Remove the doubled ";".',
        );
      case "non-ascii":
        return finding(
          "error",
          `${prefix}-syntax`,
          `The ${what} element "${issue.spec}" holds characters outside printable ASCII.`,
          "Write tags as ASCII name=value pairs; percent-encode non-ASCII characters in URIs.",
        );
      default:
        return finding(
          "error",
          `${prefix}-syntax`,
          `The ${what} element "${issue.spec}" is not a name=value tag.`,
          'Write each tag as name=value, separated by ";".',
        );
    }
  });
}

interface DecodedKey {
  key?: KeyObject;
  format?: "spki" | "pkcs1";
}

function decodeDer(der: Buffer): DecodedKey {
  for (const format of ["spki", "pkcs1"] as const) {
    try {
      return { key: createPublicKey({ key: der, format: "der", type: format }), format };
    } catch {
      // try the next format
    }
  }
  return {};
}

function analyzeRsaKey(der: Buffer, findings: Finding[]): number | undefined {
  const { key, format } = decodeDer(der);
  if (!key) {
    findings.push(
      finding(
        "error",
        "dkim-invalid-key",
        "The p= value does not decode to an RSA public key (SubjectPublicKeyInfo or PKCS#1).",
        "Publish the base64 of the DER SubjectPublicKeyInfo of the signing key.",
      ),
    );
    return undefined;
  }
  if (key.asymmetricKeyType !== "rsa") {
    findings.push(
      finding(
        "error",
        "dkim-key-type-mismatch",
        `The record says k=rsa but p= holds a ${key.asymmetricKeyType ?? "non-RSA"} key.`,
        "Set k= to the type of the published key, or publish the RSA key.",
      ),
    );
    return undefined;
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (bits === undefined) return undefined;
  if (format === "pkcs1") {
    findings.push(
      finding(
        "warning",
        "dkim-pkcs1-key",
        "p= holds a bare PKCS#1 RSAPublicKey; some verifiers only read SubjectPublicKeyInfo.",
        "Publish the SubjectPublicKeyInfo form (`openssl rsa -pubout`), as SES and most signers do.",
      ),
    );
  }
  if (bits < 1024) {
    findings.push(
      finding(
        "error",
        "dkim-rsa-key-too-small",
        `The RSA key has ${bits} bits; RFC 8301 verifiers must not accept keys below 1024 bits.`,
        "Publish a 2048-bit RSA key.",
      ),
    );
  } else if (bits < 2048) {
    findings.push(
      finding(
        "warning",
        "dkim-weak-rsa-key",
        `The RSA key has ${bits} bits; RFC 8301 says signers should use at least 2048.`,
        "Rotate to a 2048-bit RSA key (SES: nextSigningKeyLength RSA_2048_BIT).",
      ),
    );
  } else if (bits > 2048) {
    findings.push(
      finding(
        "warning",
        "dkim-large-rsa-key",
        `The RSA key has ${bits} bits; some gateways only verify keys up to 2048 bits and SES BYODKIM accepts only 1024 or 2048.`,
        "Use a 2048-bit RSA key.",
      ),
    );
  }
  return bits;
}

function analyzeEd25519Key(raw: Buffer, findings: Finding[]): void {
  if (raw.length !== 32) {
    const looksSpki = decodeDer(raw).key !== undefined;
    findings.push(
      finding(
        "error",
        "dkim-invalid-ed25519-key",
        `An ed25519 p= must be the raw 32-byte public key (RFC 8463); this one has ${raw.length} bytes${looksSpki ? " and is a DER-encoded key" : ""}.`,
        "Publish the base64 of the 32 raw key bytes, without the SubjectPublicKeyInfo wrapper.",
      ),
    );
    return;
  }
  try {
    createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
      format: "der",
      type: "spki",
    });
  } catch {
    findings.push(
      finding(
        "error",
        "dkim-invalid-ed25519-key",
        "The 32 bytes in p= are not an ed25519 public key.",
        "Publish the public half of the ed25519 signing key.",
      ),
    );
  }
}

/**
 * Judges a DKIM key record (the joined TXT value at `<selector>._domainkey.<domain>`) the way
 * RFC 6376 3.6.1, RFC 8301 and RFC 8463 verifiers read it. Errors: what verifiers reject or a
 * deploy must never publish (RSA below 1024 bits, h=sha1 alone, s= without email, k= not matching
 * the key, duplicate tags, v= not first or not DKIM1). Warnings: RSA below 2048
 * ("dkim-weak-rsa-key") or above 2048, PKCS#1 instead of SubjectPublicKeyInfo, t=y, unknown tags
 * (names are case-sensitive), a key type not in lower case (`k=RSA`, "dkim-key-type-case"), and an
 * empty p= ("dkim-revoked-key": how a selector is retired, wrong only while something still signs
 * with it, which the caller tells).
 * Pass a known value: callers check isUnknown first.
 */
export function analyzeDkimKey(txt: string): DkimKeyAnalysis {
  const result: DkimKeyAnalysis = { revoked: false, testing: false, findings: [] };
  const findings = result.findings;
  if (trimFws(txt) === "") {
    findings.push(
      finding(
        "error",
        "dkim-empty",
        "The DKIM key record is empty.",
        'Publish "v=DKIM1; k=rsa; p=<base64 public key>".',
      ),
    );
    return result;
  }

  const { tags, issues } = parseTagList(txt);
  findings.push(...tagListFindings(issues, "dkim", "DKIM key record"));

  const byName = new Map<string, string>();
  for (const tag of tags) {
    if (byName.has(tag.name)) {
      findings.push(
        finding(
          "error",
          "dkim-duplicate-tag",
          `The tag ${tag.name}= appears more than once; verifiers discard the whole record (RFC 6376 3.2).`,
          `Keep a single ${tag.name}= tag.`,
        ),
      );
    } else {
      byName.set(tag.name, tag.value);
    }
    if (!KNOWN_KEY_TAGS.has(tag.name)) {
      const lower = tag.name.toLowerCase();
      findings.push(
        KNOWN_KEY_TAGS.has(lower)
          ? finding(
              "warning",
              "dkim-unknown-tag",
              `The tag "${tag.name}" is ignored: DKIM tag names are case-sensitive, so it is not ${lower}=.`,
              `Write it as ${lower}=.`,
            )
          : finding(
              "warning",
              "dkim-unknown-tag",
              `The tag "${tag.name}" is not defined for DKIM key records and is ignored.`,
              `Remove ${tag.name}=.`,
            ),
      );
    }
  }

  const version = byName.get("v");
  if (version !== undefined) {
    if (tags[0]?.name !== "v") {
      findings.push(
        finding(
          "error",
          "dkim-version-not-first",
          "The v= tag is present but is not the first tag (RFC 6376 3.6.1).",
          "Put v=DKIM1 first, or leave it out.",
        ),
      );
    }
    if (version !== "DKIM1") {
      findings.push(
        finding(
          "error",
          "dkim-bad-version",
          `The record has v=${version}; verifiers discard key records whose version is not DKIM1.`,
          "Use v=DKIM1.",
        ),
      );
    }
  }

  const k = byName.get("k") ?? "rsa";
  const keyType = k.toLowerCase();
  if (KEY_TYPES.has(keyType)) {
    result.keyType = keyType as "rsa" | "ed25519";
    if (k !== keyType) {
      // RFC 6376 3.2: values are case-sensitive unless a tag says otherwise, and k= does not.
      // Verifiers differ: dkimpy takes k=RSA as an unknown key type and fails the signature.
      findings.push(
        finding(
          "warning",
          "dkim-key-type-case",
          `The key type is written k=${k}; DKIM tag values are case-sensitive (RFC 6376 3.2), so verifiers that follow the RFC (dkimpy among them) do not recognize it as ${keyType} and fail every signature with this key, while others accept it.`,
          `Write k=${keyType} in lower case.`,
        ),
      );
    }
  } else {
    findings.push(
      finding(
        "error",
        "dkim-unknown-key-type",
        `The key type k=${k} is not registered (rsa, ed25519).`,
        "Use k=rsa with a 2048-bit key (or k=ed25519 alongside an RSA selector).",
      ),
    );
  }

  const h = byName.get("h");
  if (h !== undefined) {
    const hashes = colonList(h).map((x) => x.toLowerCase());
    if (!hashes.includes("sha256")) {
      findings.push(
        hashes.includes("sha1")
          ? finding(
              "error",
              "dkim-sha1-only",
              `The record allows only h=${h}; rsa-sha1 must not be used to sign or verify (RFC 8301).`,
              "Remove h= or set h=sha256.",
            )
          : finding(
              "error",
              "dkim-no-usable-hash",
              `The record allows only h=${h}, which includes no hash verifiers use (sha256).`,
              "Remove h= or set h=sha256.",
            ),
      );
    }
  }

  const s = byName.get("s");
  if (s !== undefined) {
    const services = colonList(s).map((x) => x.toLowerCase());
    if (!services.includes("email") && !services.includes("*")) {
      findings.push(
        finding(
          "error",
          "dkim-service-excludes-email",
          `The record restricts the key to s=${s}, which excludes email.`,
          "Remove s= or set s=email (or *).",
        ),
      );
    }
  }

  const t = byName.get("t");
  if (t !== undefined && colonList(t).some((flag) => flag.toLowerCase() === "y")) {
    result.testing = true;
    findings.push(
      finding(
        "warning",
        "dkim-testing",
        `The record has t=${t}: the domain is testing DKIM and verifiers may treat failures as unsigned mail.`,
        "Remove the y flag from t= once signing works.",
      ),
    );
  }

  const p = byName.get("p");
  if (p === undefined) {
    findings.push(
      finding(
        "error",
        "dkim-missing-key",
        "The record has no p= tag (the public key is required).",
        "Add p=<base64 public key>.",
      ),
    );
    return result;
  }
  const base64 = p.replace(/[ \t\r\n]+/g, "");
  if (base64 === "") {
    result.revoked = true;
    findings.push(
      // RFC 6376 3.6.1: an empty p= is how a selector is retired. Valid, and an error only where
      // something still signs with the selector, which only the caller can tell.
      finding(
        "warning",
        "dkim-revoked-key",
        "The record has an empty p=: the key is revoked and every signature with it fails.",
        "Publish the current public key if anything still signs with this selector; otherwise remove the record once no mail in transit carries its signatures.",
      ),
    );
    return result;
  }
  if (!BASE64.test(base64)) {
    findings.push(
      finding(
        "error",
        "dkim-invalid-base64",
        `The p= value "${abbreviate(base64)}" is not valid base64.`,
        "Publish the base64 encoding of the public key, padded with = to a multiple of 4 characters.",
      ),
    );
    return result;
  }
  const der = Buffer.from(base64, "base64");
  if (result.keyType === "rsa") {
    result.rsaBits = analyzeRsaKey(der, findings);
  } else if (result.keyType === "ed25519") {
    analyzeEd25519Key(der, findings);
  }
  return result;
}

function abbreviate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 32)}...` : s;
}

/**
 * The TXT value for a BYODKIM RSA key: `v=DKIM1; k=rsa; p=<base64 SubjectPublicKeyInfo>`.
 * Accepts the base64 with or without PEM armour and line breaks; throws if it is not base64.
 */
export function buildDkimKeyRecord(spkiBase64: string): string {
  const base64 = spkiBase64
    .replace(/-----(BEGIN|END) [A-Z ]+-----/g, "")
    .replace(/[ \t\r\n]+/g, "");
  if (base64 === "" || !BASE64.test(base64)) {
    throw new Error(
      `buildDkimKeyRecord: "${abbreviate(spkiBase64)}" is not the base64 of a public key. Pass the base64 DER SubjectPublicKeyInfo (e.g. tls.PrivateKey publicKeyPem without the armour).`,
    );
  }
  return `v=DKIM1; k=rsa; p=${base64}`;
}

// ---------------------------------------------------------------------------------------------
// SES Easy DKIM CNAMEs
// ---------------------------------------------------------------------------------------------

const EASY_DKIM_NAME = /^([a-z0-9]{32})\._domainkey\.(.+)$/;
const EASY_DKIM_TARGET = /^([a-z0-9]{32})\.(dkim\.(?:[a-z0-9-]+\.)?amazonses\.com)$/;

function holdsUnknown(value: string): boolean {
  return isUnknown(value) || value.includes(UNKNOWN);
}

/** The target an Easy DKIM record must have: `<token>.<dkim domain>`, for messages. */
function targetShape(dkimDomain: string | undefined): string {
  return `<token>.${dkimDomain ?? "<SES DKIM domain>"}`;
}

/**
 * The DKIM domain an Easy DKIM target must use, when it can be told: the domain SES uses in the
 * identity's region (the table's, or the one given).
 */
export function expectedDkimDomain(options: EasyDkimOptions): string | undefined {
  if (options.dkimDomain !== undefined) return options.dkimDomain;
  return options.region === undefined ? undefined : sesRegion(options.region)?.dkimDomain;
}

/** What an Easy DKIM check knows about the identity the records belong to. */
export interface EasyDkimOptions {
  /** The SES identity's region, when known: its DKIM domain is then the only one accepted. */
  region?: string;
  /** The DKIM domain the identity uses, when known (overrides the region's). */
  dkimDomain?: string;
}

/**
 * Why a DKIM domain is wrong for an Easy DKIM target, or undefined when it is right. Without a
 * known region every SES DKIM domain shape passes (`dkim.amazonses.com`, `dkim.<region>.amazonses.com`),
 * except a regional domain of a region the table says keeps its keys under another domain.
 */
function dkimDomainProblem(domain: string, options: EasyDkimOptions): Finding | undefined {
  const expected = expectedDkimDomain(options);
  if (expected !== undefined) {
    if (domain === expected) return undefined;
    const where = options.region === undefined ? "this identity" : `${options.region} identities`;
    return finding(
      "error",
      "dkim-cname-dkim-domain",
      `The Easy DKIM target under ${domain} is the wrong DKIM domain: SES keeps the keys of ${where} under ${expected} (${DKIM_DOMAINS_SOURCE}), so DKIM stays pending and the identity is never verified.`,
      `Point the record at <token>.${expected}, as SES lists it for the identity.`,
    );
  }
  if (!isSesDkimDomainShape(domain)) {
    return finding(
      "error",
      "dkim-cname-target",
      `The Easy DKIM target under ${domain} is not an SES DKIM domain.`,
      `Point the record at <token>.${GLOBAL_DKIM_DOMAIN} or <token>.dkim.<region>.amazonses.com, as SES lists it for the identity's region.`,
    );
  }
  const region = regionOfDkimDomain(domain);
  const known = region === undefined ? undefined : sesRegion(region);
  if (known !== undefined && known.dkimDomain !== domain) {
    return finding(
      "error",
      "dkim-cname-dkim-domain",
      `The Easy DKIM target under ${domain} names no DKIM domain SES uses: ${region} keeps its keys under ${known.dkimDomain} (${DKIM_DOMAINS_SOURCE}).`,
      `Point the record at <token>.${known.dkimDomain}.`,
    );
  }
  return undefined;
}

/**
 * Checks one Easy DKIM record: `<token>._domainkey.<domain>` must point at `<token>.<dkim domain>`
 * with the same token (32 characters, a-z0-9), where the DKIM domain is `dkim.amazonses.com` or
 * `dkim.<region>.amazonses.com` as the identity's region uses (see ses-regions.ts); when the region
 * is known, only its domain passes. DNS names compare case-insensitively and a trailing dot is
 * tolerated. Parts that hold Pulumi's unknown sentinel (tokens during preview) are not judged.
 */
export function checkEasyDkimCname(
  name: string,
  target: string,
  options: EasyDkimOptions = {},
): Finding[] {
  const findings: Finding[] = [];
  const nameKnown = !holdsUnknown(name);
  const targetKnown = !holdsUnknown(target);
  const expected = expectedDkimDomain(options);
  const n = nameKnown ? EASY_DKIM_NAME.exec(bareName(name)) : null;
  const t = targetKnown ? EASY_DKIM_TARGET.exec(bareName(target)) : null;
  if (nameKnown) {
    if (!n || checkDomainName(n[2]).name === undefined) {
      findings.push(
        finding(
          "error",
          "dkim-cname-name",
          `The Easy DKIM record name "${name}" is not <token>._domainkey.<domain> with a 32-character SES token.`,
          "Name each record <token>._domainkey.<domain>, one per token of the SES identity's dkimSigningAttributes.tokens.",
        ),
      );
    }
  }
  if (targetKnown && !t) {
    findings.push(
      finding(
        "error",
        "dkim-cname-target",
        `The Easy DKIM record target "${target}" is not ${targetShape(expected)}.`,
        `Point the record at ${targetShape(expected)}, using the same token as its name.`,
      ),
    );
  }
  if (t) {
    const problem = dkimDomainProblem(t[2], options);
    if (problem !== undefined) {
      findings.push({
        ...problem,
        message: problem.message.replace("target", `target "${target}"`),
      });
    }
  }
  if (n && t && n[1] !== t[1]) {
    findings.push(
      finding(
        "error",
        "dkim-cname-token-mismatch",
        `The record "${name}" points at "${target}", whose token differs from the one in its name.`,
        `Point <token>._domainkey.<domain> at ${targetShape(expected ?? t[2])} with the same token.`,
      ),
    );
  }
  return findings;
}

/** A DNS record as a provider resource describes it. */
export interface EasyDkimRecord {
  name: string;
  /** Record type, e.g. "CNAME". */
  type: string;
  target: string;
  /** Cloudflare's orange cloud. */
  proxied?: boolean;
}

/**
 * {@link checkEasyDkimCname} plus what the record around it must be: a CNAME, not proxied (a
 * proxied CNAME answers with Cloudflare's addresses and hides the SES key).
 */
export function checkEasyDkimRecord(
  record: EasyDkimRecord,
  options: EasyDkimOptions = {},
): Finding[] {
  const findings: Finding[] = [];
  if (!holdsUnknown(record.type) && record.type.trim().toUpperCase() !== "CNAME") {
    findings.push(
      finding(
        "error",
        "dkim-cname-type",
        `The Easy DKIM record "${record.name}" is of type ${record.type}; SES checks for a CNAME.`,
        `Publish it as CNAME <token>._domainkey.<domain> -> ${targetShape(expectedDkimDomain(options))}.`,
      ),
    );
  }
  if (record.proxied === true) {
    findings.push(
      finding(
        "error",
        "dkim-cname-proxied",
        `The Easy DKIM record "${record.name}" is proxied, which hides its target so DKIM lookups fail.`,
        "Set proxied: false (DNS only).",
      ),
    );
  }
  return [...findings, ...checkEasyDkimCname(record.name, record.target, options)];
}
