/**
 * Email addresses as SMTP carries them (RFC 5321 4.1.2): `local-part@domain`, where the local part
 * is a dot-atom or a quoted string of at most 64 octets and the domain a fully qualified name
 * without the trailing dot. Address literals (`user@[192.0.2.1]`) and comments are not accepted.
 */
import { checkDomainName } from "./domain";

/** RFC 5321 4.5.3.1.1: a local part holds at most 64 octets. */
export const MAX_LOCAL_PART_OCTETS = 64;

const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const QUOTED_LOCAL = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;

export interface EmailAddress {
  /** The local part as written (a quoted local part keeps its quotes). */
  local: string;
  /** The domain, normalized by the core: lower-case ASCII, IDNs in punycode. */
  domain: string;
}

/**
 * Splits and checks an email address; undefined when it is not one. The last `@` separates the
 * domain, since a quoted local part may contain `@`.
 */
export function parseEmailAddress(text: string): EmailAddress | undefined {
  if (typeof text !== "string") return undefined;
  const at = text.lastIndexOf("@");
  if (at <= 0) return undefined;
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  // Both patterns admit ASCII only, so characters are octets.
  if (local.length > MAX_LOCAL_PART_OCTETS) return undefined;
  if (!DOT_ATOM.test(local) && !QUOTED_LOCAL.test(local)) return undefined;
  if (domain.endsWith(".")) return undefined;
  const name = checkDomainName(domain).name;
  return name === undefined ? undefined : { local, domain: name };
}
