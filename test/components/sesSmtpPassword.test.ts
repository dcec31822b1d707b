import * as crypto from "crypto";
import { sesSmtpPasswordV4 } from "../../components/sesSmtpPassword";

describe("sesSmtpPasswordV4", () => {
  it("derives the SMTP password with AWS's published v4 algorithm", () => {
    // Recomputed independently, step by step, from AWS's documented procedure.
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const h = (key: Buffer, msg: string) => crypto.createHmac("sha256", key).update(msg).digest();
    const k1 = h(Buffer.from("AWS4" + secret), "11111111");
    const k2 = h(k1, "eu-west-1");
    const k3 = h(k2, "ses");
    const k4 = h(k3, "aws4_request");
    const k5 = h(k4, "SendRawEmail");
    const expected = Buffer.concat([Buffer.from([4]), k5]).toString("base64");
    expect(sesSmtpPasswordV4(secret, "eu-west-1")).toBe(expected);
    expect(Buffer.from(expected, "base64")).toHaveLength(33);
  });

  it("gives a different password in each region", () => {
    expect(sesSmtpPasswordV4("s", "us-east-1")).not.toBe(sesSmtpPasswordV4("s", "eu-west-1"));
  });
});
