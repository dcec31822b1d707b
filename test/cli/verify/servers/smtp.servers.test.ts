/**
 * Section 3 against real submission servers: one Postfix with an smtpd per case (postfix.ts),
 * SASL users in sasldb, certificates from a test CA. What each broken server offers is first
 * checked with swaks, an independent SMTP client, so verify is judged against servers that really
 * are broken the way the test says.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import { type SmtpTarget, smtpChecks } from "../../../../cli/verify/checks-smtp";
import type { Check } from "../../../../cli/verify/report";
import { startPostfix, type PostfixServers, type SmtpServerName } from "./postfix";
import { binary, freePort } from "./process";

const USER = {
  username: "AKIAIOSFODNN7EXAMPLE",
  password: "BFixturePasswordForTheTestServer0000000000",
};
let servers: PostfixServers;
let ca: string;

beforeAll(async () => {
  servers = await startPostfix([USER]);
  ca = fs.readFileSync(servers.pki.caFile, "utf8");
}, 60000);

afterAll(async () => {
  await servers?.stop();
});

function target(name: SmtpServerName, over: Partial<SmtpTarget> = {}): SmtpTarget {
  return {
    host: "127.0.0.1",
    port: servers.ports[name],
    tlsPort: servers.ports.implicitTls,
    ca,
    credentials: { ...USER, source: "the test" },
    region: "eu-west-1",
    ehloName: "verify.mailguard.invalid",
    timeoutMs: 10000,
    ...over,
  };
}

async function run(t: SmtpTarget): Promise<Record<string, Check>> {
  return Object.fromEntries((await smtpChecks(t)).map((c) => [c.id, c]));
}

function statuses(c: Record<string, Check>): Record<string, string> {
  return Object.fromEntries(Object.values(c).map((x) => [x.id, x.status]));
}

/** swaks' transcript up to the first EHLO's answer. */
function ehloWithSwaks(port: number): string {
  const swaks = binary("swaks", "swaks");
  return execFileSync(
    swaks,
    ["--server", `127.0.0.1:${port}`, "--ehlo", "swaks.invalid", "--quit-after", "EHLO"],
    {
      timeout: 20000,
    },
  ).toString();
}

