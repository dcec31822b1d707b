import * as crypto from "crypto";

/**
 * The SES SMTP password for a secret access key in a region, by AWS's published conversion
 * (version 4): an HMAC-SHA256 chain keyed with `AWS4<secret>` over "11111111", the region,
 * "ses", "aws4_request" and "SendRawEmail", prefixed with the version byte 0x04, base64-encoded.
 * The password is valid only for that region's SMTP endpoint.
 */
export function sesSmtpPasswordV4(secretAccessKey: string, region: string): string {
  const sign = (key: Buffer, msg: string) =>
    crypto.createHmac("sha256", key).update(msg, "utf8").digest();
  let signature = sign(Buffer.from(`AWS4${secretAccessKey}`, "utf8"), "11111111");
  for (const part of [region, "ses", "aws4_request", "SendRawEmail"])
    signature = sign(signature, part);
  return Buffer.concat([Buffer.from([0x04]), signature]).toString("base64");
}
