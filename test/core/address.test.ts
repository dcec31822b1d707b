import { MAX_LOCAL_PART_OCTETS, parseEmailAddress } from "../../policies/core/address";

describe("parseEmailAddress", () => {
  const valid: [string, string, { local: string; domain: string }][] = [
    ["a plain address", "app@example.com", { local: "app", domain: "example.com" }],
    [
      "a dotted local part",
      "first.last@example.com",
      { local: "first.last", domain: "example.com" },
    ],
    [
      "every atext special",
      "!#$%&'*+/=?^_`{|}~-@example.com",
      { local: "!#$%&'*+/=?^_`{|}~-", domain: "example.com" },
    ],
    [
      "a quoted local part",
      '"john doe"@example.com',
      { local: '"john doe"', domain: "example.com" },
    ],
    [
      "a quoted local part holding @ and an escaped quote",
      '"a@b\\"c"@example.com',
      { local: '"a@b\\"c"', domain: "example.com" },
    ],
    ["an empty quoted local part", '""@example.com', { local: '""', domain: "example.com" }],
    [
      "a local part of exactly 64 octets",
      `${"a".repeat(64)}@example.com`,
      { local: "a".repeat(64), domain: "example.com" },
    ],
    [
      "an upper-case domain, normalized",
      "App@Example.COM",
      { local: "App", domain: "example.com" },
    ],
    ["a subdomain", "alerts@news.example.com", { local: "alerts", domain: "news.example.com" }],
    [
      "an internationalized domain, in punycode",
      "info@bücher.example",
      { local: "info", domain: "xn--bcher-kva.example" },
    ],
  ];
  it.each(valid)("accepts %s", (_what, text, expected) => {
    expect(parseEmailAddress(text)).toEqual(expected);
  });

  const invalid: [string, string][] = [
    ["an empty string", ""],
    ["no @", "example.com"],
    ["an empty local part", "@example.com"],
    ["an empty domain", "app@"],
    ["a local part of 65 octets", `${"a".repeat(65)}@example.com`],
    ["a leading dot in the local part", ".app@example.com"],
    ["a trailing dot in the local part", "app.@example.com"],
    ["two dots in a row in the local part", "a..b@example.com"],
    ["a space in an unquoted local part", "john doe@example.com"],
    ["an unescaped quote inside a quoted local part", '"a"b"@example.com'],
    ["a non-ASCII local part", "jörg@example.com"],
    ["a trailing dot on the domain", "app@example.com."],
    ["a domain with an empty label", "app@example..com"],
    ["a domain label starting with a hyphen", "app@-example.com"],
    ["an address literal", "app@[192.0.2.1]"],
    ["a display name", "App <app@example.com>"],
  ];
  it.each(invalid)("refuses %s", (_what, text) => {
    expect(parseEmailAddress(text)).toBeUndefined();
  });

  it("refuses values that are not strings", () => {
    expect(parseEmailAddress(undefined as unknown as string)).toBeUndefined();
    expect(parseEmailAddress(42 as unknown as string)).toBeUndefined();
  });

  it("limits the local part to the 64 octets of RFC 5321", () => {
    expect(MAX_LOCAL_PART_OCTETS).toBe(64);
    expect(parseEmailAddress(`"${"a".repeat(62)}"@example.com`)).toBeDefined();
    expect(parseEmailAddress(`"${"a".repeat(63)}"@example.com`)).toBeUndefined();
  });

  it("accepts an RFC 5321 address literal only when asked, keeping it as written", () => {
    const options = { allowAddressLiteral: true };
    expect(parseEmailAddress("d@[192.0.2.1]", options)).toEqual({
      local: "d",
      domain: "[192.0.2.1]",
      literal: true,
    });
    expect(parseEmailAddress("d@[IPv6:2001:db8::1]", options)?.literal).toBe(true);
    expect(parseEmailAddress("d@[192.0.2.256]", options)).toBeUndefined();
    expect(parseEmailAddress("d@[example.com]", options)).toBeUndefined();
    expect(parseEmailAddress("d@example.com", options)).toEqual({
      local: "d",
      domain: "example.com",
    });
  });
});
