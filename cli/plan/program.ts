/**
 * Runs a Pulumi TypeScript program in Pulumi's mock runtime and records every resource it
 * registers: type, name, parent, options, the inputs as the program wrote them and the outputs the
 * provider simulator filled in: what a deployment would send the policy pack, without the Pulumi
 * CLI or a cloud account.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config";

/** The serialized-property signature key and the secret signature (`@pulumi/pulumi/runtime/rpc`). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** Resource options as the engine reports them to analyzers. */
export interface PlannedOptions {
  protect: boolean;
  ignoreChanges: string[];
  deleteBeforeReplace?: boolean;
  additionalSecretOutputs: string[];
  aliases: string[];
  dependencies: string[];
  /** The `import` option: the id of a live resource the registration adopts. */
  import?: string;
  /** For each input property, the URNs of the resources its value came from. */
  propertyDependencies?: Record<string, string[]>;
}

/** One resource the program registered. */
export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  /** False for component resources and the root stack. */
  custom: boolean;
  /** URN of the parent resource, absent for the root stack. */
  parent?: string;
  /** Provider reference (`<urn>::<id>`) when an explicit provider was given. */
  provider?: string;
  id?: string;
  /** Inputs as plain data: secrets unwrapped, resources as URNs, unknowns as the sentinel. */
  inputs: Record<string, unknown>;
  /** Outputs as plain data, the same way. */
  outputs: Record<string, unknown>;
  /** Inputs in the wire form (secrets wrapped in their signature), as an analyzer receives them. */
  wireInputs: Record<string, unknown>;
  /** Outputs in the wire form. */
  wireOutputs: Record<string, unknown>;
  /** Top-level output keys that are secret. */
  secretOutputs: string[];
  options: PlannedOptions;
}

export interface ProgramRun {
  /** In registration order; the root stack first. */
  resources: PlannedResource[];
  /** The stack outputs (the program's exports), plain. */
  outputs: Record<string, unknown>;
  /** Stack output names whose values are secret. */
  secretOutputs: string[];
  /** The file that was run. */
  entry: string;
  /**
   * Where the Pulumi CLI would behave differently (see programEntry), then what the program
   * logged as warnings (`pulumi.log.warn`), in order.
   */
  warnings: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** True when `v` is a serialized secret (`{ [SIG_KEY]: SECRET_SIG, value }`). */
export function isWireSecret(v: unknown): v is { value: unknown } {
  return isRecord(v) && v[SIG_KEY] === SECRET_SIG;
}

/** Unwraps secrets and turns resource references into their URN, recursively. */
export function plainOf(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plainOf);
  if (!isRecord(v)) return v;
  if (isWireSecret(v)) return plainOf(v.value);
  if (typeof v[SIG_KEY] === "string" && typeof v.urn === "string") return v.urn;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = plainOf(x);
  return out;
}

