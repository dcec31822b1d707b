import { wideResourceReason } from "../../policies/lib/iam";
import { smtpUserLeastPrivilege } from "../../policies/rules/smtp-user-least-privilege";
import { UNKNOWN, runResource } from "../helpers/policy-support";

const POLICY = "aws:iam/policy:Policy";
const USER_POLICY = "aws:iam/userPolicy:UserPolicy";
const ROLE = "aws:iam/role:Role";
const ATTACH = "aws:iam/userPolicyAttachment:UserPolicyAttachment";
const NATIVE_USER = "aws-native:iam:User";
const IDENTITY_ARN = "arn:aws:ses:us-east-1:123456789012:identity/example.com";
const SET_ARN = "arn:aws:ses:us-east-1:123456789012:configuration-set/mail";

const doc = (statement: Record<string, unknown>) => ({
  Version: "2012-10-17",
  Statement: [statement],
});
const send = (extra: Record<string, unknown> = {}) =>
  doc({ Effect: "Allow", Action: "ses:SendRawEmail", Resource: [IDENTITY_ARN, SET_ARN], ...extra });

describe("smtp-user-least-privilege", () => {
  it("passes SendRawEmail on named identity and configuration set, as a JSON string or an object", async () => {
    const ok = [
      {
        type: USER_POLICY,
        name: "smtp",
        props: {
          user: "smtp",
          policy: JSON.stringify(
            send({ Condition: { StringLike: { "ses:FromAddress": "*@example.com" } } }),
          ),
        },
      },
      { type: POLICY, name: "p", props: { policy: send() } },
      {
        type: POLICY,
        name: "s3",
        props: { policy: JSON.stringify(doc({ Effect: "Allow", Action: "s3:*", Resource: "*" })) },
      },
      {
        type: POLICY,
        name: "deny",
        props: { policy: JSON.stringify(doc({ Effect: "Deny", Action: "ses:*", Resource: "*" })) },
      },
    ];
    for (const r of ok) {
      expect((await runResource(smtpUserLeastPrivilege, r)).violations).toEqual([]);
    }
  });

  const violating: [
    string,
    { type: string; name: string; props: Record<string, unknown> },
    RegExp,
  ][] = [
    [
      "ses:*",
      {
        type: POLICY,
        name: "p",
        props: {
          policy: JSON.stringify(doc({ Effect: "Allow", Action: "ses:*", Resource: IDENTITY_ARN })),
        },
      },
      /wildcard action "ses:\*"/,
    ],
    [
      "ses:Send*",
      {
        type: POLICY,
        name: "p",
        props: {
          policy: JSON.stringify(
            doc({ Effect: "Allow", Action: ["ses:Send*"], Resource: IDENTITY_ARN }),
          ),
        },
      },
      /wildcard action "ses:Send\*"/,
    ],
    [
      "the action *",
      {
        type: POLICY,
        name: "p",
        props: {
          policy: JSON.stringify(doc({ Effect: "Allow", Action: "*", Resource: IDENTITY_ARN })),
        },
      },
      /wildcard action "\*"/,
    ],
    [
      "Resource *",
      {
        type: USER_POLICY,
        name: "u",
        props: {
          policy: JSON.stringify(
            doc({ Effect: "Allow", Action: "ses:SendRawEmail", Resource: "*" }),
          ),
        },
      },
      /Resource "\*"/,
    ],
    ...(
      [
        ["arn:aws:ses:*:*:identity/*", /wildcard in the region field/],
        ["arn:aws:ses:*", /wildcard across the ARN's fields/],
        ["arn:aws:ses:us-east-1:123456789012:identity/*", /wildcard in the identity name/],
        ["arn:aws:ses:us-east-1:*:identity/example.com", /wildcard in the account field/],
      ] as const
    ).map(
      ([arn, reason]): [
        string,
        { type: string; name: string; props: Record<string, unknown> },
        RegExp,
      ] => [
        `the wildcard Resource ${arn}`,
        {
          type: POLICY,
          name: "p",
          props: {
            policy: JSON.stringify(
              doc({ Effect: "Allow", Action: "ses:SendRawEmail", Resource: [SET_ARN, arn] }),
            ),
          },
        },
        new RegExp(
          `Statement\\[0\\] grants SES send actions on Resource "${arn.replace(/[*]/g, "\\*")}", whose ${reason.source} matches identities beyond the named ones`,
        ),
      ],
    ),
    [
      "a send action beyond the allowed ones",
      {
        type: POLICY,
        name: "p",
        props: {
          policy: JSON.stringify(
            doc({ Effect: "Allow", Action: "ses:SendBulkEmail", Resource: IDENTITY_ARN }),
          ),
        },
      },
      /grants ses:SendBulkEmail, beyond ses:SendRawEmail and ses:SendEmail/,
    ],
    [
      "NotAction that leaves send actions",
      {
        type: POLICY,
        name: "p",
        props: {
          policy: JSON.stringify(
            doc({ Effect: "Allow", NotAction: "iam:*", Resource: IDENTITY_ARN }),
          ),
        },
      },
      /NotAction/,
    ],
    [
      "an inline role policy",
      {
        type: ROLE,
        name: "r",
        props: {
          assumeRolePolicy: "{}",
          inlinePolicies: [
            {
              name: "mail",
              policy: JSON.stringify(doc({ Effect: "Allow", Action: "ses:*", Resource: "*" })),
            },
          ],
        },
      },
      /inlinePolicies\[0\]\.policy Statement\[0\]/,
    ],
    [
      "an aws-native user policy",
      {
        type: NATIVE_USER,
        name: "nu",
        props: {
          policies: [
            {
              policyName: "x",
              policyDocument: doc({ Effect: "Allow", Action: "ses:SendRawEmail", Resource: "*" }),
            },
          ],
        },
      },
      /Resource "\*"/,
    ],
    [
      "an attached AmazonSESFullAccess",
      {
        type: ATTACH,
        name: "a",
        props: { user: "smtp", policyArn: "arn:aws:iam::aws:policy/AmazonSESFullAccess" },
      },
      /AmazonSESFullAccess, which grants SES send actions through ses:\*/,
    ],
  ];
  it.each(violating)("reports %s", async (_label, r, pattern) => {
    const out = await runResource(smtpUserLeastPrivilege, r);
    expect(out.violations[0]).toMatch(pattern);
    for (const v of out.violations) {
      expect(v).toContain(`${r.type} "${r.name}"`);
      expect(v).toMatch(/Fix: grant only ses:SendRawEmail .* 587/);
    }
  });

  it("says which field makes a resource ARN wide, and passes named identities and configuration sets", () => {
    const table: [string, string | undefined][] = [
      ["*", "across the ARN's fields"],
      ["arn:*", "across the ARN's fields"],
      ["arn:aws:ses:*", "across the ARN's fields"],
      ["arn:aws-cn:ses:*", "across the ARN's fields"],
      ["arn:aws:s*:us-east-1:123456789012:identity/example.com", "in the service field"],
      ["arn:aws:ses:us-*:123456789012:identity/example.com", "in the region field"],
      ["arn:aws:ses:us-east-?:123456789012:identity/example.com", "in the region field"],
      ["arn:aws:ses:us-east-1:*:identity/example.com", "in the account field"],
      ["arn:aws:ses:us-east-1:123456789012:*", "in the identity name"],
      ["arn:aws:ses:us-east-1:123456789012:identity/*", "in the identity name"],
      ["arn:aws:ses:us-east-1:123456789012:identity/*.example.com", "in the identity name"],
      [IDENTITY_ARN, undefined],
      [SET_ARN, undefined],
      ["arn:aws:ses:us-east-1:123456789012:configuration-set/*", undefined],
      ["arn:aws:s3:*", undefined],
      ["arn:aws:s3:::bucket/*", undefined],
    ];
    for (const [arn, reason] of table) {
      expect([arn, wideResourceReason(arn)]).toEqual([arn, reason]);
    }
  });

  it("accepts other allowed actions when configured", async () => {
    const r = {
      type: POLICY,
      name: "p",
      props: {
        policy: JSON.stringify(
          doc({ Effect: "Allow", Action: "ses:SendBulkEmail", Resource: IDENTITY_ARN }),
        ),
      },
    };
    expect(
      (await runResource(smtpUserLeastPrivilege, r, { allowedActions: ["ses:SendBulkEmail"] }))
        .violations,
    ).toEqual([]);
  });

  it("reports a wildcard it can see even when a resource ARN is unknown during preview", async () => {
    const r = {
      type: POLICY,
      name: "p",
      props: { policy: doc({ Effect: "Allow", Action: "ses:*", Resource: [UNKNOWN] }) },
    };
    const out = await runResource(smtpUserLeastPrivilege, r);
    expect(out.violations.join("\n")).toMatch(/wildcard action "ses:\*"/);
  });

  it("hands a document unknown during preview to the SDK, naming the field", async () => {
    const whole = await runResource(smtpUserLeastPrivilege, {
      type: POLICY,
      name: "p",
      props: { policy: UNKNOWN },
    });
    expect(whole.violations).toEqual([]);
    expect(whole.previewNote).toMatch(/value at \.policy can't be known during preview/);
    const resource = await runResource(smtpUserLeastPrivilege, {
      type: POLICY,
      name: "p",
      props: { policy: send({ Resource: [UNKNOWN] }) },
    });
    expect(resource.previewNote).toMatch(/\.policy\.Statement\.0\.Resource\.0 can't be known/);
  });
});
