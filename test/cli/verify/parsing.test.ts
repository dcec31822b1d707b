import { parseResolverAddress } from "../../../cli/verify/dns";
import { parseHostPort } from "../../../cli/verify/port25";
import { parseEhlo, replyText } from "../../../cli/verify/smtp-client";

describe("parseResolverAddress", () => {
  it.each([
    ["127.0.0.1:5353", { host: "127.0.0.1", port: 5353 }],
    ["1.1.1.1", { host: "1.1.1.1", port: 53 }],
    ["::1", { host: "::1", port: 53 }],
    ["[::1]:5353", { host: "::1", port: 5353 }],
  ])("reads %s", (text, expected) => {
    expect(parseResolverAddress(text)).toEqual(expected);
  });

  it.each(["dns.google", "127.0.0.1:0", "127.0.0.1:70000", "[127.0.0.1]:53", "1.2.3:53", ""])(
    "refuses %s (resolvers are IP addresses with an optional port)",
    (text) => {
      expect(parseResolverAddress(text)).toBeUndefined();
    },
  );
});

describe("parseHostPort", () => {
  it("defaults to port 25 and reads names, IPv4 and bracketed IPv6 with ports", () => {
    expect(parseHostPort("feedback-smtp.eu-west-1.amazonses.com")).toEqual({
      host: "feedback-smtp.eu-west-1.amazonses.com",
      port: 25,
    });
    expect(parseHostPort("127.0.0.1:2525")).toEqual({ host: "127.0.0.1", port: 2525 });
    expect(parseHostPort("[::1]:2525")).toEqual({ host: "::1", port: 2525 });
    expect(parseHostPort("::1")).toEqual({ host: "::1", port: 25 });
  });

  it("refuses a port out of range or missing text", () => {
    expect(parseHostPort("host:0")).toBeUndefined();
    expect(parseHostPort("host:65536")).toBeUndefined();
    expect(parseHostPort(":25")).toBeUndefined();
  });
});

describe("parseEhlo", () => {
  it("maps each keyword after the greeting line to its parameters, upper case", () => {
    const caps = parseEhlo({
      code: 250,
      lines: ["email-smtp.amazonaws.com", "8BITMIME", "STARTTLS", "AUTH PLAIN login", "Ok"],
    });
    expect([...caps.entries()]).toEqual([
      ["8BITMIME", []],
      ["STARTTLS", []],
      ["AUTH", ["PLAIN", "LOGIN"]],
      ["OK", []],
    ]);
  });

  it("prints a multi-line reply on one line", () => {
    expect(replyText({ code: 535, lines: ["Authentication Credentials Invalid"] })).toBe(
      "535 Authentication Credentials Invalid",
    );
    expect(replyText({ code: 250, lines: ["a", "b"] })).toBe("250 a / b");
  });
});
