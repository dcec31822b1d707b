/**
 * The command's parsing and exit statuses for usage errors, which verify decides before it asks
 * any server anything. Runs against real servers are in servers/*.servers.test.ts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Readable, Writable } from "stream";
import { runVerifyCli, verifyCommand } from "../../../cli/verify/command";
import { testRecipient } from "../../../cli/verify/run";

class Sink extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function run(args: string[], stdin = "") {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await runVerifyCli(args, {
    stdout,
    stderr,
    stdin: Readable.from([stdin]),
    env: {},
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const BASE = ["--domain", "example.com", "--region", "eu-west-1"];
let tmp: string;

const initCwd = process.env.INIT_CWD;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mailguard-verify-cli-"));
  // Relative paths are read from where the command was typed, which npm keeps as INIT_CWD.
  process.env.INIT_CWD = __dirname;
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  if (initCwd === undefined) delete process.env.INIT_CWD;
  else process.env.INIT_CWD = initCwd;
});

describe("mailguard verify usage", () => {
  it("prints help with every option and the exit statuses, and exits 0", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    for (const option of [
      "--domain <domain>",
      "--region <region>",
      "--stack-outputs <file>",
      "--resolver <host[:port]>",
      "--smtp-host <host>",
      "--smtp-port <port>",
      "--smtp-tls-port <port>",
      "--ca <file>",
      "--no-aws",
      "--no-smtp",
      "--send-test [address]",
      "--probe-port-25 <host[:port]>",
      "--json",
    ]) {
      expect(r.stdout).toContain(option);
    }
    expect(r.stdout).toContain("Exit status: 0 when every check passes");
  });

  it.each([
    [["--region", "eu-west-1"], "required option '--domain <domain>' not specified"],
    [["--domain", "example.com"], "required option '--region <region>' not specified"],
    [[...BASE, "--smtp-port", "x"], "option '--smtp-port <port>' argument 'x' is invalid"],
    [[...BASE, "--smtp-port", "70000"], "a port is a number from 1 to 65535"],
    [[...BASE, "--frobnicate"], "unknown option '--frobnicate'"],
    [[...BASE, "extra"], "too many arguments"],
  ])("exits 2 on %j: %s", async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe("");
  });

  it.each([
    [["--domain", "exa mple.com", "--region", "eu-west-1"], "error: --domain exa mple.com:"],
    [["--domain", "example.com", "--region", "eu-west-9"], "SES does not run in eu-west-9"],
    [[...BASE, "--resolver", "dns.google"], "error: --resolver dns.google: give an IP address"],
    [
      [...BASE, "--probe-port-25", "host:99999"],
      "error: --probe-port-25 host:99999: give HOST or HOST:PORT",
    ],
    [
      [...BASE, "--smtp-host", "127.0.0.1", "--send-test"],
      "--send-test needs an ADDRESS when the SMTP host (127.0.0.1) is not an SES endpoint",
    ],
    [[...BASE, "--ca", "no-such-file.pem"], "error: --ca no-such-file.pem: ENOENT"],
    [
      [...BASE, "--stack-outputs", "no-such-file.json"],
      "error: --stack-outputs no-such-file.json: ENOENT",
    ],
  ])("exits 2 before asking anything on %j", async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it("suggests the nearest SES regions for a region SES does not have", async () => {
    const r = await run(["--domain", "example.com", "--region", "eu-west-9"]);
    expect(r.stderr).toContain("eu-west-1, eu-west-2, eu-west-3");
  });

  it("exits 2 when the stack outputs are not JSON, read from a file or standard input", async () => {
    const file = path.join(tmp, "outputs.txt");
    fs.writeFileSync(file, "Current stack outputs (3):");
    const fromFile = await run([...BASE, "--stack-outputs", file]);
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toContain(`--stack-outputs ${file} is not JSON`);
    const fromStdin = await run([...BASE, "--stack-outputs", "-"], "not json");
    expect(fromStdin.code).toBe(2);
    expect(fromStdin.stderr).toContain("--stack-outputs standard input is not JSON");
  });

  it("exits 2 when the stack outputs belong to another domain or region", async () => {
    const identity = { sesIdentityArn: "arn:aws:ses:eu-west-1:123456789012:identity/example.org" };
    const other = await run([...BASE, "--stack-outputs", "-"], JSON.stringify(identity));
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(
      "--stack-outputs are for example.org (sesIdentityArn), not --domain example.com",
    );
    const region = await run(
      [...BASE, "--stack-outputs", "-"],
      JSON.stringify({ sesRegion: "us-east-1" }),
    );
    expect(region.code).toBe(2);
    expect(region.stderr).toContain("--stack-outputs put SES in us-east-1, not --region eu-west-1");
  });

  it("exits 2 when --ca holds no certificate", async () => {
    const file = path.join(tmp, "ca.txt");
    fs.writeFileSync(file, "not a certificate");
    const r = await run([...BASE, "--ca", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--ca ${file} holds no PEM certificate`);
  });

  it("reads relative paths from where the command was typed (INIT_CWD)", async () => {
    const r = await run([...BASE, "--stack-outputs", "fixtures/no-such.json"]);
    expect(r.stderr).toContain(path.join(__dirname, "fixtures", "no-such.json"));
  });
});

describe("verifyCommand", () => {
  it("hands the exit status to the function the mailguard program mounts it with", async () => {
    let code: number | undefined;
    const stderr = new Sink();
    await verifyCommand({ stderr, exit: (c) => (code = c) }).parseAsync(
      ["--domain", "example.com", "--region", "eu-west-9"],
      { from: "user" },
    );
    expect(code).toBe(2);
    const done: number[] = [];
    expect(verifyCommand((c) => done.push(c)).name()).toBe("verify");
  });

  it("is a commander command named verify, for the mailguard program to mount", () => {
    const command = verifyCommand();
    expect(command.name()).toBe("verify");
    expect(command.options.map((o) => o.long)).toEqual([
      "--domain",
      "--region",
      "--stack-outputs",
      "--resolver",
      "--smtp-host",
      "--smtp-port",
      "--smtp-tls-port",
      "--ca",
      "--no-aws",
      "--no-smtp",
      "--send-test",
      "--from",
      "--probe-port-25",
      "--json",
    ]);
  });
});

describe("testRecipient", () => {
  it("sends to SES's mailbox simulator on an SES endpoint, FIPS included, unless an address is given", () => {
    expect(testRecipient(true, "email-smtp.eu-west-1.amazonaws.com")).toBe(
      "success@simulator.amazonses.com",
    );
    expect(testRecipient(true, "email-smtp-fips.us-east-1.amazonaws.com")).toBe(
      "success@simulator.amazonses.com",
    );
    expect(testRecipient("ops@example.com", "127.0.0.1")).toBe("ops@example.com");
    expect(testRecipient(undefined, "email-smtp.eu-west-1.amazonaws.com")).toBeUndefined();
  });

  it("needs an address for any other host", () => {
    expect(() => testRecipient(true, "smtp.example.net")).toThrow(
      "--send-test needs an ADDRESS when the SMTP host (smtp.example.net) is not an SES endpoint",
    );
  });
});
