/**
 * Certificates for the SMTP tests, made with the openssl command: a test CA, a host certificate
 * for 127.0.0.1 and localhost, one that expired days ago, and one for another host name. `openssl
 * ca` sets explicit start and end dates, which `openssl x509 -req` cannot in OpenSSL 3.0.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { binary } from "./process";

export interface TestPki {
  dir: string;
  /** The CA certificate (PEM file), for --ca. */
  caFile: string;
  hostKey: string;
  /** Valid now, for IP:127.0.0.1 and DNS:localhost. */
  hostCert: string;
  /** For 127.0.0.1 too, but its validity ended five days ago. */
  expiredCert: string;
  /** Valid now, but for mail.other.invalid only. */
  wrongHostCert: string;
  wrongHostKey: string;
}

/** P-256 keys: quick to make, and every TLS stack takes them. */
const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** openssl ca's date form, GeneralizedTime: 20261201120000Z. */
function stamp(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`;
}

const CA_CONFIG = (dir: string) => `[ca]
default_ca = test
[test]
database = ${dir}/ca/index.txt
new_certs_dir = ${dir}/ca
serial = ${dir}/ca/serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
[host]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
[other]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:mail.other.invalid
`;

/** Makes the CA and the three host certificates in `dir` (created if needed). */
export function makeTestPki(dir: string): TestPki {
  const openssl = binary("openssl", "openssl");
  const run = (...args: string[]) =>
    execFileSync(openssl, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  fs.mkdirSync(path.join(dir, "ca"), { recursive: true });
  fs.writeFileSync(path.join(dir, "ca", "index.txt"), "");
  fs.writeFileSync(path.join(dir, "ca", "serial"), "1000\n");
  fs.writeFileSync(path.join(dir, "ca.cnf"), CA_CONFIG(dir));
  run(
    "req",
    "-x509",
    ...EC_KEY,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=mailguard test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );
  run("req", ...EC_KEY, "-keyout", "host.key", "-out", "host.csr", "-subj", "/CN=localhost");
  run(
    "req",
    ...EC_KEY,
    "-keyout",
    "other.key",
    "-out",
    "other.csr",
    "-subj",
    "/CN=mail.other.invalid",
  );
  const now = Date.now();
  const hour = 3600_000;
  const sign = (csr: string, out: string, extensions: string, from: number, to: number) =>
    run(
      "ca",
      "-batch",
      "-config",
      "ca.cnf",
      "-cert",
      "ca.pem",
      "-keyfile",
      "ca.key",
      "-in",
      csr,
      "-out",
      out,
      "-extensions",
      extensions,
      "-startdate",
      stamp(new Date(from)),
      "-enddate",
      stamp(new Date(to)),
      "-notext",
    );
  sign("host.csr", "host.pem", "host", now - hour, now + 48 * hour);
  sign("host.csr", "expired.pem", "host", now - 10 * 24 * hour, now - 5 * 24 * hour);
  sign("other.csr", "other.pem", "other", now - hour, now + 48 * hour);
  return {
    dir,
    caFile: path.join(dir, "ca.pem"),
    hostKey: path.join(dir, "host.key"),
    hostCert: path.join(dir, "host.pem"),
    expiredCert: path.join(dir, "expired.pem"),
    wrongHostCert: path.join(dir, "other.pem"),
    wrongHostKey: path.join(dir, "other.key"),
  };
}
