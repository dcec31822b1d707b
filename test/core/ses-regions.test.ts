import {
  GLOBAL_DKIM_DOMAIN,
  isSesDkimDomainShape,
  nearestSesRegions,
  partitionOf,
  regionOfFeedbackHost,
  resolveSesRegion,
  SES_REGIONS,
  sesRegion,
  smtpHostOf,
  dkimDomainFindings,
  dkimDomainShapeFindings,
  regionOfSmtpVpcEndpointService,
  SES_SMTP_LISTENER_PORTS,
  smtpVpcEndpointServiceOf,
} from "../../policies/core/ses-regions";

/*
 * What AWS publishes, typed row by row from the sources, never computed from the table under test:
 * - SMTP host and FIPS SMTP host: AWS General Reference, "Amazon Simple Email Service endpoints and
 *   quotas", SMTP endpoints (https://docs.aws.amazon.com/general/latest/gr/ses.html);
 * - DKIM domain: the same page, DKIM domains;
 * - feedback host: SES Developer Guide, "Feedback endpoints for custom MAIL FROM" table
 *   (amazonses.com in every region, GovCloud included);
 * - partition: AWS GovCloud (US) User Guide, Amazon SES.
 */
// prettier-ignore
const AWS_PUBLISHED: [string, string, string, string | null, string, string][] = [
  // region, partition, SMTP host, FIPS SMTP host, DKIM domain, MAIL FROM feedback host
  ["us-east-1", "aws", "email-smtp.us-east-1.amazonaws.com", "email-smtp-fips.us-east-1.amazonaws.com", "dkim.amazonses.com", "feedback-smtp.us-east-1.amazonses.com"],
  ["us-east-2", "aws", "email-smtp.us-east-2.amazonaws.com", null, "dkim.amazonses.com", "feedback-smtp.us-east-2.amazonses.com"],
  ["us-west-1", "aws", "email-smtp.us-west-1.amazonaws.com", null, "dkim.amazonses.com", "feedback-smtp.us-west-1.amazonses.com"],
  ["us-west-2", "aws", "email-smtp.us-west-2.amazonaws.com", "email-smtp-fips.us-west-2.amazonaws.com", "dkim.amazonses.com", "feedback-smtp.us-west-2.amazonses.com"],
  ["af-south-1", "aws", "email-smtp.af-south-1.amazonaws.com", null, "dkim.af-south-1.amazonses.com", "feedback-smtp.af-south-1.amazonses.com"],
  ["ap-south-1", "aws", "email-smtp.ap-south-1.amazonaws.com", null, "dkim.amazonses.com", "feedback-smtp.ap-south-1.amazonses.com"],
  ["ap-south-2", "aws", "email-smtp.ap-south-2.amazonaws.com", null, "dkim.ap-south-2.amazonses.com", "feedback-smtp.ap-south-2.amazonses.com"],
  ["ap-southeast-1", "aws", "email-smtp.ap-southeast-1.amazonaws.com", null, "dkim.amazonses.com", "feedback-smtp.ap-southeast-1.amazonses.com"],
  ["ap-southeast-2", "aws", "email-smtp.ap-southeast-2.amazonaws.com", null, "dkim.amazonses.com", "feedback-smtp.ap-southeast-2.amazonses.com"],
  ["ap-southeast-3", "aws", "email-smtp.ap-southeast-3.amazonaws.com", null, "dkim.ap-southeast-3.amazonses.com", "feedback-smtp.ap-southeast-3.amazonses.com"],
  ["ap-southeast-5", "aws", "email-smtp.ap-southeast-5.amazonaws.com", null, "dkim.ap-southeast-5.amazonses.com", "feedback-smtp.ap-southeast-5.amazonses.com"],
  ["ap-northeast-1", "aws", "email-smtp.ap-northeast-1.amazonaws.com", null, "dkim.amazonses.com", "feedback-smtp.ap-northeast-1.amazonses.com"],
  ["ap-northeast-2", "aws", "email-smtp.ap-northeast-2.amazonaws.com", null, "dkim.amazonses.com", "feedback-smtp.ap-northeast-2.amazonses.com"],
  ["ap-northeast-3", "aws", "email-smtp.ap-northeast-3.amazonaws.com", null, "dkim.ap-northeast-3.amazonses.com", "feedback-smtp.ap-northeast-3.amazonses.com"],
  ["ca-central-1", "aws", "email-smtp.ca-central-1.amazonaws.com", null, "dkim.amazonses.com", "feedback-smtp.ca-central-1.amazonses.com"],
  ["ca-west-1", "aws", "email-smtp.ca-west-1.amazonaws.com", null, "dkim.ca-west-1.amazonses.com", "feedback-smtp.ca-west-1.amazonses.com"],
  ["eu-central-1", "aws", "email-smtp.eu-central-1.amazonaws.com", null, "dkim.amazonses.com", "feedback-smtp.eu-central-1.amazonses.com"],
  ["eu-central-2", "aws", "email-smtp.eu-central-2.amazonaws.com", null, "dkim.eu-central-2.amazonses.com", "feedback-smtp.eu-central-2.amazonses.com"],
  ["eu-west-1", "aws", "email-smtp.eu-west-1.amazonaws.com", null, "dkim.amazonses.com", "feedback-smtp.eu-west-1.amazonses.com"],
  ["eu-west-2", "aws", "email-smtp.eu-west-2.amazonaws.com", null, "dkim.amazonses.com", "feedback-smtp.eu-west-2.amazonses.com"],
  ["eu-west-3", "aws", "email-smtp.eu-west-3.amazonaws.com", null, "dkim.amazonses.com", "feedback-smtp.eu-west-3.amazonses.com"],
  ["eu-south-1", "aws", "email-smtp.eu-south-1.amazonaws.com", null, "dkim.eu-south-1.amazonses.com", "feedback-smtp.eu-south-1.amazonses.com"],
  ["eu-north-1", "aws", "email-smtp.eu-north-1.amazonaws.com", null, "dkim.amazonses.com", "feedback-smtp.eu-north-1.amazonses.com"],
  ["il-central-1", "aws", "email-smtp.il-central-1.amazonaws.com", null, "dkim.il-central-1.amazonses.com", "feedback-smtp.il-central-1.amazonses.com"],
  ["me-south-1", "aws", "email-smtp.me-south-1.amazonaws.com", null, "dkim.amazonses.com", "feedback-smtp.me-south-1.amazonses.com"],
  ["me-central-1", "aws", "email-smtp.me-central-1.amazonaws.com", null, "dkim.me-central-1.amazonses.com", "feedback-smtp.me-central-1.amazonses.com"],
  ["sa-east-1", "aws", "email-smtp.sa-east-1.amazonaws.com", null, "dkim.amazonses.com", "feedback-smtp.sa-east-1.amazonses.com"],
  ["us-gov-west-1", "aws-us-gov", "email-smtp.us-gov-west-1.amazonaws.com", "email-smtp-fips.us-gov-west-1.amazonaws.com", "dkim.amazonses.com", "feedback-smtp.us-gov-west-1.amazonses.com"],
  ["us-gov-east-1", "aws-us-gov", "email-smtp.us-gov-east-1.amazonaws.com", null, "dkim.us-gov-east-1.amazonses.com", "feedback-smtp.us-gov-east-1.amazonses.com"],
];