/** True when `v` holds a secret anywhere inside. */
export function containsSecret(v: unknown): boolean {
  if (isWireSecret(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (isRecord(v)) return Object.values(v).some(containsSecret);
  return false;
}

/**
 * The mock monitor puts the root stack's type into its children's URNs; the engine does not.
 * Rewritten so URNs read as `pulumi preview` shows them.
 */
export function engineUrn(urn: string): string {
  return urn.replace(`::${ROOT_STACK_TYPE}$`, "::");
}

function plainRecord(v: unknown): Record<string, unknown> {
  const p = plainOf(v);
  return isRecord(p) ? p : {};
}

function existingFile(base: string): string | undefined {
  for (const f of [
    base,
    `${base}.ts`,
    path.join(base, "index.ts"),
    `${base}.js`,
    path.join(base, "index.js"),
  ]) {
    if (fs.existsSync(f) && fs.statSync(f).isFile()) return f;
  }
  return undefined;
}

export interface ProgramEntry {
  file: string;
  /** Set when the Pulumi CLI would start a different file than the plan does, and why. */
  warning?: string;
}

/**
 * The program's entry file: `main:` of Pulumi.yaml, else `index.ts`, else package.json `main`,
 * else `index.js`. The Pulumi CLI lets package.json `main` win over index.ts when Pulumi.yaml has
 * no `main:`; a folder that is also a library (package.json `main` pointing at its build) then
 * starts the library instead of the program, so that case is reported as a warning.
 */
export function programEntry(programDir: string): ProgramEntry {
  const dir = path.resolve(programDir);
  const projectFile = path.join(dir, "Pulumi.yaml");
  const mainLine = fs.existsSync(projectFile)
    ? /^main:\s*(\S+)\s*$/m.exec(fs.readFileSync(projectFile, "utf8"))
    : null;
  if (mainLine) {
    const file = existingFile(path.join(dir, mainLine[1]));
    if (file === undefined)
      throw new Error(`${projectFile} names main: ${mainLine[1]}, which does not exist`);
    return { file };
  }
  const pkgFile = path.join(dir, "package.json");
  let pkgMain: string | undefined;
  if (fs.existsSync(pkgFile)) {
    const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { main?: unknown };
    if (typeof pkg.main === "string") pkgMain = pkg.main;
  }
  const indexTs = existingFile(path.join(dir, "index.ts"));
  if (indexTs !== undefined) {
    const pkgEntry = pkgMain !== undefined ? path.resolve(dir, pkgMain) : undefined;
    const differs =
      pkgEntry !== undefined && pkgEntry !== indexTs && pkgEntry !== path.join(dir, "index");
    return {
      file: indexTs,
      warning: differs
        ? `Pulumi.yaml has no main:, so the Pulumi CLI would start package.json's main (${pkgMain}) rather than index.ts; add "main: index.ts" to Pulumi.yaml.`
        : undefined,
    };
  }
  for (const c of [pkgMain, "index.js"]) {
    const file = c !== undefined ? existingFile(path.join(dir, c)) : undefined;
    if (file !== undefined) return { file };
  }
  throw new Error(`no Pulumi program in ${dir}: expected index.ts, or main: in Pulumi.yaml`);
}

/** The folder of the `@pulumi/pulumi` a module at `from` resolves, or undefined when none. */
export function pulumiSdkDir(from: string): string | undefined {
  try {
    return path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [from] }));
  } catch {
    return undefined;
  }
}

function sdkVersion(dir: string): string {
  return (
    JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string }
  ).version;
}

/**
 * The plan installs its mocks in the Pulumi runtime it loads itself; a program that resolves
 * another copy of `@pulumi/pulumi` would register its resources with a runtime nobody listens to,
 * and wait forever. Refused up front, saying how to end up with one copy.
 */
export function checkOneRuntime(programDir: string): void {
  const ours = pulumiSdkDir(__dirname);
  const theirs = pulumiSdkDir(programDir);
  if (ours === undefined || theirs === undefined || ours === theirs) return;
  throw new Error(
    `the program resolves @pulumi/pulumi ${sdkVersion(theirs)} at ${theirs}, but mailguard runs with ${sdkVersion(ours)} at ${ours}; ` +
      "two copies of the SDK cannot share one runtime, so the plan would never see the program's resources. " +
      "Fix: install mailguard in the program's own project, whose @pulumi/pulumi it takes as a peer dependency, and check `npm ls @pulumi/pulumi` shows one copy.",
  );
}

/**
 * Lets a program outside this repository that has no `@pulumi/pulumi` of its own resolve it and
 * the components from mailguard's node_modules, so it shares this process's Pulumi runtime.
 */
function shareNodeModules(programDir: string): void {
  if (pulumiSdkDir(programDir) !== undefined) return;
  const ours = pulumiSdkDir(__dirname);
  if (ours === undefined) return;
  const modules = path.resolve(ours, "..", "..");
  const current = (process.env.NODE_PATH ?? "").split(path.delimiter).filter((p) => p !== "");
  if (current.includes(modules)) return;
  process.env.NODE_PATH = [...current, modules].join(path.delimiter);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require("module") as { Module: { _initPaths(): void } }).Module._initPaths();
}

interface TsUtils {
  typeScriptRequireStrings(): { tsnodeRequire: string; typescriptRequire: string };
  loadTypeScriptCompilerOptions(tsConfigPath: string): Record<string, unknown>;
}

