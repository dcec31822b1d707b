/**
 * Domain names as DNS and mail use them: LDH labels of 1..63 octets, at most 253 octets in all
 * (without the trailing dot), internationalized names converted to punycode (IDNA via WHATWG URL),
 * and where they stand on the Public Suffix List (https://publicsuffix.org, through tldts).
 */
import { parse } from "tldts";
import { domainToASCII } from "url";
import { Finding, finding } from "./finding";

export interface DomainNameCheck {
  /** Lower-case ASCII, IDN converted to punycode, no trailing dot; absent when invalid. */
  name?: string;
  findings: Finding[];
}

export const MAX_LABEL_OCTETS = 63;
export const MAX_NAME_OCTETS = 253;

function quote(value: string): string {
  return JSON.stringify(value);
}

/**
 * Validates a fully qualified domain name and normalizes it. `allowUnderscore` permits `_` in
 * labels, for service names such as `_dmarc.example.com` or `selector._domainkey.example.com`.
 */
export function checkDomainName(
  input: string,
  opts: { allowUnderscore?: boolean } = {},
): DomainNameCheck {
  const errors: Finding[] = [];
  const fail = (code: string, message: string, fix: string): DomainNameCheck => {
    errors.push(finding("error", code, message, fix));
    return { findings: errors };
  };
  if (typeof input !== "string" || input.length === 0) {
    return fail("domain-empty", "The domain name is empty.", "Give a name such as example.com.");
  }
  if (/\s/.test(input)) {
    return fail(
      "domain-invalid-character",
      `Domain name ${quote(input)} contains whitespace.`,
      "Remove the spaces, tabs or line breaks.",
    );
  }
  let ascii = input;
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(input) || /(^|\.)xn--/i.test(input)) {
    ascii = domainToASCII(input);
    if (ascii === "") {
      return fail(
        "domain-invalid-idn",
        `Domain name ${quote(input)} is not a valid internationalized domain name.`,
        "Check the spelling, or give its punycode (xn--) form.",
      );
    }
  }
  ascii = ascii.toLowerCase();
  if (ascii.endsWith(".")) ascii = ascii.slice(0, -1);
  if (ascii.length === 0) {
    return fail(
      "domain-empty",
      `Domain name ${quote(input)} is only a dot.`,
      "Give a name such as example.com.",
    );
  }
  const labels = ascii.split(".");
  const labelChars = opts.allowUnderscore ? /^[a-z0-9_-]+$/ : /^[a-z0-9-]+$/;
  labels.forEach((label, index) => {
    if (label.length === 0) {
      errors.push(
        finding(
          "error",
          "domain-empty-label",
          `Domain name ${quote(input)} has an empty label (two dots in a row, or a leading dot).`,
          "Remove the extra dot.",
        ),
      );
      return;
    }
    if (label.length > MAX_LABEL_OCTETS) {
      errors.push(
        finding(
          "error",
          "domain-label-too-long",
          `Label ${quote(label)} of ${quote(input)} is ${label.length} octets; a label holds at most 63.`,
          "Shorten the label to 63 characters or fewer.",
        ),
      );
    }
    if (!labelChars.test(label)) {
      errors.push(
        finding(
          "error",
          "domain-invalid-character",
          `Label ${quote(label)} of ${quote(input)} has characters other than letters, digits and hyphens${opts.allowUnderscore ? " and underscores" : ""}.`,
          "Use only a-z, 0-9 and '-' (internationalized names are converted to punycode).",
        ),
      );
    } else if (label.startsWith("-") || label.endsWith("-")) {
      errors.push(
        finding(
          "error",
          "domain-label-hyphen",
          `Label ${quote(label)} of ${quote(input)} starts or ends with a hyphen.`,
          "Start and end every label with a letter or digit.",
        ),
      );
    }
    if (index === labels.length - 1 && /^[0-9]+$/.test(label)) {
      errors.push(
        finding(
          "error",
          "domain-numeric-tld",
          `Domain name ${quote(input)} ends in the all-numeric label ${quote(label)}: that is an IP address or a typo, not a domain name.`,
          "Give a domain name whose last label has a letter (example.com).",
        ),
      );
    }
  });
  if (ascii.length > MAX_NAME_OCTETS) {
    errors.push(
      finding(
        "error",
        "domain-name-too-long",
        `Domain name ${quote(input)} is ${ascii.length} octets; a name holds at most 253.`,
        "Use a shorter name.",
      ),
    );
  }
  if (errors.length === 0 && labels.length < 2) {
    errors.push(
      finding(
        "error",
        "domain-not-fully-qualified",
        `Domain name ${quote(input)} is a single label; mail needs a fully qualified name.`,
        "Give the full name, such as example.com.",
      ),
    );
  }
  return errors.length === 0 ? { name: ascii, findings: [] } : { findings: errors };
}

