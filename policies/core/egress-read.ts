/**
 * Reading the raw protocol and port values of an egress rule as AWS spells them. Values come from
 * user programs and provider state as plain data, so nothing here assumes a type.
 */
import { isUnknown } from "./finding";

export const MAX_PORT = 65535;

/** A value for a message: strings quoted, anything else described without throwing. */
export function printValue(value: unknown): string {
  switch (typeof value) {
    case "undefined":
      return "missing";
    case "string":
      return JSON.stringify(value);
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    case "object":
      return value === null ? "null" : Array.isArray(value) ? "a list" : "an object";
    default:
      return `a ${typeof value}`;
  }
}

/** A protocol value read: `text` is the spelling as written. */
export type EgressProtocol =
  { kind: "all" | "tcp" | "other"; text: string } | { kind: "unknown" | "invalid" };

/** Names the EC2 API and the AWS provider accept besides tcp and all (ah = 51, esp = 50). */
const NON_TCP_NAMES = new Set(["udp", "icmp", "icmpv6", "ah", "esp"]);

function protocolNumber(n: number, text: string): EgressProtocol {
  if (n === -1) return { kind: "all", text };
  if (n === 6) return { kind: "tcp", text };
  if (Number.isInteger(n) && n >= 0 && n <= 255) return { kind: "other", text };
  return { kind: "invalid" };
}

/**
 * -1 / "all" (any case): every protocol; "tcp" (any case), 6, "6": TCP; udp, icmp, icmpv6, ah, esp
 * and the other numbers 0..255: not TCP; anything else (a typo, 256, a missing value): invalid.
 */
export function classifyEgressProtocol(value: unknown): EgressProtocol {
  if (isUnknown(value)) return { kind: "unknown" };
  if (typeof value === "number") return protocolNumber(value, String(value));
  if (typeof value !== "string") return { kind: "invalid" };
  const lower = value.toLowerCase();
  if (lower === "all") return { kind: "all", text: value };
  if (lower === "tcp") return { kind: "tcp", text: value };
  if (NON_TCP_NAMES.has(lower)) return { kind: "other", text: value };
  if (/^-?\d+$/.test(value)) return protocolNumber(Number(value), value);
  return { kind: "invalid" };
}

/** A port value read. */
export type EgressPort =
  { kind: "known"; value: number } | { kind: "unknown" } | { kind: "invalid"; why: string };

/** A TCP port: an integer 0..65535, given as a number or a numeric string. */
export function classifyEgressPort(value: unknown): EgressPort {
  if (isUnknown(value)) return { kind: "unknown" };
  if (value === undefined || value === null) return { kind: "invalid", why: "is missing" };
  let n: number;
  if (typeof value === "number") {
    n = value;
  } else if (typeof value === "string" && /^-?\d+$/.test(value)) {
    n = Number(value);
  } else {
    return { kind: "invalid", why: `is ${printValue(value)}, not a number` };
  }
  if (!Number.isInteger(n)) return { kind: "invalid", why: `is ${n}, not a whole number` };
  if (n < 0 || n > MAX_PORT) return { kind: "invalid", why: `is ${n}, outside 0..65535` };
  return { kind: "known", value: n };
}
