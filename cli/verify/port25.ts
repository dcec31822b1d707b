/**
 * Section 4 of `mailguard verify`: can this machine open TCP connections to port 25? A server
 * that sends through SES never needs to, and cloud providers block it for good reason. One
 * connection attempt, at most five seconds, to a host that always listens on 25 (by default the
 * region's SES feedback host): it must not complete.
 */
import * as net from "net";
import { type Check, check } from "./report";

/** How long the probe waits for the connection. */
export const PORT_25_TIMEOUT_MS = 5000;

export type ProbeOutcome =
  | { result: "open" }
  | { result: "refused" }
  | { result: "timed out" }
  | { result: "unreachable"; code: string }
  | { result: "unresolved"; code: string }
  | { result: "error"; code: string };

/** One TCP connection attempt; the socket is always destroyed. */
export function probeTcp(
  host: string,
  port: number,
  timeoutMs = PORT_25_TIMEOUT_MS,
): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (outcome: ProbeOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done({ result: "timed out" }), timeoutMs);
    socket.once("connect", () => done({ result: "open" }));
    socket.once("error", (e: NodeJS.ErrnoException) => {
      const code = e.code ?? "error";
      if (code === "ECONNREFUSED") done({ result: "refused" });
      else if (code === "ENOTFOUND" || code === "EAI_AGAIN") done({ result: "unresolved", code });
      else if (["EHOSTUNREACH", "ENETUNREACH", "EACCES", "EPERM"].includes(code))
        done({ result: "unreachable", code });
      else done({ result: "error", code });
    });
  });
}

/** `HOST[:PORT]` (IPv6 in brackets when a port follows); port 25 by default. */
export function parseHostPort(
  text: string,
  defaultPort = 25,
): { host: string; port: number } | undefined {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([^:[\]]+)(?::(\d+))?$/.exec(text);
  let host: string;
  let port: string | undefined;
  if (bracketed) [, host, port] = bracketed;
  else if (net.isIPv6(text)) host = text;
  else if (plain) [, host, port] = plain;
  else return undefined;
  const n = port === undefined ? defaultPort : Number(port);
  if (!Number.isInteger(n) || n < 1 || n > 65535 || host === "") return undefined;
  return { host, port: n };
}

export async function port25Check(
  host: string,
  port: number,
  timeoutMs = PORT_25_TIMEOUT_MS,
): Promise<Check> {
  const where = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
  const expected =
    "the connection does not complete (refused or timed out): port-25 egress is blocked";
  const outcome = await probeTcp(host, port, timeoutMs);
  const make = (status: "pass" | "fail" | "warn", observed: string, fix = "") =>
    check("egress", "egress-port-25", where, status, observed, expected, fix);
  switch (outcome.result) {
    case "open":
      return make(
        "fail",
        `Open: a TCP connection to ${where} completed from this machine, so anything here can send mail on port 25 directly.`,
        "Remove egress rules that allow TCP 25 (mailguard's NoSmtpEgressSecurityGroup, or a NACL deny on 25) and submit through SES on 587 or 465.",
      );
    case "refused":
      return make(
        "pass",
        `Refused: the connection to ${where} was rejected (closed port, or a firewall answering with a reset).`,
      );
    case "timed out":
      return make(
        "pass",
        `Timed out after ${timeoutMs / 1000} s: nothing answered, as when egress on 25 is dropped.`,
      );
    case "unreachable":
      return make(
        "pass",
        `Unreachable (${outcome.code}): the connection could not leave this machine.`,
      );
    case "unresolved":
      return make(
        "warn",
        `${host} could not be resolved (${outcome.code}): nothing was probed.`,
        "Give --probe-port-25 HOST[:PORT] with a host that resolves from here and listens on 25.",
      );
    case "error":
      return make(
        "warn",
        `The probe failed (${outcome.code}): nothing was learned.`,
        "Run verify again, or probe another host with --probe-port-25.",
      );
  }
}
