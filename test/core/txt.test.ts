import * as fc from "fast-check";
import {
  checkTxtContent,
  joinTxt,
  parseTxtStrings,
  quoteTxt,
  splitTxt,
} from "../../policies/core/txt";
import { propertyRuns } from "../helpers/properties";

const octets = (s: string): number => Buffer.byteLength(s, "utf8");

describe("splitTxt", () => {
  it("keeps a value of at most 255 octets as one string", () => {
    expect(splitTxt("v=spf1 -all")).toEqual(["v=spf1 -all"]);
    expect(splitTxt("x".repeat(255))).toEqual(["x".repeat(255)]);
  });

  it("returns one empty string for the empty value", () => {
    expect(splitTxt("")).toEqual([""]);
  });

  it("cuts a 600-octet ASCII value at 255 and 510 octets", () => {
    const value = "a".repeat(600);
    expect(splitTxt(value).map((s) => s.length)).toEqual([255, 255, 90]);
  });

  it("never splits a multi-byte character: a 3-octet character that would straddle 255 moves on", () => {
    const value = "a".repeat(254) + "€" + "b";
    const chunks = splitTxt(value);
    expect(chunks).toEqual(["a".repeat(254), "€b"]);
    expect(chunks.map(octets)).toEqual([254, 4]);
  });

  it("keeps 4-octet characters (surrogate pairs) whole", () => {
    const chunks = splitTxt("😀".repeat(100));
    expect(chunks.map(octets)).toEqual([252, 148]);
    expect(chunks.join("")).toBe("😀".repeat(100));
  });
});

describe("quoteTxt", () => {
  it("quotes a short value as one string", () => {
    expect(quoteTxt("v=spf1 include:amazonses.com -all")).toBe(
      '"v=spf1 include:amazonses.com -all"',
    );
  });

  it("escapes double quotes and backslashes", () => {
    expect(quoteTxt('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
  });

  it("writes a long DKIM key as several quoted strings separated by a space", () => {
    const key = `v=DKIM1; k=rsa; p=${"A".repeat(392)}`;
    const content = quoteTxt(key);
    expect(content).toBe(`"${key.slice(0, 255)}" "${key.slice(255)}"`);
  });
});

describe("joinTxt", () => {
  it("joins quoted strings with no separator, as receivers do", () => {
    expect(joinTxt('"v=spf1 ip4:192.0.2.1 " "include:_spf.example.com -all"')).toBe(
      "v=spf1 ip4:192.0.2.1 include:_spf.example.com -all",
    );
  });

  it('decodes \\" \\\\ and \\DDD escapes', () => {
    expect(joinTxt('"a\\"b" "c\\\\d" "\\065\\066"')).toBe('a"bc\\dAB');
  });

  it("decodes \\DDD octets that together form a UTF-8 character", () => {
    expect(joinTxt('"\\226\\130\\172"')).toBe("€");
  });

  it("returns an unquoted value unchanged", () => {
    expect(joinTxt("v=spf1 -all")).toBe("v=spf1 -all");
  });

  it("returns content with an unterminated quote unchanged", () => {
    expect(joinTxt('"v=spf1 -all')).toBe('"v=spf1 -all');
    expect(parseTxtStrings('"v=spf1 -all')).toBeUndefined();
  });

  it("accepts any whitespace between strings, but requires some", () => {
    expect(parseTxtStrings('"a"\t "b"\n"c"')).toEqual(["a", "b", "c"]);
    expect(parseTxtStrings('"a""b"')).toBeUndefined();
  });
});

describe("checkTxtContent", () => {
  it("reports a quoted string longer than 255 octets", () => {
    const findings = checkTxtContent(`"${"x".repeat(300)}"`);
    expect(findings.map((f) => [f.severity, f.code])).toEqual([["error", "txt-string-too-long"]]);
    expect(findings[0].message).toContain("300 octets");
  });

  it("reports broken quoting", () => {
    expect(checkTxtContent('"abc" "def').map((f) => f.code)).toEqual(["txt-bad-quoting"]);
  });

  it("accepts what quoteTxt writes and plain values", () => {
    expect(checkTxtContent(quoteTxt("y".repeat(1000)))).toEqual([]);
    expect(checkTxtContent("v=spf1 -all")).toEqual([]);
  });
});

describe("TXT properties", () => {
  const anyString = fc.oneof(
    fc.string({ unit: "binary", maxLength: 700 }),
    fc.string({ unit: "grapheme", maxLength: 400 }),
    fc.string({ unit: "binary-ascii", maxLength: 900 }),
  );

  it("splitTxt chunks are at most 255 octets and concatenate to the value", () => {
    fc.assert(
      fc.property(anyString, (value) => {
        const chunks = splitTxt(value);
        expect(chunks.join("")).toBe(value);
        for (const c of chunks) expect(octets(c)).toBeLessThanOrEqual(255);
        // Only the last chunk may be short enough to have taken the next character.
        chunks.slice(0, -1).forEach((c, i) => {
          const next = [...chunks[i + 1]][0] ?? "";
          expect(octets(c) + octets(next)).toBeGreaterThan(255);
        });
      }),
      propertyRuns(),
    );
  });

  it("joinTxt(quoteTxt(v)) is v for any string, multi-byte included", () => {
    fc.assert(
      fc.property(anyString, (value) => {
        expect(joinTxt(quoteTxt(value))).toBe(value);
      }),
      propertyRuns(),
    );
  });

  it("every string quoteTxt writes decodes to at most 255 octets", () => {
    fc.assert(
      fc.property(anyString, (value) => {
        const strings = parseTxtStrings(quoteTxt(value));
        expect(strings).toBeDefined();
        for (const s of strings ?? []) expect(octets(s)).toBeLessThanOrEqual(255);
        expect(checkTxtContent(quoteTxt(value))).toEqual([]);
      }),
      propertyRuns(),
    );
  });
});
