/**
 * Reads a Pulumi stack configuration file (`Pulumi.<stack>.yaml`) and the project file
 * (`Pulumi.yaml`) the way the Pulumi CLI does before it starts a program, so the program sees the
 * same `pulumi.Config` values it would see under `pulumi preview` or `pulumi up`.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

export interface StackConfig {
  /** Project name from `Pulumi.yaml`. */
  project: string;
  /** Stack name: the `<stack>` of `Pulumi.<stack>.yaml`, else `dev`. */
  stack: string;
  /** Fully qualified keys (`project:key`, `aws:region`) to the string values the CLI passes. */
  values: Record<string, string>;
  /** Keys whose values are secret (`secure:` in the stack file, or `secret: true` in the project). */
  secretKeys: string[];
  /** Secure keys whose ciphertext cannot be decrypted offline and now hold a placeholder. */
  undecrypted: string[];
}

/** Raised for a configuration file that cannot be used, with the file and the reason. */
export class ConfigError extends Error {}

function readYaml(file: string): unknown {
  let source: string;
  try {
    source = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return yaml.load(source);
  } catch (e) {
    throw new ConfigError(`${file} is not valid YAML: ${(e as Error).message}`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The string form the CLI hands a program: strings as-is, everything else as JSON. */
export function configString(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** `key` qualified with the project name when it has no namespace, as the CLI does. */
export function qualifyKey(key: string, project: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

/** The project name and project-level config defaults from `<programDir>/Pulumi.yaml`. */
export function readProject(programDir: string): {
  name: string;
  defaults: Record<string, unknown>;
  secret: string[];
} {
  const file = path.join(programDir, "Pulumi.yaml");
  if (!fs.existsSync(file)) {
    throw new ConfigError(`${file} not found: a Pulumi program folder holds Pulumi.yaml`);
  }
  const doc = readYaml(file);
  if (!isRecord(doc) || typeof doc.name !== "string" || doc.name === "") {
    throw new ConfigError(`${file} has no project name (name: <project>)`);
  }
  const defaults: Record<string, unknown> = {};
  const secret: string[] = [];
  if (isRecord(doc.config)) {
    for (const [key, spec] of Object.entries(doc.config)) {
      const full = qualifyKey(key, doc.name);
      if (isRecord(spec) && ("default" in spec || "type" in spec || "secret" in spec)) {
        if ("default" in spec) defaults[full] = spec.default;
        else if ("value" in spec) defaults[full] = spec.value;
        if (spec.secret === true) secret.push(full);
      } else if (isRecord(spec) && "value" in spec) {
        defaults[full] = spec.value;
      } else {
        defaults[full] = spec;
      }
    }
  }
  return { name: doc.name, defaults, secret };
}

/**
 * Loads the stack file over the project defaults. `secure:` values are ciphertext that only the
 * stack's secrets provider can decrypt, which is not available offline: they become a placeholder
 * that names the key and stay secret.
 */
export function loadStackConfig(configFile: string, programDir: string): StackConfig {
  const project = readProject(programDir);
  const base = path.basename(configFile);
  const m = /^Pulumi\.(.+)\.ya?ml$/.exec(base);
  const stack = m ? m[1] : "dev";

  const doc = readYaml(configFile);
  if (doc !== undefined && doc !== null && !isRecord(doc)) {
    throw new ConfigError(`${configFile} must be a mapping with a "config:" section`);
  }
  const section = isRecord(doc) ? doc.config : undefined;
  if (section !== undefined && section !== null && !isRecord(section)) {
    throw new ConfigError(`${configFile}: "config:" must map keys to values`);
  }

  const values: Record<string, string> = {};
  const secretKeys = new Set<string>(project.secret);
  const undecrypted: string[] = [];
  for (const [key, v] of Object.entries(project.defaults)) values[key] = configString(v);
  for (const [key, v] of Object.entries(section ?? {})) {
    const full = qualifyKey(key, project.name);
    if (isRecord(v) && Object.keys(v).length === 1 && typeof v.secure === "string") {
      values[full] = `<secret ${full}: encrypted in ${base}, not decrypted offline>`;
      secretKeys.add(full);
      undecrypted.push(full);
    } else {
      values[full] = configString(v);
    }
  }
  return { project: project.name, stack, values, secretKeys: [...secretKeys].sort(), undecrypted };
}
