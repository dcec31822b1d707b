/**
 * The scale case of `npm run bench`: how AnalyzeStack grows with the stack. Each shape is judged
 * at N and 8N; the growth factor of time and of response size from N to 8N must stay at most 10x
 * (linear, with room for noise). Then a 50,000-resource mixed stack goes through Analyze and
 * AnalyzeStack in a fresh pack process, whose peak resident memory (VmHWM) must stay under 400 MB.
 */
import * as fs from "fs";
import * as path from "path";
import * as anproto from "@pulumi/pulumi/proto/analyzer_pb";
import {
  AnalyzeResult,
  AnalyzerResource,
  EnforcementLevel,
  PolicyPackSession,
  startPolicyPack,
} from "../cli/analyzer/policy-pack";
import { syntheticStack } from "./stack";

const PACK_DIR = path.join(__dirname, "..", "policies");
const GROWTH_TARGET = 10;
const PEAK_TARGET_MB = 400;
const LARGE_STACK = Number(process.env.BENCH_LARGE_RESOURCES ?? 50_000);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 500);

const TOKENS = [
  "xtk53kxcy4p3t6ztbrffs6d54rsrrhh6",
  "zxfo5z4dqr44uztwz5io2b4j4mwlrquj",
  "a2b3c4d5e6f7g2h3i4j5k6l7m2n3o4p5",
];

/**
 * A multi-tenant stack: tenant K has a DNS zone the stack does not declare (its id comes from
 * config), an SES identity `tenantK.example.com` with its MAIL FROM, and in that zone the records
 * SES needs, written with full names, and a DMARC record whose name is relative to the zone.
 * With `anchored` false the zone holds the `_dmarc` record alone.
 */
export function multiTenantStack(tenants: number, anchored = true): AnalyzerResource[] {
  const out: AnalyzerResource[] = [
    {
      type: "aws:sesv2/configurationSet:ConfigurationSet",
      name: "tenants",
      properties: { configurationSetName: "tenants", deliveryOptions: { tlsPolicy: "REQUIRE" } },
    },
  ];
  const record = (k: number, name: string, type: string, content: string): AnalyzerResource => ({
    type: "cloudflare:index/dnsRecord:DnsRecord",
    name: `t${k}-${type.toLowerCase()}-${name.split(".")[0]}`,
    properties: { zoneId: `tenant-zone-${k}`, name, type, content, ttl: 1, proxied: false },
  });
  for (let k = 0; k < tenants; k++) {
    const domain = `tenant${k}.example.com`;
    out.push({
      type: "aws:sesv2/emailIdentity:EmailIdentity",
      name: `t${k}-identity`,
      properties: {
        emailIdentity: domain,
        configurationSetName: "tenants",
        dkimSigningAttributes: { nextSigningKeyLength: "RSA_2048_BIT", tokens: TOKENS },
      },
    });
    out.push(record(k, "_dmarc", "TXT", "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"));
    if (!anchored) {
      continue;
    }
    out.push({
      type: "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes",
      name: `t${k}-mail-from`,
      properties: { emailIdentity: domain, mailFromDomain: `mail.${domain}` },
    });
    out.push(record(k, `mail.${domain}`, "MX", "feedback-smtp.us-east-1.amazonses.com"));
    out[out.length - 1].properties.priority = 10;
    out.push(record(k, `mail.${domain}`, "TXT", "v=spf1 include:amazonses.com -all"));
    TOKENS.forEach((t, i) => {
      const r = record(k, `${t}._domainkey.${domain}`, "CNAME", `${t}.dkim.amazonses.com`);
      out.push({ ...r, name: `t${k}-dkim-${i}` });
    });
  }
  return out.map((r) => ({ ...r, urn: `urn:pulumi:bench::mailguard::${r.type}::${r.name}` }));
}

const LEVEL_CODES: Record<EnforcementLevel, anproto.EnforcementLevel> = {
  advisory: anproto.EnforcementLevel.ADVISORY,
  mandatory: anproto.EnforcementLevel.MANDATORY,
  remediate: anproto.EnforcementLevel.REMEDIATE,
  disabled: anproto.EnforcementLevel.DISABLED,
};

/**
 * The size of the AnalyzeResponse the pack sent, rebuilt field by field as @pulumi/policy builds it
 * (protoutil.makeAnalyzeResponse): what counts against the CLI's 400 MB gRPC message limit.
 */
export function responseBytes(result: AnalyzeResult): number {
  const resp = new anproto.AnalyzeResponse();
  resp.setDiagnosticsList(
    result.diagnostics.map((d) => {
      const diagnostic = new anproto.AnalyzeDiagnostic();
      diagnostic.setPolicyname(d.policyName);
      diagnostic.setPolicypackname(d.policyPackName);
      diagnostic.setPolicypackversion(d.policyPackVersion);
      diagnostic.setDescription(d.description);
      diagnostic.setMessage(d.message);
      diagnostic.setEnforcementlevel(LEVEL_CODES[d.enforcementLevel]);
      if (d.urn !== "") {
        diagnostic.setUrn(d.urn);
      }
      return diagnostic;
    }),
  );
  resp.setNotApplicableList(
    result.notApplicable.map((n) =>
      new anproto.PolicyNotApplicable().setPolicyName(n.policyName).setReason(n.reason),
    ),
  );
  return resp.serializeBinary().length;
}

