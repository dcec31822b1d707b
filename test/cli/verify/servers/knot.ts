/**
 * An authoritative DNS server for the verify tests: knotd (Debian package `knot`) serving the
 * given zones on a free loopback port, configured from knot.conf next to this file, in a temporary
 * folder removed when it stops.
 */
import { promises as dnsPromises } from "dns";
import * as fs from "fs";
import * as path from "path";
import { binary, Daemon, freePort, startDaemon, template, tempDir, waitUntil } from "./process";

export interface KnotServer {
  port: number;
  /** `127.0.0.1:<port>`, as --resolver takes it. */
  address: string;
  stop(): Promise<void>;
}

export const FIXTURE_ZONES = path.join(__dirname, "..", "fixtures", "zones");

/** A fixture zone file's text. */
export function fixtureZone(origin: string): string {
  return fs.readFileSync(path.join(FIXTURE_ZONES, `${origin}.zone`), "utf8");
}

/** Starts knotd with `zones` (origin -> zone file text) and waits until it answers. */
export async function startKnot(zones: Record<string, string>): Promise<KnotServer> {
  const knotd = binary("knotd", "knot");
  const dir = tempDir("mailguard-knot-");
  let daemon: Daemon | undefined;
  try {
    fs.mkdirSync(path.join(dir, "zones"));
    fs.mkdirSync(path.join(dir, "db"));
    for (const [origin, text] of Object.entries(zones)) {
      fs.writeFileSync(path.join(dir, "zones", `${origin}.zone`), text);
    }
    const port = await freePort();
    const zoneList = Object.keys(zones)
      .map((origin) => `  - domain: ${origin}\n    file: ${origin}.zone`)
      .join("\n");
    fs.writeFileSync(
      path.join(dir, "knot.conf"),
      template("knot.conf", { DIR: dir, PORT: String(port), ZONES: zoneList }),
    );
    daemon = startDaemon(knotd, ["-c", path.join(dir, "knot.conf")], dir);
    const resolver = new dnsPromises.Resolver({ timeout: 500, tries: 1 });
    resolver.setServers([`127.0.0.1:${port}`]);
    const first = Object.keys(zones)[0];
    const d = daemon;
    await waitUntil("knotd", d, async () => {
      try {
        await resolver.resolveSoa(first);
        return true;
      } catch {
        return false;
      }
    });
    return {
      port,
      address: `127.0.0.1:${port}`,
      async stop() {
        await d.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await daemon?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