describe("the SES-like servers", () => {
  it("pass every check with good credentials on 587 and 465, and accept the test message", async () => {
    const before = servers.maillog().length;
    const c = await run(
      target("submission", {
        sendTest: {
          from: "mailguard-verify@example.com",
          to: "success@simulator.amazonses.com",
          domain: "example.com",
        },
      }),
    );
    expect(statuses(c)).toEqual({
      "smtp-starttls": "pass",
      "smtp-starttls-certificate": "pass",
      "smtp-starttls-auth": "pass",
      "smtp-implicit-tls": "pass",
      "smtp-implicit-tls-auth": "pass",
      "smtp-send-test": "pass",
    });
    expect(c["smtp-starttls"].observed).toBe(
      "220 smtp.mailguard.test ESMTP mailguard test server; EHLO offers STARTTLS and no AUTH before it.",
    );
    expect(c["smtp-starttls-certificate"].observed).toMatch(
      /^TLSv1\.[23] \S+; CN=localhost issued by CN=mailguard test CA, valid .* to .*; names IP Address:127\.0\.0\.1, DNS:localhost\.$/,
    );
    expect(c["smtp-starttls-auth"].observed).toBe(
      "235 2.7.0 Authentication successful for AKIAIOSFODNN7EXAMPLE (credentials from the test); AUTH PLAIN LOGIN offered.",
    );
    expect(c["smtp-send-test"].observed).toMatch(
      /^From mailguard-verify@example\.com to success@simulator\.amazonses\.com: 250 2\.0\.0 Ok: queued as [0-9A-F]+\.$/,
    );
    const queueId = /queued as ([0-9A-F]+)/.exec(c["smtp-send-test"].observed)![1];
    // Postfix's own log agrees: the message was accepted (and discarded, as configured).
    for (
      let i = 0;
      i < 50 &&
      !servers.maillog().slice(before).includes(`${queueId}: to=<success@simulator.amazonses.com>`);
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(servers.maillog().slice(before)).toMatch(
      new RegExp(`${queueId}: to=<success@simulator\\.amazonses\\.com>.*status=sent`),
    );
  });

  it("skips the test message unless asked, and AUTH without credentials, saying how to give them", async () => {
    const c = await run(target("submission", { credentials: undefined }));
    expect(c["smtp-starttls-auth"].status).toBe("skip");
    expect(c["smtp-starttls-auth"].observed).toBe(
      "No SMTP credentials to try (the server offers AUTH PLAIN LOGIN).",
    );
    expect(c["smtp-starttls-auth"].fix).toContain(
      "MAILGUARD_SMTP_USERNAME and MAILGUARD_SMTP_PASSWORD",
    );
    expect(c["smtp-implicit-tls-auth"].status).toBe("skip");
    const asked = await run(target("submission"));
    expect(asked["smtp-send-test"]).toMatchObject({
      status: "skip",
      observed: "No test message was asked for.",
    });
  });

  it("fails a bad password with 535 and names credentials derived for another region", async () => {
    const c = await run(
      target("submission", { credentials: { ...USER, password: "wrong", source: "the test" } }),
    );
    expect(c["smtp-starttls-auth"].status).toBe("fail");
    expect(c["smtp-starttls-auth"].observed).toMatch(
      /^535 5\.7\.8 .*authentication failed.* for AKIAIOSFODNN7EXAMPLE \(credentials from the test\)\.$/,
    );
    expect(c["smtp-starttls-auth"].fix).toMatch(
      /^Likely cause: the password was derived for another region than eu-west-1/,
    );
    expect(c["smtp-implicit-tls-auth"].status).toBe("fail");
    const other = await run(
      target("submission", {
        credentials: { ...USER, password: "wrong", source: "the test", region: "us-east-1" },
      }),
    );
    expect(other["smtp-starttls-auth"].fix).toBe(
      "The password was derived for us-east-1, but the host is in eu-west-1; SES SMTP passwords are derived per region (SMTP password v4). Use the bundle made for eu-west-1.",
    );
  });
});

describe("broken servers", () => {
  it("fails a server that offers AUTH before STARTTLS", async () => {
    // Before any TLS, the server offers both STARTTLS and AUTH.
    const transcript = ehloWithSwaks(servers.ports.authBeforeTls);
    expect(transcript).toContain("<-  250-STARTTLS");
    expect(transcript).toContain("<-  250-AUTH PLAIN LOGIN");
    const c = await run(target("authBeforeTls"));
    expect(c["smtp-starttls"].status).toBe("fail");
    expect(c["smtp-starttls"].observed).toBe(
      "220 smtp.mailguard.test ESMTP mailguard test server; EHLO offers AUTH PLAIN LOGIN before STARTTLS: a client that does not insist on TLS sends its password in clear text.",
    );
    expect(c["smtp-starttls"].fix).toContain("smtpd_tls_auth_only = yes");
  });

  it("fails a server without STARTTLS and never sends it the credentials", async () => {
    const transcript = ehloWithSwaks(servers.ports.noStartTls);
    expect(transcript).not.toContain("STARTTLS");
    expect(transcript).toContain("AUTH PLAIN LOGIN");
    const before = servers.maillog().length;
    const c = await run(target("noStartTls", { tlsPort: undefined }));
    expect(statuses(c)).toMatchObject({
      "smtp-starttls": "fail",
      "smtp-starttls-certificate": "skip",
      "smtp-starttls-auth": "skip",
      "smtp-send-test": "skip",
    });
    expect(c["smtp-starttls"].observed).toMatch(
      /EHLO offers no STARTTLS \(offers .*\), and AUTH PLAIN LOGIN in clear text\.$/,
    );
    expect(c["smtp-starttls-auth"].observed).toBe(
      "Not attempted: without TLS the credentials would travel in clear text.",
    );
    // The server's log shows the session ended without an AUTH command.
    await new Promise((r) => setTimeout(r, 300));
    const log = servers.maillog().slice(before);
    expect(log).toMatch(/disconnect from localhost\[127\.0\.0\.1\] ehlo=1 quit=1 commands=2/);
    expect(log).not.toMatch(/auth=|sasl_username/);
  });

  it("fails an expired certificate and sends no credentials over it", async () => {
    const c = await run(target("expiredCert", { tlsPort: undefined }));
    expect(c["smtp-starttls"].status).toBe("pass");
    expect(c["smtp-starttls-certificate"].status).toBe("fail");
    expect(c["smtp-starttls-certificate"].observed).toMatch(
      /^The certificate expired on .* GMT\. TLSv1/,
    );
    expect(c["smtp-starttls-certificate"].fix).toBe("Renew the server's certificate.");
    expect(c["smtp-starttls-auth"].observed).toBe(
      "Not attempted: credentials are not sent over TLS whose certificate is not valid for the host.",
    );
  });

  it("fails a certificate for another host", async () => {
    const c = await run(target("wrongHostCert", { tlsPort: undefined }));
    expect(c["smtp-starttls-certificate"].status).toBe("fail");
    expect(c["smtp-starttls-certificate"].observed).toMatch(
      /^The certificate is for DNS:mail\.other\.invalid, not 127\.0\.0\.1 \(.*\)\. /,
    );
    expect(c["smtp-starttls-auth"].status).toBe("skip");
  });

  it("fails a certificate from a CA it was not told to trust, and says to give --ca", async () => {
    const c = await run(target("submission", { ca: undefined }));
    expect(c["smtp-starttls-certificate"].status).toBe("fail");
    expect(c["smtp-starttls-certificate"].observed).toMatch(
      /^The certificate is not from a trusted CA \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY); issuer CN=mailguard test CA\)\./,
    );
    expect(c["smtp-starttls-certificate"].fix).toBe(
      "Give the private CA with --ca FILE, or use a certificate from a public CA.",
    );
    expect(c["smtp-implicit-tls"].status).toBe("fail");
  });

  it("fails implicit TLS on a port that speaks plain SMTP", async () => {
    const c = await run(target("submission", { tlsPort: servers.ports.noStartTls }));
    expect(c["smtp-implicit-tls"].status).toBe("fail");
    expect(c["smtp-implicit-tls-auth"].status).toBe("skip");
  });

  it("fails a port where nothing listens, within the deadline", async () => {
    const closed = await freePort();
    const started = Date.now();
    const c = await run(
      target("submission", { port: closed, tlsPort: undefined, tlsPortSkip: "not asked" }),
    );
    expect(c["smtp-starttls"].status).toBe("fail");
    expect(c["smtp-starttls"].observed).toContain("ECONNREFUSED");
    expect(c["smtp-implicit-tls"]).toMatchObject({ status: "skip", observed: "not asked" });
    expect(Date.now() - started).toBeLessThan(10000);
  });
});
