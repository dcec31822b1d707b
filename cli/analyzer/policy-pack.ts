import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as anrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as anproto from "@pulumi/pulumi/proto/analyzer_pb";
import { EngineLog, EngineServer, startEngine } from "./engine";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export type PolicyType = "resource" | "stack" | "unknown";

/** A resource as the engine sends it to an analyzer. */
export interface AnalyzerResource {
  type: string;
  name: string;
  /** Defaults to `urn:pulumi:stack::project::<type>::<name>`. */
  urn?: string;
  /** Inputs for `analyze`, outputs for `analyzeStack`; may hold the unknown sentinel. */
  properties: Record<string, unknown>;
  /** Stack only: the parent's URN. */
  parent?: string;
  /** Stack only: URNs this resource depends on. */
  dependencies?: string[];
  /** Stack only: for each property, the URNs of the resources its value came from. */
  propertyDependencies?: Record<string, string[]>;
  /** Resource options; `protect` and the rest default to unset. */
  options?: { protect?: boolean; parent?: string; additionalSecretOutputs?: string[] };
  /**
   * The provider that manages the resource, as the engine sends it with the resource
   * (`AnalyzerProviderResource`): its type, name, URN and inputs (`region` for AWS).
   */
  provider?: AnalyzerProvider;
}

/** A provider resource as the engine describes it to an analyzer. */
export interface AnalyzerProvider {
  type: string;
  name: string;
  /** Defaults to `urn:pulumi:stack::project::<type>::<name>`. */
  urn?: string;
  properties: Record<string, unknown>;
}

export interface Diagnostic {
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  description: string;
  message: string;
  enforcementLevel: EnforcementLevel;
  urn: string;
}

export interface AnalyzeResult {
  diagnostics: Diagnostic[];
  notApplicable: { policyName: string; reason: string }[];
}

export interface PolicyInfo {
  name: string;
  displayName: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  policyType: PolicyType;
  configSchema?: { properties: Record<string, unknown>; required: string[] };
}

export interface AnalyzerInfo {
  name: string;
  version: string;
  displayName: string;
  description: string;
  supportsConfig: boolean;
  policies: PolicyInfo[];
}

/** Per policy: an enforcement level, or an object of config properties (and optionally a level). */
export type PolicyPackConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

/** A running policy pack, spoken to over `pulumirpc.Analyzer` as the Pulumi CLI speaks to it. */
export interface PolicyPackSession {
  /** Process id of the pack. */
  pid?: number;
  info(): Promise<AnalyzerInfo>;
  configure(config: PolicyPackConfig): Promise<void>;
  analyze(resource: AnalyzerResource): Promise<AnalyzeResult>;
  analyzeStack(resources: AnalyzerResource[]): Promise<AnalyzeResult>;
  close(): Promise<void>;
  /** Messages the pack logged to the engine. */
  logs: EngineLog[];
  /** What the pack wrote to stderr so far. */
  stderr(): string;
  /** Milliseconds from spawning the pack to its port being printed. */
  startupMs: number;
}

export interface StartOptions {
  /** The pack folder: its package.json, PulumiPolicy.yaml and index. */
  packDir: string;
  /** Give up when the pack has not printed its port by then; default 180 s. */
  timeoutMs?: number;
  /** Extra environment for the pack process. */
  env?: Record<string, string>;
}

const LEVELS: Record<number, EnforcementLevel> = {
  [anproto.EnforcementLevel.ADVISORY]: "advisory",
  [anproto.EnforcementLevel.MANDATORY]: "mandatory",
  [anproto.EnforcementLevel.REMEDIATE]: "remediate",
  [anproto.EnforcementLevel.DISABLED]: "disabled",
};

const LEVEL_CODES: Record<EnforcementLevel, anproto.EnforcementLevel> = {
  advisory: anproto.EnforcementLevel.ADVISORY,
  mandatory: anproto.EnforcementLevel.MANDATORY,
  remediate: anproto.EnforcementLevel.REMEDIATE,
  disabled: anproto.EnforcementLevel.DISABLED,
};

const POLICY_TYPES: Record<number, PolicyType> = {
  [anproto.PolicyType.POLICY_TYPE_RESOURCE]: "resource",
  [anproto.PolicyType.POLICY_TYPE_STACK]: "stack",
};

