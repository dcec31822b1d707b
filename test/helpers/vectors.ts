import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

/**
 * The shared test vectors. CI places a read-only copy of `shared/` beside the repository, so the
 * folder is `../shared/vectors` relative to the repository root.
 */
export const vectorsDir = path.join(__dirname, "..", "..", "..", "shared", "vectors");

function read(name: string): string {
  return fs.readFileSync(path.join(vectorsDir, name), "utf8");
}

/** Parses a JSON vector file, e.g. `loadJson("spf-syntax-cases.json")`. */
export function loadJson<T = unknown>(name: string): T {
  return JSON.parse(read(name)) as T;
}

/** Parses every document of a multi-document YAML vector file, e.g. `rfc7208-tests.yml`. */
export function loadYamlDocuments<T = unknown>(name: string): T[] {
  return yaml.loadAll(read(name)) as T[];
}
