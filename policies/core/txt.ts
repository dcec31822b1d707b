/**
 * TXT record values. A TXT record is one or more character-strings of at most 255 octets each;
 * receivers concatenate them with no separator (RFC 7208 3.3, RFC 6376 3.6.2.2). Zone files and
 * the Cloudflare API write them as quoted strings separated by spaces: `"v=spf1 ..." "...rest"`.
 */
import { Finding, finding } from "./finding";

/** The largest character-string a TXT record can hold, in octets. */
export const TXT_STRING_MAX_OCTETS = 255;

/**
 * Splits a value into character-strings of at most 255 UTF-8 octets, never inside a character.
 * The empty value is one empty string.
 */
export function splitTxt(value: string): string[] {
  const chunks: string[] = [];
  let current = "";
  let currentOctets = 0;
  for (const char of value) {
    const octets = Buffer.byteLength(char, "utf8");
    if (currentOctets + octets > TXT_STRING_MAX_OCTETS) {
      chunks.push(current);
      current = "";
      currentOctets = 0;
    }
    current += char;
    currentOctets += octets;
  }
  chunks.push(current);
  return chunks;
}

function quoteString(chunk: string): string {
  return `"${chunk.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The Cloudflare `content` form: every 255-octet chunk quoted (`"` and `\` escaped), space-separated. */
export function quoteTxt(value: string): string {
  return splitTxt(value).map(quoteString).join(" ");
}

/**
 * The Route53 form of a TXT value, one entry of `aws.route53.Record.records`: the value split into
 * strings of at most 255 octets with `""` between them. The AWS provider puts the entry in quotes
 * itself, and Route53 reads each `""` inside it as the boundary between two strings of one record
 * (@pulumi/aws route53/record.d.ts, `records`): `"first 255 octets""the rest"`.
 */
export function route53Txt(value: string): string {
  return splitTxt(value).join('""');
}

/**
 * The strings of a Route53 TXT entry as written (see {@link route53Txt}): split at each `""`. An
 * entry written already quoted (`"a" "b"`) is read as quoted strings instead; undefined when it is
 * not well-formed quoted strings.
 */
export function route53TxtStrings(entry: string): string[] | undefined {
  if (entry.startsWith('"') && entry.endsWith('"') && entry.length >= 2) {
    return parseTxtStrings(entry);
  }
  return entry.split('""');
}

/**
 * The value receivers see for a Route53 TXT entry: its strings joined with no separator. An entry
 * written quoted that does not parse is returned unchanged.
 */
export function joinRoute53Txt(entry: string): string {
  return route53TxtStrings(entry)?.join("") ?? entry;
}

/**
 * The character-strings of a quoted TXT content (`"a" "b"` -> `["a", "b"]`), decoding `\"`, `\\`
 * and `\DDD` (one octet, decimal). Returns undefined when the content is not entirely quoted
 * strings separated by whitespace.
 */
export function parseTxtStrings(content: string): string[] | undefined {
  const strings: string[] = [];
  let i = 0;
  const n = content.length;
  const skipSpace = (): void => {
    while (i < n && /\s/.test(content[i])) i++;
  };
  skipSpace();
  if (i >= n) return undefined;
  while (i < n) {
    if (content[i] !== '"') return undefined;
    i++;
    const octets: number[] = [];
    let closed = false;
    while (i < n) {
      const c = content[i];
      if (c === '"') {
        closed = true;
        i++;
        break;
      }
      if (c === "\\") {
        const digits = /^[0-9]{3}/.exec(content.slice(i + 1, i + 4));
        if (digits) {
          const octet = Number(digits[0]);
          if (octet > 255) return undefined;
          octets.push(octet);
          i += 4;
          continue;
        }
        if (i + 1 >= n) return undefined;
        i++;
      }
      const codePoint = content.codePointAt(i) ?? 0;
      const char = String.fromCodePoint(codePoint);
      octets.push(...Buffer.from(char, "utf8"));
      i += char.length;
    }
    if (!closed) return undefined;
    strings.push(Buffer.from(octets).toString("utf8"));
    const before = i;
    skipSpace();
    if (i < n && i === before) return undefined;
  }
  return strings;
}

/**
 * The value receivers see: quoted strings joined with no separator (`"a" "b"` -> `"ab"`). A value
 * that is not entirely quoted strings (for example a plain `v=spf1 -all`) is returned unchanged.
 */
export function joinTxt(content: string): string {
  const strings = parseTxtStrings(content);
  return strings === undefined ? content : strings.join("");
}

/**
 * Findings for TXT content as written in a DNS provider: an unterminated quote, or a quoted
 * string longer than 255 octets (which no DNS server can serve).
 */
export function checkTxtContent(content: string): Finding[] {
  const trimmed = content.trim();
  if (!trimmed.startsWith('"')) return [];
  const strings = parseTxtStrings(content);
  if (strings === undefined) {
    return [
      finding(
        "error",
        "txt-bad-quoting",
        `TXT content ${JSON.stringify(content)} starts with a quote but is not a list of quoted strings.`,
        'Write it as "part one" "part two", escaping " and \\ inside a string with a backslash, or pass the plain value.',
      ),
    ];
  }
  return oversizedTxtStrings(strings).map(({ index, octets }) =>
    finding(
      "error",
      "txt-string-too-long",
      `TXT string ${index + 1} of ${JSON.stringify(content)} is ${octets} octets; a character-string holds at most ${TXT_STRING_MAX_OCTETS}.`,
      "Split the value into strings of at most 255 octets (quoteTxt does this).",
    ),
  );
}

/** The strings (0-based index, size) longer than a DNS character-string can hold. */
export function oversizedTxtStrings(
  strings: readonly string[],
): { index: number; octets: number }[] {
  return strings
    .map((s, index) => ({ index, octets: Buffer.byteLength(s, "utf8") }))
    .filter((s) => s.octets > TXT_STRING_MAX_OCTETS);
}
