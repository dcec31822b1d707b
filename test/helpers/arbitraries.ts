import * as fc from "fast-check";

/**
 * A letter-digit-hyphen hostname label of 1 to 12 characters. `xn--` labels are left out: an
 * A-label must be valid punycode, which random text is not, and the core rejects it.
 */
export const ldhLabel = fc
  .stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/)
  .filter((label) => !label.startsWith("xn--"));

/** A fully qualified name: one to three labels under an alphabetic top label. */
export const domainName = fc
  .tuple(fc.array(ldhLabel, { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[a-z]{2,6}$/))
  .map(([labels, top]) => [...labels, top].join("."));