describe("the SES region table", () => {
  it("lists exactly the regions AWS publishes for SES", () => {
    expect(SES_REGIONS.map((r) => r.region).sort()).toEqual(AWS_PUBLISHED.map((r) => r[0]).sort());
  });

  it.each(AWS_PUBLISHED)(
    "holds the hosts AWS publishes for %s",
    (region, partition, smtp, fips, dkim, feedback) => {
      const row = sesRegion(region)!;
      expect([
        row.partition,
        row.smtpHost,
        row.fipsSmtpHost ?? null,
        row.dkimDomain,
        row.feedbackHost,
      ]).toEqual([partition, smtp, fips, dkim, feedback]);
    },
  );

  it("never names amazonaws.com for the feedback host or a DKIM domain", () => {
    for (const r of SES_REGIONS) {
      expect(r.feedbackHost).not.toMatch(/amazonaws/);
      expect(r.dkimDomain).not.toMatch(/amazonaws/);
    }
  });

  it("gives every region a name as AWS writes it", () => {
    expect(sesRegion("me-central-1")?.name).toBe("Middle East (UAE)");
    expect(sesRegion("us-gov-east-1")?.name).toBe("AWS GovCloud (US-East)");
    for (const r of SES_REGIONS) expect(r.name).not.toBe("");
  });
});

