/**
 * Email addresses as SMTP carries them (RFC 5321 4.1.2): `local-part@domain`, where the local part
 * is a dot-atom or a quoted string of at most 64 octets and the domain a fully qualified name
 * without the trailing dot. Address literals (`user@[192.0.2.1]`, `user@[IPv6:2001:db8::1]`, RFC
 * 5321 4.1.3) are accepted only when the caller asks; comments never are.
 */
import { isIPv4, isIPv6 } from "net";
import { checkDomainName } from "./domain";

/** RFC 5321 4.5.3.1.1: a local part holds at most 64 octets. */
export const MAX_LOCAL_PART_OCTETS = 64;

const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const QUOTED_LOCAL = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;

export interface EmailAddress {
  /** The local part as written (a quoted local part keeps its quotes). */
  local: string;
  /**
   * The domain, normalized by the core: lower-case ASCII, IDNs in punycode; or an address literal
   * in brackets as written (`[192.0.2.1]`, `[IPv6:2001:db8::1]`).
   */
  domain: string;
  /** The domain is an address literal, which has no DNS name. */
  literal?: boolean;
}

export interface EmailAddressOptions {
  /** Accept an address literal as the domain (RFC 5321 4.1.3; mailto: URIs, RFC 6068). Default false. */
  allowAddressLiteral?: boolean;
}

/** An RFC 5321 address literal: `[IPv4]` or `[IPv6:address]`. */
function isAddressLiteral(domain: string): boolean {
  const m = /^\[(.*)\]$/.exec(domain);
  if (m === null) return false;
  const inner = m[1];
  return /^IPv6:/i.test(inner) ? isIPv6(inner.slice(5)) : isIPv4(inner);
}

/**
 * Splits and checks an email address; undefined when it is not one. The last `@` separates the
 * domain, since a quoted local part may contain `@`.
 */
export function parseEmailAddress(
  text: string,
  options: EmailAddressOptions = {},
): EmailAddress | undefined {
  if (typeof text !== "string") return undefined;
  const at = text.lastIndexOf("@");
  if (at <= 0) return undefined;
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  // Both patterns admit ASCII only, so characters are octets.
  if (local.length > MAX_LOCAL_PART_OCTETS) return undefined;
  if (!DOT_ATOM.test(local) && !QUOTED_LOCAL.test(local)) return undefined;
  if (options.allowAddressLiteral === true && isAddressLiteral(domain)) {
    return { local, domain, literal: true };
  }
  if (domain.endsWith(".")) return undefined;
  const name = checkDomainName(domain).name;
  return name === undefined ? undefined : { local, domain: name };
}
