/**
 * Where mailguard's own files are, wherever it runs from: this repository (TypeScript sources) or
 * an installed package (`node_modules/mailguard`, compiled to `bin/`).
 */
import * as fs from "fs";
import * as path from "path";

/** The folder of mailguard's package.json, found by walking up from this file. */
export function packageRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      const { name } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: unknown };
      if (name === "mailguard") return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`mailguard's package.json was not found above ${__dirname}`);
    }
  }
}

/** mailguard's version, from its package.json. */
export function packageVersion(): string {
  const manifest = path.join(packageRoot(), "package.json");
  return (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version;
}

/** The policy pack shipped with mailguard: `policies/` of the package. */
export function shippedPolicyPack(): string {
  return path.join(packageRoot(), "policies");
}

/**
 * Where relative paths on the command line are meant from: npm runs scripts in the package root
 * but keeps the folder the command was typed in as INIT_CWD; otherwise the working directory.
 */
export function fromUser(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}