describe("resolveSesRegion", () => {
  it("returns the table's facts for a listed region", () => {
    expect(resolveSesRegion("ap-southeast-3")).toEqual({
      facts: {
        region: "ap-southeast-3",
        name: "Asia Pacific (Jakarta)",
        partition: "aws",
        smtpHost: "email-smtp.ap-southeast-3.amazonaws.com",
        fipsSmtpHost: undefined,
        dkimDomain: "dkim.ap-southeast-3.amazonses.com",
        feedbackHost: "feedback-smtp.ap-southeast-3.amazonses.com",
        listed: true,
      },
      findings: [],
    });
  });

  it("applies an explicit DKIM domain over the table's", () => {
    expect(
      resolveSesRegion("eu-west-1", { dkimDomain: "dkim.eu-west-1.amazonses.com" }).facts
        ?.dkimDomain,
    ).toBe("dkim.eu-west-1.amazonses.com");
  });

  it("refuses a region SES does not have, naming the nearest ones", () => {
    const r = resolveSesRegion("eu-west-9");
    expect(r.facts).toBeUndefined();
    expect(r.findings.map((f) => [f.severity, f.code])).toEqual([["error", "ses-region-unknown"]]);
    expect(r.findings[0].fix).toContain("eu-west-1, eu-west-2, eu-west-3");
  });

  it("accepts a region newer than the table with newRegion, by AWS's naming patterns", () => {
    expect(resolveSesRegion("ap-east-9", { newRegion: true })).toEqual({
      facts: {
        region: "ap-east-9",
        name: "ap-east-9",
        partition: "aws",
        smtpHost: "email-smtp.ap-east-9.amazonaws.com",
        dkimDomain: undefined,
        feedbackHost: "feedback-smtp.ap-east-9.amazonses.com",
        listed: false,
      },
      findings: [],
    });
    expect(resolveSesRegion("us-gov-north-1", { newRegion: true }).facts?.partition).toBe(
      "aws-us-gov",
    );
  });

  it("asks for the DKIM domain of a new region when Easy DKIM needs it", () => {
    const facts = resolveSesRegion("ap-east-9", { newRegion: true }).facts!;
    expect(dkimDomainFindings(facts).map((f) => f.code)).toEqual(["ses-region-dkim-domain-needed"]);
    const given = resolveSesRegion("ap-east-9", {
      newRegion: true,
      dkimDomain: "dkim.ap-east-9.amazonses.com",
    }).facts!;
    expect(dkimDomainFindings(given)).toEqual([]);
  });

  it.each([["Ireland"], ["EU-WEST-1"], [""], ["eu-west"]])(
    "refuses %j as not a region code",
    (code) => {
      expect(resolveSesRegion(code).findings.map((f) => f.code)).toEqual(["ses-region-name"]);
    },
  );

  it("refuses a DKIM domain outside SES's", () => {
    expect(
      resolveSesRegion("eu-west-1", { dkimDomain: "dkim.example.com" }).findings.map((f) => f.code),
    ).toEqual(["ses-dkim-domain"]);
  });
});

describe("dkimDomainShapeFindings", () => {
  it.each([[undefined], ["dkim.amazonses.com"], ["dkim.ap-east-9.amazonses.com"]])(
    "accepts %j",
    (value) => {
      expect(dkimDomainShapeFindings(value, "eu-west-1")).toEqual([]);
    },
  );

  it.each([
    [null, "null"],
    [42, "42"],
    ["", '""'],
    [{}, "{}"],
    ["dkim.example.com", '"dkim.example.com"'],
  ])("refuses %j, quoting it, without a region to name", (value, shown) => {
    expect(dkimDomainShapeFindings(value)).toEqual([
      {
        severity: "error",
        code: "ses-dkim-domain",
        message: `${shown} is not an SES DKIM domain (dkim.amazonses.com or dkim.<region>.amazonses.com).`,
        fix: "Give the DKIM domain the AWS General Reference, Amazon SES endpoints and quotas lists for the SES region, or leave dkimDomain out to use mailguard's table.",
      },
    ]);
  });

  it("names the region in the fix when it is known, as resolveSesRegion does", () => {
    expect(dkimDomainShapeFindings("x", "eu-west-1")).toEqual(
      resolveSesRegion("eu-west-1", { dkimDomain: "x" }).findings,
    );
  });
});