function normalizeForCompare(name: string): string {
  let n = name.trim();
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(n)) n = domainToASCII(n) || n;
  n = n.toLowerCase();
  return n.endsWith(".") ? n.slice(0, -1) : n;
}

/**
 * A DNS name as names are compared: trimmed, lower case, without a trailing dot (no IDN
 * conversion; `checkDomainName` gives the punycode form).
 */
export function bareName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, "");
}

/** True when `name` equals `parent` or lies under it (case-insensitive, trailing dot ignored). */
export function isSameOrSubdomain(name: string, parent: string): boolean {
  const n = normalizeForCompare(name);
  const p = normalizeForCompare(parent);
  if (n.length === 0 || p.length === 0) return false;
  return n === p || n.endsWith(`.${p}`);
}

// ---------------------------------------------------------------------------------------------
// Public suffixes
// ---------------------------------------------------------------------------------------------

/**
 * The whole public suffix list, private section included, as mailauth, OpenDMARC and receivers
 * use it: `github.io` is a suffix, so `a.github.io` and `b.github.io` are different organizations.
 * Every public-suffix judgement in the core reads the list through {@link publicSuffixOf}.
 */
const PUBLIC_SUFFIX_OPTIONS = { allowPrivateDomains: true };

/** Where a name stands on the public suffix list. */
export interface PublicSuffixView {
  /** The longest listed suffix of the name (or its last label when no rule is listed). */
  suffix?: string;
  /** The registrable domain: one label below the suffix; absent when the name is a suffix. */
  registrable?: string;
  /** Which section of the list the suffix comes from; `none` when only the default rule matched. */
  section: "icann" | "private" | "none";
}

/** The public suffix and registrable domain of a name (lower-cased, trailing dot ignored). */
export function publicSuffixOf(name: string): PublicSuffixView {
  const parsed = parse(normalizeForCompare(name), PUBLIC_SUFFIX_OPTIONS);
  return {
    suffix: parsed.publicSuffix ?? undefined,
    registrable: parsed.domain ?? undefined,
    section: parsed.isPrivate === true ? "private" : parsed.isIcann === true ? "icann" : "none",
  };
}

/** Whether a name is itself a listed public suffix (`com`, `co.uk`, `github.io`). */
export function isPublicSuffix(name: string): boolean {
  const view = publicSuffixOf(name);
  return view.section !== "none" && view.registrable === undefined;
}

/**
 * An error when a name is a listed public suffix: names are registered under it, and no one may
 * send mail as it (SES cannot verify it, DMARC has no organizational domain for it). The fix
 * names the shape of the registrable domain to use instead: a name directly under the suffix.
 */
export function publicSuffixFindings(name: string): Finding[] {
  const view = publicSuffixOf(name);
  if (view.section === "none" || view.registrable !== undefined) return [];
  const suffix = normalizeForCompare(name);
  const [section, example] =
    view.section === "private"
      ? ["in the list's private section: its operator hands out names under it", "<your-name>"]
      : ["names are registered under it", "example"];
  return [
    finding(
      "error",
      "domain-public-suffix",
      `${quote(suffix)} is a public suffix (Public Suffix List, ${section}), not a domain anyone can send mail from.`,
      `Use the registrable domain you hold under it, such as ${example}.${suffix}.`,
    ),
  ];
}
