/**
 * The core's RFC 7208 evaluator (`checkHost`, policies/core/spf-eval.ts) against live DNS. The
 * evaluator asks its resolver synchronously; live lookups are asynchronous. So it runs against the
 * answers gathered so far, and a name it has not seen yet stops that run: the name is looked up and
 * the evaluation starts again, until a run needs nothing new. Every run is the core's evaluation,
 * lookup and void-lookup limits included; only the last, complete one is reported.
 */
import * as ipaddr from "ipaddr.js";
import {
  checkHost,
  SpfCheckRequest,
  SpfCheckResult,
  SpfResolver,
  SpfTempError,
} from "../../policies/core/spf-eval";
import { analyzeSpf, isSpfRecord } from "../../policies/core/spf";
import { bareName } from "../../policies/core/domain";
import { DnsAnswer, DnsLookup } from "./dns";

/** A run stopped at a name whose answer is not known yet. */
class NotYetLookedUp extends Error {}

type Kind = "txt" | "a" | "aaaa" | "mx" | "ptr";

/** More distinct lookups than any evaluation within RFC 7208's limits can need. */
const MAX_QUERIES = 400;

function answerValues(kind: Kind, answer: DnsAnswer<unknown>): string[] {
  if (answer.status === "error") throw new SpfTempError(`${kind} ${answer.name}: ${answer.error}`);
  if (answer.status !== "ok") return [];
  if (kind === "mx") {
    return (answer.records as { exchange: string }[])
      .map((r) => r.exchange)
      .filter((exchange) => exchange !== ".");
  }
  return answer.records as string[];
}

/** check_host() for one client address, with DNS answered by `dns`. */
export async function checkHostLive(
  request: SpfCheckRequest,
  dns: DnsLookup,
): Promise<SpfCheckResult> {
  const known = new Map<string, DnsAnswer<unknown>>();
  for (;;) {
    const missing = new Map<string, { kind: Kind; name: string }>();
    const answer =
      (kind: Kind) =>
      (name: string): string[] => {
        const key = `${kind} ${bareName(name)}`;
        const found = known.get(key);
        if (found === undefined) {
          missing.set(key, { kind, name });
          throw new NotYetLookedUp(key);
        }
        return answerValues(kind, found);
      };
    const resolver: SpfResolver = {
      txt: answer("txt"),
      a: answer("a"),
      aaaa: answer("aaaa"),
      mx: answer("mx"),
      ptr: answer("ptr"),
    };
    let result: SpfCheckResult | undefined;
    try {
      result = checkHost(request, resolver);
    } catch (e) {
      if (!(e instanceof NotYetLookedUp)) throw e;
    }
    // The evaluator swallows errors in a few places (the %{p} macro, exp=): a run that met an
    // unknown name is repeated even when it produced a result.
    if (missing.size === 0 && result !== undefined) return result;
    if (known.size + missing.size > MAX_QUERIES) {
      return { result: "permerror", reason: `more than ${MAX_QUERIES} distinct DNS lookups` };
    }
    await Promise.all(
      [...missing].map(async ([key, { kind, name }]) => {
        known.set(key, await dns[kind](name));
      }),
    );
  }
}

/** One SPF record at a name, or why there is not exactly one. */
export interface SpfRecordLookup {
  records: string[];
  answer: DnsAnswer<string>;
}

export async function spfRecordsAt(dns: DnsLookup, name: string): Promise<SpfRecordLookup> {
  const answer = await dns.txt(name);
  return { answer, records: answer.records.filter(isSpfRecord) };
}

/**
 * The DNS-querying terms (RFC 7208 4.6.4) of the record at `domain` and of every record its
 * `include:` and `redirect=` terms reach, when those name plain domains (terms with macros depend on
 * the sender and are not followed). This is the count publishers keep at 10 or below; the limit
 * itself is enforced by the evaluator.
 */
export async function spfTreeLookups(dns: DnsLookup, domain: string): Promise<number> {
  const seen = new Set<string>();
  const walk = async (name: string, depth: number): Promise<number> => {
    const key = bareName(name);
    if (seen.has(key) || depth > 10) return 0;
    seen.add(key);
    const { records } = await spfRecordsAt(dns, key);
    if (records.length !== 1) return 0;
    const analysis = analyzeSpf(records[0]);
    let total = analysis.lookups;
    for (const term of analysis.terms) {
      const follows =
        (term.kind === "mechanism" && term.name === "include") ||
        (term.kind === "modifier" && term.name === "redirect");
      if (follows && term.domain !== undefined && !term.domain.includes("%")) {
        total += await walk(term.domain, depth + 1);
      }
    }
    return total;
  };
  return walk(domain, 0);
}

/** A network an SPF record authorizes with ip4/ip6, as written. */
export interface SpfNetwork {
  text: string;
  /** An address inside it (the one after the network address), to evaluate with. */
  sample: string;
}

function sampleAddress(network: string, bits: number): string {
  const bytes = ipaddr.parse(network).toByteArray();
  const width = bytes.length * 8;
  if (bits < width) bytes[bytes.length - 1] |= 1;
  return ipaddr.fromByteArray(bytes).toString();
}

/**
 * The ip4/ip6 networks of the SPF record at `domain` and of the records its includes reach: for
 * `amazonses.com`, the ranges SES sends from, as SES publishes them today.
 */
export async function spfNetworks(dns: DnsLookup, domain: string): Promise<SpfNetwork[]> {
  const networks: SpfNetwork[] = [];
  const seen = new Set<string>();
  const walk = async (name: string, depth: number): Promise<void> => {
    const key = bareName(name);
    if (seen.has(key) || depth > 5) return;
    seen.add(key);
    const { records } = await spfRecordsAt(dns, key);
    if (records.length !== 1) return;
    for (const term of analyzeSpf(records[0]).terms) {
      if (term.kind !== "mechanism" || (term.qualifier ?? "+") !== "+") continue;
      if ((term.name === "ip4" || term.name === "ip6") && term.network !== undefined) {
        const bits =
          (term.name === "ip4" ? term.cidr4 : term.cidr6) ?? (term.name === "ip4" ? 32 : 128);
        if (ipaddr.isValid(term.network)) {
          networks.push({ text: term.text, sample: sampleAddress(term.network, bits) });
        }
      } else if (
        term.name === "include" &&
        term.domain !== undefined &&
        !term.domain.includes("%")
      ) {
        await walk(term.domain, depth + 1);
      }
    }
  };
  await walk(domain, 0);
  return networks;
}
