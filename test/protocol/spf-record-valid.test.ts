/**
 * spf-record-valid's stack check over the real analyzer protocol: the pack started as the CLI
 * starts it, each record sent to Analyze and the whole stack to AnalyzeStack, as the engine does.
 * A stack whose SPF records include each other cleanly passes the whole pack; loops, self-reference
 * through macros, the lookup and void limits summed through the stack's records are mandatory
 * violations on the record, with the chain and the fix.
 */
import * as path from "path";
import { Diagnostic, PolicyPackSession, startPolicyPack } from "../../cli/analyzer/policy-pack";
import { UNKNOWN } from "../helpers/policy-support";
import { analyzerResource } from "../helpers/ses-fixtures";
import {
  DNS,
  SpfStack,
  labelOf,
  rec,
  stackOf,
  stackResources,
  urnOfRecord,
} from "../helpers/spf-stacks";

const packDir = path.join(__dirname, "..", "..", "policies");
const POLICY = "spf-record-valid";
const PERM = "every receiver's RFC 7208 evaluation returns permerror";

let pack: PolicyPackSession;
let description: string;

beforeAll(async () => {
  pack = await startPolicyPack({ packDir });
  description = (await pack.info()).policies.find((p) => p.name === POLICY)?.description ?? "";
}, 180_000);

afterAll(async () => {
  await pack?.close();
});

type Row = [policy: string, level: string, urn: string, message: string];

/** Every diagnostic for the stack, as policy, level, URN and message (without the description). */
async function feed(resources: ReturnType<typeof stackResources>): Promise<Row[]> {
  const sent = resources.map(analyzerResource);
  const found: Diagnostic[] = [];
  for (const r of sent) {
    found.push(...(await pack.analyze(r)).diagnostics);
  }
  found.push(...(await pack.analyzeStack(sent)).diagnostics);
  return found.map((d) => [
    d.policyName,
    d.enforcementLevel,
    d.urn,
    d.message.startsWith(`${description}\n`) ? d.message.slice(description.length + 1) : d.message,
  ]);
}

const ours = (rows: Row[]) => rows.filter(([policy]) => policy === POLICY);

