/**
 * What the real-server tests share: finding a server binary (or failing with the Debian package to
 * install), free loopback ports, and child processes that are always stopped by pid, even when a
 * test fails or the worker exits.
 */
import { ChildProcess, spawn } from "child_process";
import * as dgram from "dgram";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

const SEARCH = ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/lib/postfix/sbin"];

/** The path of `name`, or an error naming the Debian package that provides it. */
export function binary(name: string, debianPackage: string): string {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), ...SEARCH].filter(
    (d) => d !== "",
  );
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(
    `${name} is not installed: apt-get install ${debianPackage} (the Debian package .ci/run installs for the verify server tests)`,
  );
}

/** A loopback port free for TCP and UDP at the time of asking. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const p = (server.address() as net.AddressInfo).port;
        server.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = dgram.createSocket("udp4");
      socket.once("error", () => resolve(false));
      socket.bind(port, "127.0.0.1", () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error("no free loopback port found");
}

/** A temporary folder that the `postfix` user can traverse (mode 755). */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  return dir;
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
});

export interface Daemon {
  readonly pid: number;
  /** What the process wrote to stdout and stderr so far. */
  output(): string;
  /** True once the process has exited. */
  exited(): boolean;
  /** SIGTERM by pid, SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts a server process in the foreground of its own, recording its output. */
export function startDaemon(command: string, args: string[], cwd: string): Daemon {
  const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  if (child.pid === undefined) throw new Error(`${command} did not start`);
  running.add(child);
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const pid = child.pid;
  return {
    pid,
    output: () => out,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    async stop(graceMs = 5000) {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(pid, "SIGTERM");
        const timer = setTimeout(() => {
          if (child.exitCode === null && child.signalCode === null) process.kill(pid, "SIGKILL");
        }, graceMs);
        await exit;
        clearTimeout(timer);
      }
      running.delete(child);
    },
  };
}

/** Polls `ready` every 100 ms until it is true; fails when the daemon exits or time runs out. */
export async function waitUntil(
  what: string,
  daemon: Daemon,
  ready: () => Promise<boolean>,
  timeoutMs = 20000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (daemon.exited()) throw new Error(`${what} exited while starting:\n${daemon.output()}`);
    if (await ready()) return;
    if (Date.now() > deadline)
      throw new Error(`${what} was not ready within ${timeoutMs} ms:\n${daemon.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether a TCP connection to the port completes. */
export function tcpOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Fills `{{NAME}}` placeholders of a config template next to this file. */
export function template(file: string, values: Record<string, string>): string {
  const text = fs.readFileSync(path.join(__dirname, file), "utf8");
  return text.replace(/\{\{([A-Z]+)\}\}/g, (m, key: string) => {
    if (!(key in values)) throw new Error(`${file}: no value for ${m}`);
    return values[key];
  });
}