/**
 * The script the Pulumi CLI runs a Node.js policy pack with: `@pulumi/pulumi/cmd/run-policy-pack`
 * as Node resolves it from the pack folder (the CLI's `pulumi-analyzer-policy` does
 * `require.resolve` there): the pack's own node_modules when it has them, else the nearest above
 * it (an installed `node_modules/mailguard/policies` finds the project's). Falls back to the SDK
 * mailguard itself runs with.
 */
export function runPolicyPackScript(packDir?: string): string {
  const from = packDir === undefined ? [] : [path.resolve(packDir)];
  for (const paths of [from, [__dirname]]) {
    if (paths.length === 0) continue;
    try {
      return path.dirname(require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths }));
    } catch {
      // not resolvable from there; try the next
    }
  }
  throw new Error("no @pulumi/pulumi with cmd/run-policy-pack is installed");
}

/** Every pack process this process started and has not closed yet. */
const running = new Set<ChildProcess>();

/**
 * Ends every pack process still running, synchronously: on any exit path of this process (a
 * normal exit, an error, Ctrl-C), no pack is left behind. Installed once, on the first start.
 */
function endAllPacks(): void {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  running.clear();
}
let exitHookInstalled = false;

/** Drops `undefined` (which a protobuf Struct cannot hold) from plain data. */
function structOf(value: Record<string, unknown>): Struct {
  return Struct.fromJavaScript(JSON.parse(JSON.stringify(value)) as Record<string, never>);
}

function urnOf(r: AnalyzerResource): string {
  return r.urn ?? `urn:pulumi:stack::project::${r.type}::${r.name}`;
}

function optionsOf(r: AnalyzerResource): anproto.AnalyzerResourceOptions {
  const o = new anproto.AnalyzerResourceOptions();
  o.setProtect(r.options?.protect ?? false);
  o.setAdditionalsecretoutputsList(r.options?.additionalSecretOutputs ?? []);
  const parent = r.options?.parent ?? r.parent;
  if (parent !== undefined) {
    o.setParent(parent);
  }
  return o;
}

function providerOf(p: AnalyzerProvider): anproto.AnalyzerProviderResource {
  return new anproto.AnalyzerProviderResource()
    .setType(p.type)
    .setName(p.name)
    .setUrn(p.urn ?? `urn:pulumi:stack::project::${p.type}::${p.name}`)
    .setProperties(structOf(p.properties));
}

function resultOf(resp: anproto.AnalyzeResponse): AnalyzeResult {
  return {
    diagnostics: resp.getDiagnosticsList().map((d) => ({
      policyName: d.getPolicyname(),
      policyPackName: d.getPolicypackname(),
      policyPackVersion: d.getPolicypackversion(),
      description: d.getDescription(),
      message: d.getMessage(),
      enforcementLevel: LEVELS[d.getEnforcementlevel()] ?? "advisory",
      urn: d.getUrn(),
    })),
    notApplicable: resp
      .getNotApplicableList()
      .map((n) => ({ policyName: n.getPolicyName(), reason: n.getReason() })),
  };
}

function call<Req, Res>(
  fn: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown,
  req: Req,
): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    fn(req, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

/** Waits for the first line on stdout (the port), failing on exit or timeout. */
function readPort(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let out = "";
    const fail = (why: string): void => {
      clearTimeout(timer);
      reject(new Error(`policy pack did not start: ${why}\n${stderr()}`));
    };
    const timer = setTimeout(() => fail(`no port after ${timeoutMs} ms`), timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^\s*(\d+)\s*\n/.exec(out);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
    child.once("exit", (code) => fail(`exited with code ${String(code)}`));
  });
}

/**
 * Starts a policy pack exactly as the Pulumi CLI does (cwd = the pack folder,
 * `node <@pulumi/pulumi>/cmd/run-policy-pack <engine-address> .`), with a local engine server for
 * its logs, reads the port it prints and returns a typed client for the analyzer protocol.
 */