/**
 * Lets `require` load TypeScript as Pulumi's Node.js language host does
 * (`@pulumi/pulumi/cmd/run`): ts-node and typescript resolved next to the program's
 * `@pulumi/pulumi` (its vendored copies otherwise), the program's tsconfig.json
 * (`PULUMI_NODEJS_TSCONFIG_PATH` to name another), and type-checking unless
 * `PULUMI_NODEJS_TRANSPILE_ONLY=true` or the tsconfig sets `noCheck`. Nothing is registered when a
 * TypeScript loader already is (this repository's own scripts run under ts-node).
 */
export function registerTypeScript(programDir: string): void {
  if (require.extensions[".ts"] !== undefined) return;
  const sdk = pulumiSdkDir(programDir) ?? pulumiSdkDir(__dirname);
  if (sdk === undefined) throw new Error(`no @pulumi/pulumi is installed for ${programDir}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsutils = require(path.join(sdk, "tsutils")) as TsUtils;
  const tsConfigPath = path.resolve(
    programDir,
    process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? "tsconfig.json",
  );
  const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
  const env = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
  const transpileOnly = env ? env === "true" : compilerOptions.noCheck === true;
  const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsNode = require(tsnodeRequire) as typeof import("ts-node");
  tsNode.register({
    compiler: typescriptRequire,
    transpileOnly,
    project: tsConfigPath,
    skipProject: !fs.existsSync(tsConfigPath),
    compilerOptions: {},
  });
}

/** How the SDK prefixes a warning it writes to the console when no engine is attached. */
const RUNTIME_WARNING = "warning: [runtime] ";

interface RegisterRequestLike {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getProtect(): boolean;
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getAdditionalsecretoutputsList(): string[];
  getAliasurnsList?(): string[];
  getDependenciesList(): string[];
  getImportid(): string;
  getPropertydependenciesMap?(): {
    forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void;
  };
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

/** The request's property dependencies, URNs as the engine writes them; empty lists left out. */
function propertyDependenciesOf(req: RegisterRequestLike): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  req.getPropertydependenciesMap?.().forEach((deps, key) => {
    const urns = deps.getUrnsList().map(engineUrn);
    if (urns.length > 0) out[key] = urns;
  });
  return out;
}

interface RegisterResponseLike {
  getUrn(): string;
  getId(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

interface OutputsRequestLike {
  getUrn(): string;
  getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
}

type Callback<T> = (err: unknown, resp: T) => void;

interface MonitorLike {
  registerResource(req: RegisterRequestLike, cb: Callback<RegisterResponseLike>): Promise<void>;
  registerResourceOutputs(req: OutputsRequestLike, cb: Callback<unknown>): void;
}

/**
 * Runs the program at `programDir` with `config` under `mocks` and returns what it registered.
 * The program runs inside a root `pulumi:pulumi:Stack` resource as under the CLI, so its exports
 * become the stack outputs. `preview: false` (the default) lets the simulator's computed outputs
 * flow into dependent resources, as after `pulumi up`.
 */
export async function runProgram(opts: {
  programDir: string;
  config: StackConfig;
  /** The mocks; when they have `install` (as ProviderSimulator does) it replaces `setMocks`. */
  mocks: pulumi.runtime.Mocks & {
    install?(o: { preview?: boolean; project?: string; stack?: string }): Promise<void>;
  };
  preview?: boolean;
}): Promise<ProgramRun> {
  const { file: entry, warning } = programEntry(opts.programDir);
  checkOneRuntime(opts.programDir);
  const { config } = opts;
  process.env.PULUMI_CONFIG = JSON.stringify(config.values);
  process.env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(config.secretKeys);
  const preview = opts.preview ?? false;
  if (opts.mocks.install !== undefined) {
    await opts.mocks.install({ preview, project: config.project, stack: config.stack });
  } else {
    await pulumi.runtime.setMocks(opts.mocks, config.project, config.stack, preview);
  }
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);

  const byUrn = new Map<string, PlannedResource>();
  const order: string[] = [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings") as {
    getMonitor(): MonitorLike;
    waitForRPCs(): Promise<void>;
  };
  const monitor = settings.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) =>
    register(req, (err, resp) => {
      if (!err && resp) {
        const wireInputs = req.getObject()?.toJavaScript() ?? {};
        const wireOutputs = resp.getObject()?.toJavaScript() ?? {};
        const urn = engineUrn(resp.getUrn());
        const resource: PlannedResource = {
          urn,
          type: req.getType(),
          name: req.getName(),
          custom: req.getCustom(),
          parent: req.getParent() ? engineUrn(req.getParent()) : undefined,
          provider: req.getProvider() || undefined,
          id: resp.getId() || undefined,
          inputs: plainRecord(wireInputs),
          outputs: plainRecord(wireOutputs),
          wireInputs,
          wireOutputs,
          secretOutputs: Object.keys(wireOutputs).filter((k) => containsSecret(wireOutputs[k])),
          options: {
            protect: req.getProtect(),
            ignoreChanges: req.getIgnorechangesList(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            aliases: req.getAliasurnsList?.() ?? [],
            dependencies: req.getDependenciesList().map(engineUrn),
            ...(req.getImportid() ? { import: req.getImportid() } : {}),
            propertyDependencies: propertyDependenciesOf(req),
          },
        };
        if (!byUrn.has(urn)) order.push(urn);
        byUrn.set(urn, resource);
      }
      cb(err, resp);
    });
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    const r = byUrn.get(engineUrn(req.getUrn()));
    if (r && r.type === ROOT_STACK_TYPE) {
      const wire = req.getOutputs()?.toJavaScript() ?? {};
      r.wireOutputs = wire;
      r.outputs = plainRecord(wire);
      r.secretOutputs = Object.keys(wire).filter((k) => containsSecret(wire[k]));
    }
    registerOutputs(req, cb);
  };

  shareNodeModules(opts.programDir);
  registerTypeScript(opts.programDir);
  const previousCwd = process.cwd();
  process.chdir(path.dirname(entry));
  // A program's error can surface as an unhandled rejection of a resource's promise (as a
  // ResourceError thrown in a component constructor does); the language host catches those, so
  // this run does too instead of letting them end the process.
  const failures: unknown[] = [];
  const onFailure = (e: unknown) => {
    failures.push(e);
  };
  process.on("unhandledRejection", onFailure);
  process.on("uncaughtException", onFailure);
  // Without an engine, the SDK writes the program's warnings (pulumi.log.warn) to console.warn
  // with this prefix; the plan reports them among its notes instead.
  const logged: string[] = [];
  const consoleWarn = console.warn;
  console.warn = (...parts: unknown[]) => {
    const text = parts.map(String).join(" ");
    if (text.startsWith(RUNTIME_WARNING)) logged.push(text.slice(RUNTIME_WARNING.length));
    else consoleWarn(...parts);
  };
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const loaded = require(entry) as unknown;
      if (typeof loaded === "function")
        return (await (loaded as () => unknown)()) as Record<string, unknown>;
      if (isRecord(loaded) && typeof loaded.default === "function") {
        return (await (loaded.default as () => unknown)()) as Record<string, unknown>;
      }
      return loaded as Record<string, unknown>;
    });
    await settings.waitForRPCs();
  } catch (e) {
    failures.unshift(e);
  } finally {
    process.chdir(previousCwd);
  }
  // Let rejections of promises nobody awaited surface before the handlers go.
  await new Promise((resolve) => setTimeout(resolve, 20));
  console.warn = consoleWarn;
  process.off("unhandledRejection", onFailure);
  process.off("uncaughtException", onFailure);
  if (failures.length > 0) {
    const first = failures[0];
    throw first instanceof Error ? first : new Error(String(first));
  }

  const resources = order.map((u) => byUrn.get(u)!);
  const stack = resources.find((r) => r.type === ROOT_STACK_TYPE);
  return {
    resources,
    outputs: stack?.outputs ?? {},
    secretOutputs: stack?.secretOutputs ?? [],
    entry,
    warnings: [...(warning !== undefined ? [warning] : []), ...logged.map((w) => `Warning: ${w}`)],
  };
}
