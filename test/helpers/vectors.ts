import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

/**
 * The standard and third-party SPF, DMARC and DKIM test suites, kept in `test/vectors/` with their
 * sources and licenses (see its README.md) so a clean checkout tests on its own.
 */
export const vectorsDir = path.join(__dirname, "..", "vectors");

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