export async function startPolicyPack(opts: StartOptions): Promise<PolicyPackSession> {
  const engine: EngineServer = await startEngine();
  const started = Date.now();
  const child = spawn(process.execPath, [runPolicyPackScript(opts.packDir), engine.address, "."], {
    cwd: path.resolve(opts.packDir),
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  if (!exitHookInstalled) {
    process.on("exit", endAllPacks);
    exitHookInstalled = true;
  }
  let errText = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    errText += chunk.toString();
  });
  const stderr = (): string => errText;
  let port: number;
  try {
    port = await readPort(child, opts.timeoutMs ?? 180_000, stderr);
  } catch (e) {
    child.kill();
    await engine.close();
    throw e;
  }
  const startupMs = Date.now() - started;
  const client = new anrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
    "grpc.max_send_message_length": 400 * 1024 * 1024,
  });

  const toRequestResource = (r: AnalyzerResource): anproto.AnalyzerResource => {
    const res = new anproto.AnalyzerResource();
    res.setType(r.type);
    res.setName(r.name);
    res.setUrn(urnOf(r));
    res.setProperties(structOf(r.properties));
    res.setOptions(optionsOf(r));
    if (r.provider !== undefined) {
      res.setProvider(providerOf(r.provider));
    }
    if (r.parent !== undefined) {
      res.setParent(r.parent);
    }
    res.setDependenciesList(r.dependencies ?? []);
    const deps = res.getPropertydependenciesMap();
    for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
      deps.set(k, new anproto.AnalyzerPropertyDependencies().setUrnsList(urns));
    }
    return res;
  };

  const session: PolicyPackSession = {
    pid: child.pid,
    logs: engine.logs,
    stderr,
    startupMs,
    info: async () => {
      const ai = await call<Empty, anproto.AnalyzerInfo>(
        client.getAnalyzerInfo.bind(client),
        new Empty(),
      );
      return {
        name: ai.getName(),
        version: ai.getVersion(),
        displayName: ai.getDisplayname(),
        description: ai.getDescription(),
        supportsConfig: ai.getSupportsconfig(),
        policies: ai.getPoliciesList().map((p) => {
          const schema = p.getConfigschema();
          return {
            name: p.getName(),
            displayName: p.getDisplayname(),
            description: p.getDescription(),
            enforcementLevel: LEVELS[p.getEnforcementlevel()] ?? "advisory",
            policyType: POLICY_TYPES[p.getPolicyType()] ?? "unknown",
            configSchema:
              schema === undefined
                ? undefined
                : {
                    properties: schema.getProperties()?.toJavaScript() ?? {},
                    required: schema.getRequiredList(),
                  },
          };
        }),
      };
    },
    configure: async (config) => {
      // The CLI always sends a level: the one configured, else the policy's default.
      const defaults = new Map<string, EnforcementLevel>();
      if (
        Object.values(config).some((v) => typeof v !== "string" && v.enforcementLevel === undefined)
      ) {
        for (const p of (await session.info()).policies) {
          defaults.set(p.name, p.enforcementLevel);
        }
      }
      const req = new anproto.ConfigureAnalyzerRequest();
      const map = req.getPolicyconfigMap();
      for (const [name, value] of Object.entries(config)) {
        const { enforcementLevel, ...properties } =
          typeof value === "string" ? { enforcementLevel: value } : value;
        const level = enforcementLevel ?? defaults.get(name) ?? "advisory";
        const pc = new anproto.PolicyConfig();
        pc.setEnforcementlevel(LEVEL_CODES[level]);
        pc.setProperties(structOf(properties));
        map.set(name, pc);
      }
      await call(client.configure.bind(client), req);
    },
    analyze: async (r) => {
      const req = new anproto.AnalyzeRequest();
      req.setType(r.type);
      req.setName(r.name);
      req.setUrn(urnOf(r));
      req.setProperties(structOf(r.properties));
      req.setOptions(optionsOf(r));
      if (r.provider !== undefined) {
        req.setProvider(providerOf(r.provider));
      }
      return resultOf(await call(client.analyze.bind(client), req));
    },
    analyzeStack: async (resources) => {
      const req = new anproto.AnalyzeStackRequest();
      req.setResourcesList(resources.map(toRequestResource));
      return resultOf(await call(client.analyzeStack.bind(client), req));
    },
    close: async () => {
      client.close();
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGTERM");
        await exited;
      }
      await engine.close();
    },
  };
  return session;
}
