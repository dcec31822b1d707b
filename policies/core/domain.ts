/**
 * Domain names as DNS and mail use them: LDH labels of 1..63 octets, at most 253 octets in all
 * (without the trailing dot), internationalized names converted to punycode (IDNA via WHATWG URL).
 */
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

/** True when `name` equals `parent` or lies under it (case-insensitive, trailing dot ignored). */
export function isSameOrSubdomain(name: string, parent: string): boolean {
  const n = normalizeForCompare(name);
  const p = normalizeForCompare(parent);
  if (n.length === 0 || p.length === 0) return false;
  return n === p || n.endsWith(`.${p}`);
}
