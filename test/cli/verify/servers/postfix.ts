/**
 * SMTP submission servers for the verify tests: one Postfix master (Debian package `postfix`,
 * SASL users through Cyrus SASL's sasldb from `sasl2-bin` and `libsasl2-modules`) in a temporary
 * folder, with one smtpd per test server on its own loopback port. Each smtpd differs from the
 * SES-like default of main.cf (STARTTLS required, AUTH only after it) only by the settings named
 * below, so every broken server is broken in exactly one way.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { makeTestPki, TestPki } from "./pki";
import {
  binary,
  Daemon,
  freePort,
  startDaemon,
  tcpOpen,
  template,
  tempDir,
  waitUntil,
} from "./process";

/** The test servers, each an smtpd of the one master. */
export const SMTP_SERVERS = {
  /** As SES on 587: STARTTLS required before anything, AUTH only after it. */
  submission: {},
  /** As SES on 465: TLS from the first byte. */
  implicitTls: { smtpd_tls_wrappermode: "yes" },
  /** Offers STARTTLS, but also AUTH in clear text before it. */
  authBeforeTls: { smtpd_tls_security_level: "may", smtpd_tls_auth_only: "no" },
  /** Offers no STARTTLS at all (and AUTH in clear text). */
  noStartTls: { smtpd_tls_security_level: "none", smtpd_tls_auth_only: "no" },
  /** STARTTLS with a certificate whose validity ended five days ago. */
  expiredCert: { smtpd_tls_cert_file: "{{EXPIRED}}" },
  /** STARTTLS with a certificate for mail.other.invalid. */
  wrongHostCert: { smtpd_tls_cert_file: "{{OTHERCERT}}", smtpd_tls_key_file: "{{OTHERKEY}}" },
} as const;

export type SmtpServerName = keyof typeof SMTP_SERVERS;

export interface SmtpUser {
  username: string;
  password: string;
}

export interface PostfixServers {
  ports: Record<SmtpServerName, number>;
  pki: TestPki;
  /** The host name the servers greet with. */
  hostname: string;
  /** Postfix's log so far. */
  maillog(): string;
  stop(): Promise<void>;
}

export const POSTFIX_HOSTNAME = "smtp.mailguard.test";

function postfixUid(): { uid: number; gid: number } {
  const line = fs
    .readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postfix:"));
  if (line === undefined) throw new Error("there is no postfix user: apt-get install postfix");
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/** The group id of a group in /etc/group. */
function groupId(name: string): number {
  const line = fs
    .readFileSync("/etc/group", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${name}:`));
  if (line === undefined) throw new Error(`there is no ${name} group: apt-get install postfix`);
  return Number(line.split(":")[2]);
}

/**
 * The queue and data folders with the owners and modes Postfix's own list of its files gives
 * (postfix-files, as post-install reads it); faster than `postfix check`, which walks the system.
 */
function makeQueue(dir: string, uid: number, gid: number): void {
  const list = fs.readFileSync(POSTFIX_FILES, "utf8");
  for (const line of list.split("\n")) {
    const [name, type, owner, group, mode] = line.split(":");
    if (type !== "d" || !/^\$(queue|data)_directory/.test(name)) continue;
    const folder = path.join(
      dir,
      name.replace("$queue_directory", "queue").replace("$data_directory", "data"),
    );
    fs.mkdirSync(folder, { recursive: true });
    const ownerId = owner === "$mail_owner" ? uid : 0;
    const groupOf = group === "$setgid_group" ? groupId("postdrop") : group === "-" ? 0 : gid;
    fs.chownSync(folder, ownerId, groupOf);
    fs.chmodSync(folder, parseInt(mode, 8));
  }
}

const POSTFIX_FILES = "/etc/postfix/postfix-files";

/** Starts every server of SMTP_SERVERS with `users`, and waits until each port accepts. */
export async function startPostfix(users: readonly SmtpUser[]): Promise<PostfixServers> {
  binary("postfix", "postfix");
  const master = binary("master", "postfix");
  const saslpasswd2 = binary("saslpasswd2", "sasl2-bin");
  if (
    !fs.existsSync("/usr/lib/x86_64-linux-gnu/sasl2/libplain.so") &&
    !fs.existsSync("/usr/lib/sasl2/libplain.so")
  ) {
    // The PLAIN and LOGIN mechanisms; without them smtpd offers no AUTH.
    const found = execFileSync("sh", [
      "-c",
      "ls /usr/lib/*/sasl2/libplain.so 2>/dev/null || true",
    ]).toString();
    if (found.trim() === "")
      throw new Error(
        "Cyrus SASL's PLAIN mechanism is not installed: apt-get install libsasl2-modules",
      );
  }
  const dir = tempDir("mailguard-postfix-");
  let daemon: Daemon | undefined;
  try {
    const conf = path.join(dir, "conf");
    fs.mkdirSync(path.join(conf, "sasl"), { recursive: true });
    const { uid, gid } = postfixUid();
    const pkiDir = path.join(dir, "pki");
    fs.mkdirSync(pkiDir);
    const pki = makeTestPki(pkiDir);

    const ports = {} as Record<SmtpServerName, number>;
    const lines: string[] = [];
    for (const [name, settings] of Object.entries(SMTP_SERVERS) as [
      SmtpServerName,
      Record<string, string>,
    ][]) {
      ports[name] = await freePort();
      lines.push(`# ${name}`, `127.0.0.1:${ports[name]} inet n - n - - smtpd`);
      for (const [key, value] of Object.entries(settings)) {
        const filled = value
          .replace("{{EXPIRED}}", pki.expiredCert)
          .replace("{{OTHERCERT}}", pki.wrongHostCert)
          .replace("{{OTHERKEY}}", pki.wrongHostKey);
        lines.push(`  -o ${key}=${filled}`);
      }
    }
    fs.writeFileSync(
      path.join(conf, "main.cf"),
      template("main.cf", { DIR: dir, HOSTNAME: POSTFIX_HOSTNAME }),
    );
    fs.writeFileSync(
      path.join(conf, "master.cf"),
      template("master.cf", { SMTPD: lines.join("\n") }),
    );
    fs.writeFileSync(path.join(conf, "sasl", "smtpd.conf"), template("smtpd.conf", { DIR: dir }));

    const sasldb = path.join(dir, "sasldb2");
    for (const user of users) {
      execFileSync(saslpasswd2, ["-p", "-c", "-f", sasldb, "-u", POSTFIX_HOSTNAME, user.username], {
        input: user.password,
        stdio: ["pipe", "pipe", "pipe"],
      });
    }
    fs.chownSync(sasldb, uid, gid);

    makeQueue(dir, uid, gid);
    daemon = startDaemon(master, ["-c", conf, "-s"], dir);
    const d = daemon;
    await waitUntil("postfix master", d, async () => {
      const open = await Promise.all(Object.values(ports).map((p) => tcpOpen(p)));
      return open.every((o) => o);
    });
    const maillog = () => {
      try {
        return fs.readFileSync(path.join(dir, "maillog"), "utf8");
      } catch {
        return "";
      }
    };
    return {
      ports,
      pki,
      hostname: POSTFIX_HOSTNAME,
      maillog,
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