describe("spf-record-valid over pulumirpc.Analyzer", () => {
  it("is listed as a mandatory policy with resource and stack checks", async () => {
    const info = (await pack.info()).policies.find((p) => p.name === POLICY);
    expect(info?.enforcementLevel).toBe("mandatory");
    expect(description).toBe(
      "SPF records parse without permerror, each name holds at most one, and evaluation through the stack's records ends in no loop or lookup-limit permerror.",
    );
  });

  describe.each(DNS)("on %s", (dns) => {
    it("finds nothing, in the whole pack, for records that include each other cleanly", async () => {
      const stack: SpfStack = stackOf([
        rec("example.com", "TXT", "v=spf1 mx include:_spf.example.com include:amazonses.com -all"),
        rec("example.com", "MX", "mx.example.com"),
        rec("mx.example.com", "A", "192.0.2.10"),
        rec("_spf.example.com", "TXT", "v=spf1 ip4:192.0.2.0/24 a:mx.example.com -all"),
      ]);
      expect(await feed(stackResources(dns, stack))).toEqual([]);
    });

    it("reports a loop between two records on both, as mandatory, with the chain", async () => {
      const apex = rec("example.com", "TXT", "v=spf1 include:_spf.example.com -all");
      const spf = rec(
        "_spf.example.com",
        "TXT",
        "v=spf1 ip4:192.0.2.0/24 include:example.com -all",
      );
      expect(ours(await feed(stackResources(dns, stackOf([apex, spf]))))).toEqual([
        [
          POLICY,
          "mandatory",
          urnOfRecord(dns, apex),
          `${labelOf(dns, apex)}: the SPF record at example.com ("v=spf1 include:_spf.example.com -all") loops through records the stack publishes: example.com -> _spf.example.com -> example.com ("include:example.com" at _spf.example.com). Evaluation would repeat the loop until the 10-lookup limit, so ${PERM} for mail no earlier term authorizes. Fix: break the loop: remove "include:example.com" from the record at _spf.example.com, or another include or redirect of the loop; no record may lead back to a domain being evaluated.`,
        ],
        [
          POLICY,
          "mandatory",
          urnOfRecord(dns, spf),
          `${labelOf(dns, spf)}: the SPF record at _spf.example.com ("v=spf1 ip4:192.0.2.0/24 include:example.com -all") loops through records the stack publishes: _spf.example.com -> example.com -> _spf.example.com ("include:_spf.example.com" at example.com). Evaluation would repeat the loop until the 10-lookup limit, so ${PERM} for mail no earlier term authorizes. Fix: break the loop: remove "include:_spf.example.com" from the record at example.com, or another include or redirect of the loop; no record may lead back to a domain being evaluated.`,
        ],
      ]);
    });

    it("reports a self-redirect through %{o}", async () => {
      const spf = rec("example.com", "TXT", "v=spf1 ip4:192.0.2.0/24 redirect=%{o}");
      expect(ours(await feed(stackResources(dns, stackOf([spf]))))).toEqual([
        [
          POLICY,
          "mandatory",
          urnOfRecord(dns, spf),
          `${labelOf(dns, spf)}: the SPF record at example.com ("v=spf1 ip4:192.0.2.0/24 redirect=%{o}") redirects to itself through "redirect=%{o}" (which expands to example.com): example.com -> example.com. Evaluation would repeat it until the 10-lookup limit, so ${PERM} for mail no earlier term authorizes. Fix: replace "redirect=%{o}" with -all (or ~all), or redirect to another domain's record.`,
        ],
      ]);
    });

    it("reports more than 10 lookups summed through the stack's includes, and 3 void lookups", async () => {
      const hosts = Array.from({ length: 8 }, (_, i) => rec(`h${i}.example.com`, "A", "192.0.2.1"));
      const terms = hosts.map((h) => `a:${h.name}`).join(" ");
      const apex = rec(
        "example.com",
        "TXT",
        "v=spf1 include:_spf.google.com include:_spf.example.com include:_void.example.com -all",
      );
      const spf = rec("_spf.example.com", "TXT", `v=spf1 ${terms} -all`);
      const voids = rec(
        "_void.example.com",
        "TXT",
        "v=spf1 a:gone.example.com a:old.example.com exists:%{l}.bl.example.com -all",
      );
      const rows = ours(await feed(stackResources(dns, stackOf([apex, spf, voids, ...hosts]))));
      expect(rows).toEqual([
        [
          POLICY,
          "mandatory",
          urnOfRecord(dns, apex),
          `${labelOf(dns, apex)}: the SPF record at example.com (${JSON.stringify(apex.value)}) needs more than 10 DNS-querying terms once the includes and redirects the stack publishes are followed (3 at example.com and 8 at _spf.example.com); receivers stop at the 11th, "include:_void.example.com" at example.com (example.com), and ${PERM}. Names the stack does not publish (_spf.google.com) count one lookup each; their own lookups come on top. Fix: replace a, mx and ptr with ip4/ip6 ranges, merge the stack's included records into fewer, or drop includes you no longer send through.`,
        ],
        [
          POLICY,
          "mandatory",
          urnOfRecord(dns, voids),
          `${labelOf(dns, voids)}: the SPF record at _void.example.com (${JSON.stringify(voids.value)}) makes more than 2 void lookups (names with no such records in zones the stack declares): "a:gone.example.com" at _void.example.com, "a:old.example.com" at _void.example.com and "exists:%{l}.bl.example.com" (which expands to postmaster.bl.example.com) at _void.example.com; at the third ${PERM} (RFC 7208 4.6.4). Fix: remove the terms that query names without records, or publish the records they expect.`,
        ],
      ]);
    });

    it("names an included value unknown during preview in an advisory note, and blocks nothing", async () => {
      const apex = rec("example.com", "TXT", "v=spf1 include:_spf.example.com -all");
      const pending = rec("_spf.example.com", "TXT", "v=spf1 -all");
      const resources = stackResources(dns, stackOf([apex, pending]));
      const target = resources[resources.length - 1];
      target.props = {
        ...target.props,
        ...(dns === "cloudflare" ? { content: UNKNOWN } : { records: [UNKNOWN] }),
      };
      const field = dns === "cloudflare" ? ".content" : ".records.0";
      const rows = ours(await feed(resources));
      expect(rows.map(([, level]) => level)).toEqual(["advisory", "advisory"]);
      for (const [, , , message] of rows) {
        expect(message).toMatch(
          new RegExp(
            `^can't run policy 'spf-record-valid' from policy pack 'mailguard@v[\\d.]+' during preview: .* value at ${field.replace(/\./g, "\\.")} can't be known during preview$`,
          ),
        );
      }
    });
  });
});
