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

/**
 * dkim-cases.json (mailauth, the ValiMail ARC suite, Nager.EmailAuthentication, RFC 8463 and
 * synthetic keys; licenses in test/vectors/README.md).
 */
export interface DkimKeyCase {
  name?: string;
  record: string;
  txt_strings?: string[];
  valid: boolean;
  verdict: string;
  severity: "error" | "warning" | "ok";
  reason: string;
  reference_checker: { bits?: number };
}

export interface EasyDkimCnameCase {
  name: string;
  type: string;
  target: string;
  proxied?: boolean;
  /** The SES region of the identity the record is judged for, when the case names one. */
  region?: string;
  valid: boolean;
  reason?: string;
}

/** The DKIM key records and Easy DKIM CNAME shapes of dkim-cases.json. */
export function dkimVectors() {
  return loadJson<{
    key_records: DkimKeyCase[];
    easy_dkim_cname_examples: { cases: EasyDkimCnameCase[] };
  }>("dkim-cases.json");
}

/** One record of an RFC 7208 suite zone: a TXT string, or `{ TYPE: value }`. */
export type Rfc7208ZoneRecord = string | Record<string, unknown>;
export type Rfc7208Zone = Record<string, Rfc7208ZoneRecord[]>;

export interface Rfc7208Test {
  spec: string | string[];
  helo: string;
  host: string;
  mailfrom: string;
  result: string | string[];
  explanation?: string;
  description?: string;
}

export interface Rfc7208Document {
  description: string;
  tests: Record<string, Rfc7208Test>;
  zonedata?: Rfc7208Zone;
}

/** The openspf RFC 7208 test suite (rfc7208-tests.yml), one document per section. */
export function rfc7208Suite(): Rfc7208Document[] {
  return loadYamlDocuments<Rfc7208Document>("rfc7208-tests.yml");
}