interface Measure {
  resources: number;
  ms: number;
  bytes: number;
  diagnostics: number;
  error?: string;
}

async function measure(pack: PolicyPackSession, stack: AnalyzerResource[]): Promise<Measure> {
  const t0 = process.hrtime.bigint();
  try {
    const result = await pack.analyzeStack(stack);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    return {
      resources: stack.length,
      ms,
      bytes: responseBytes(result),
      diagnostics: result.diagnostics.length,
    };
  } catch (e) {
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const error = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    return { resources: stack.length, ms, bytes: NaN, diagnostics: NaN, error };
  }
}

/** The median-time measure of three, so that one slow round on a shared machine does not count. */
async function median3(pack: PolicyPackSession, stack: AnalyzerResource[]): Promise<Measure> {
  const ms: Measure[] = [];
  for (let i = 0; i < 3; i++) {
    const m = await measure(pack, stack);
    if (m.error !== undefined) {
      return m;
    }
    ms.push(m);
  }
  return ms.sort((a, b) => a.ms - b.ms)[1];
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

function show(m: Measure): string {
  return m.error !== undefined
    ? `${m.resources} resources: failed after ${m.ms.toFixed(0)} ms (${m.error})`
    : `${m.resources} resources: ${m.ms.toFixed(0)} ms, response ${mb(m.bytes)} (${m.diagnostics} diagnostics)`;
}

/** Peak resident set of a process, from /proc (Linux); undefined elsewhere. */
export function peakRssBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) {
    return undefined;
  }
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** Prints the growth of each shape from N to 8N; returns whether every target was met. */
export async function runScale(): Promise<boolean> {
  let met = true;
  const shapes: [string, (n: number) => AnalyzerResource[], number][] = [
    ["multi-tenant (zones not declared)", (n) => multiTenantStack(n), TENANTS],
    ["multi-tenant, _dmarc records alone", (n) => multiTenantStack(n, false), TENANTS],
    ["mixed", (n) => syntheticStack(n), Math.round(LARGE_STACK / 8)],
  ];
  const pack = await startPolicyPack({ packDir: PACK_DIR });
  try {
    await measure(pack, multiTenantStack(50)); // warm-up
    await measure(pack, syntheticStack(1000));
    for (const [label, make, n] of shapes) {
      const small = await median3(pack, make(n));
      const large = await median3(pack, make(8 * n));
      console.log(`scale, ${label}, N = ${n}:`);
      console.log(`  N:  ${show(small)}`);
      console.log(`  8N: ${show(large)}`);
      if (small.error !== undefined || large.error !== undefined) {
        console.log(
          `  growth N->8N: cannot tell, a run failed (target <= ${GROWTH_TARGET}x): NOT met`,
        );
        met = false;
        continue;
      }
      const time = large.ms / small.ms;
      // A shape that passes sends an empty response at both sizes: nothing grows.
      const size = large.bytes === 0 && small.bytes === 0 ? 1 : large.bytes / small.bytes;
      const sizeText =
        large.bytes === 0 && small.bytes === 0 ? "empty at both" : `${size.toFixed(2)}x`;
      const ok = time <= GROWTH_TARGET && size <= GROWTH_TARGET;
      met &&= ok;
      console.log(
        `  growth N->8N: time ${time.toFixed(2)}x, response ${sizeText} (target <= ${GROWTH_TARGET}x): ${ok ? "met" : "NOT met"}`,
      );
    }
  } finally {
    await pack.close();
  }

  // Peak memory: a fresh pack process, so that its high-water mark is this stack's alone.
  const stack = syntheticStack(LARGE_STACK);
  const fresh = await startPolicyPack({ packDir: PACK_DIR });
  try {
    const t0 = process.hrtime.bigint();
    let diagnostics = 0;
    for (const r of stack) {
      diagnostics += (await fresh.analyze(r)).diagnostics.length;
    }
    const t1 = process.hrtime.bigint();
    const result = await fresh.analyzeStack(stack);
    const t2 = process.hrtime.bigint();
    diagnostics += result.diagnostics.length;
    const peak = peakRssBytes(fresh.pid);
    const ok = peak !== undefined && peak < PEAK_TARGET_MB * 1024 * 1024;
    met &&= ok;
    console.log(
      `scale, mixed stack of ${stack.length} resources: Analyze x${stack.length} ${(Number(t1 - t0) / 1e6).toFixed(0)} ms, ` +
        `AnalyzeStack ${(Number(t2 - t1) / 1e6).toFixed(0)} ms (response ${mb(responseBytes(result))}), ${diagnostics} diagnostics; ` +
        `pack peak RSS ${peak === undefined ? "unknown (no /proc)" : mb(peak)} (target < ${PEAK_TARGET_MB} MB): ${ok ? "met" : "NOT met"}`,
    );
  } finally {
    await fresh.close();
  }
  return met;
}

if (require.main === module) {
  runScale().then(
    (met) => {
      process.exitCode = met ? 0 : 1;
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
