/**
 * Section 4 against real sockets on loopback: a listener stands in for a host that listens on 25
 * (the probe must report it open, a failure), and a port nobody listens on is reported refused.
 */
import * as net from "net";
import { port25Check, probeTcp } from "../../../../cli/verify/port25";
import { freePort } from "./process";

let listener: net.Server;
let openPort: number;

beforeAll(async () => {
  listener = net.createServer((socket) => {
    // The probe hangs up at once; the reset it causes is expected.
    socket.on("error", () => undefined);
    socket.end("220 listener ESMTP\r\n");
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", () => resolve()));
  openPort = (listener.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => listener.close(() => resolve()));
});

describe("the port 25 probe", () => {
  it("reports a port whose connection completes as open, and fails", async () => {
    const c = await port25Check("127.0.0.1", openPort);
    expect(c).toMatchObject({
      id: "egress-port-25",
      section: "egress",
      subject: `127.0.0.1:${openPort}`,
      status: "fail",
    });
    expect(c.observed).toBe(
      `Open: a TCP connection to 127.0.0.1:${openPort} completed from this machine, so anything here can send mail on port 25 directly.`,
    );
    expect(c.fix).toContain("NoSmtpEgressSecurityGroup");
  });

  it("reports a closed port as refused, and passes", async () => {
    const closed = await freePort();
    const c = await port25Check("127.0.0.1", closed);
    expect(c.status).toBe("pass");
    expect(c.observed).toBe(
      `Refused: the connection to 127.0.0.1:${closed} was rejected (closed port, or a firewall answering with a reset).`,
    );
  });

  it("makes one bounded attempt", async () => {
    const started = Date.now();
    expect(await probeTcp("127.0.0.1", openPort, 5000)).toEqual({ result: "open" });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("warns, probing nothing, when the host does not resolve", async () => {
    const c = await port25Check("no-such-host.invalid", 25);
    expect(c.status).toBe("warn");
    expect(c.observed).toMatch(
      /^no-such-host\.invalid could not be resolved \((ENOTFOUND|EAI_AGAIN)\): nothing was probed\.$/,
    );
  });
});