describe("smtpHostOf", () => {
  it("hands out the standard host, or the FIPS host where SES has one", () => {
    expect(smtpHostOf(sesRegion("us-west-2")!).host).toBe("email-smtp.us-west-2.amazonaws.com");
    expect(smtpHostOf(sesRegion("us-west-2")!, true).host).toBe(
      "email-smtp-fips.us-west-2.amazonaws.com",
    );
  });

  it("refuses FIPS where SES has no FIPS endpoint, naming the regions that have one", () => {
    const r = smtpHostOf(sesRegion("eu-west-1")!, true);
    expect(r.host).toBeUndefined();
    expect(r.findings[0].code).toBe("ses-region-no-fips-smtp");
    expect(r.findings[0].fix).toContain("us-east-1, us-west-2, us-gov-west-1");
  });

  it("refuses a region without an SMTP endpoint, naming the nearest region that has one", () => {
    const r = smtpHostOf({ region: "eu-central-3", smtpHost: undefined });
    expect(r.findings.map((f) => f.code)).toEqual(["ses-region-no-smtp"]);
    expect(r.findings[0].fix).toContain("eu-central-1");
  });
});

describe("region name helpers", () => {
  it("knows both DKIM domain shapes", () => {
    expect(isSesDkimDomainShape(GLOBAL_DKIM_DOMAIN)).toBe(true);
    expect(isSesDkimDomainShape("dkim.me-central-1.amazonses.com")).toBe(true);
    expect(isSesDkimDomainShape("dkim.ap-east-9.amazonses.com")).toBe(true);
    expect(isSesDkimDomainShape("dkim.amazonaws.com")).toBe(false);
    expect(isSesDkimDomainShape("dkim.example.amazonses.com")).toBe(false);
  });

  it("reads the region of a feedback host, and only of one on amazonses.com", () => {
    expect(regionOfFeedbackHost("feedback-smtp.us-gov-east-1.amazonses.com")).toBe("us-gov-east-1");
    expect(regionOfFeedbackHost("feedback-smtp.eu-west-1.amazonaws.com")).toBeUndefined();
  });

  it("tells the partition of a region", () => {
    expect(partitionOf("us-gov-west-1")).toBe("aws-us-gov");
    expect(partitionOf("eu-west-1")).toBe("aws");
  });

  it("orders the nearest regions by edit distance", () => {
    expect(nearestSesRegions("us-east-3", 2)).toEqual(["us-east-1", "us-east-2"]);
    expect(nearestSesRegions("me-central-2", 1)).toEqual(["me-central-1"]);
  });
});

/*
 * SES SMTP through a VPC endpoint, as AWS writes it: the PrivateLink Guide's "AWS services that
 * integrate with AWS PrivateLink" (Amazon SES: com.amazonaws.region.email-smtp) and the SES
 * Developer Guide's "Setting up VPC endpoints with Amazon SES" (ports 25, 465, 587, 2465, 2587).
 */
describe("the SES SMTP VPC endpoint service", () => {
  it.each([
    ["eu-west-1", "com.amazonaws.eu-west-1.email-smtp"],
    ["us-east-1", "com.amazonaws.us-east-1.email-smtp"],
    ["me-central-1", "com.amazonaws.me-central-1.email-smtp"],
  ])("is named com.amazonaws.<region>.email-smtp in %s", (region, name) => {
    expect(smtpVpcEndpointServiceOf(region)).toBe(name);
    expect(regionOfSmtpVpcEndpointService(name)).toBe(region);
  });

  it("reads the region of a service name only of the email-smtp service", () => {
    expect(regionOfSmtpVpcEndpointService("COM.AMAZONAWS.EU-WEST-1.EMAIL-SMTP")).toBe("eu-west-1");
    expect(regionOfSmtpVpcEndpointService("com.amazonaws.eu-west-1.email")).toBeUndefined();
    expect(regionOfSmtpVpcEndpointService("com.amazonaws.eu-west-1.s3")).toBeUndefined();
    expect(
      regionOfSmtpVpcEndpointService("com.amazonaws.vpce.eu-west-1.vpce-svc-0123"),
    ).toBeUndefined();
    expect(regionOfSmtpVpcEndpointService("com.amazonaws.notaregion.email-smtp")).toBeUndefined();
  });

  it("lists the ports SES documents for the endpoint's security group", () => {
    expect([...SES_SMTP_LISTENER_PORTS].sort((a, b) => a - b)).toEqual([25, 465, 587, 2465, 2587]);
  });
});
