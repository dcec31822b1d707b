import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknown } from "../core";
import { documentOf, judgePolicyDocument, wildcardManagedPolicy } from "../lib/iam";
import { PlainProps, isRecord, list, readThroughProxy, str } from "../lib/props";
import { fieldPath } from "../lib/dns";
import { T } from "../lib/types";
import { configOf, messageFor, propsOf } from "../lib/report";

export interface SmtpUserLeastPrivilegeConfig {
  /** The SES send actions a policy may grant, by name; default `ses:SendRawEmail`, `ses:SendEmail`. */
  allowedActions: string[];
}

export const smtpUserLeastPrivilegeDefaults: SmtpUserLeastPrivilegeConfig = {
  allowedActions: ["ses:SendRawEmail", "ses:SendEmail"],
};

/** Where each IAM resource type holds policy documents. */
const DOCUMENT_FIELDS: ReadonlyMap<string, string> = new Map([
  [T.iamPolicy, "policy"],
  [T.iamUserPolicy, "policy"],
  [T.iamGroupPolicy, "policy"],
  [T.iamRolePolicy, "policy"],
  [T.nativeIamPolicy, "policyDocument"],
  [T.nativeIamUserPolicy, "policyDocument"],
  [T.nativeIamGroupPolicy, "policyDocument"],
  [T.nativeIamRolePolicy, "policyDocument"],
]);

/** Types that embed a list of inline policies, and the field of each document within an entry. */
const INLINE_LISTS: ReadonlyMap<string, [string, string]> = new Map([
  [T.iamRole, ["inlinePolicies", "policy"]],
  [T.nativeIamUser, ["policies", "policyDocument"]],
  [T.nativeIamGroup, ["policies", "policyDocument"]],
  [T.nativeIamRole, ["policies", "policyDocument"]],
]);

const ATTACHMENT_TYPES: ReadonlySet<string> = new Set([
  T.iamUserPolicyAttachment,
  T.iamGroupPolicyAttachment,
  T.iamRolePolicyAttachment,
  T.iamPolicyAttachment,
]);

const MANAGED_ARN_LISTS: ReadonlySet<string> = new Set([
  T.iamRole,
  T.nativeIamUser,
  T.nativeIamGroup,
  T.nativeIamRole,
]);

const IAM_TYPES: ReadonlySet<string> = new Set([
  ...DOCUMENT_FIELDS.keys(),
  ...INLINE_LISTS.keys(),
  ...ATTACHMENT_TYPES,
  ...MANAGED_ARN_LISTS,
]);

const FIX =
  "Fix: grant only ses:SendRawEmail on the identity and configuration set ARNs (mailguard's MailDomain creates such an SMTP user), and send on 587.";

function documentsOf(type: string, props: PlainProps): { field: string; doc: unknown }[] {
  const field = DOCUMENT_FIELDS.get(type);
  if (field !== undefined) {
    return [{ field, doc: props[field] }];
  }
  const inline = INLINE_LISTS.get(type);
  if (inline === undefined) {
    return [];
  }
  const [listField, docField] = inline;
  const entries = props[listField];
  if (isUnknown(entries)) {
    return [{ field: listField, doc: entries }];
  }
  return list(entries).map((e, i) => ({
    field: `${listField}[${i}].${docField}`,
    doc: isRecord(e) ? e[docField] : undefined,
  }));
}

function managedArnsOf(type: string, props: PlainProps): { field: string; arn: unknown }[] {
  if (ATTACHMENT_TYPES.has(type)) {
    return [{ field: "policyArn", arn: props.policyArn }];
  }
  if (MANAGED_ARN_LISTS.has(type)) {
    return list(props.managedPolicyArns).map((arn, i) => ({
      field: `managedPolicyArns[${i}]`,
      arn,
    }));
  }
  return [];
}

/**
 * IAM policies (standalone, inline on users, groups and roles, aws and aws-native) that grant SES
 * send actions grant only `ses:SendRawEmail` / `ses:SendEmail`, by name, on named resources; no
 * `ses:*`, `ses:Send*`, `*`, no Resource `*` or wildcard ARN such as `arn:aws:ses:*:*:identity/*`,
 * and no AWS managed policy that grants them so.
 */
export const smtpUserLeastPrivilege: ResourceValidationPolicy = {
  name: "smtp-user-least-privilege",
  description:
    "IAM policies that let a principal send through SES grant only SendRawEmail/SendEmail on named identities.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedActions: {
        type: "array",
        items: { type: "string" },
        default: ["ses:SendRawEmail", "ses:SendEmail"],
        description: "The SES send actions a policy may grant, by name.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (!IAM_TYPES.has(args.type)) {
      return;
    }
    const config = configOf(args, smtpUserLeastPrivilegeDefaults);
    const props = propsOf(args);
    let unknownField: string | undefined;
    for (const { field, doc } of documentsOf(args.type, props)) {
      const document = documentOf(doc);
      if (document === "unknown") {
        unknownField ??= field;
        continue;
      }
      if (document === undefined) {
        continue;
      }
      const judgement = judgePolicyDocument(document, config.allowedActions);
      for (const p of judgement.problems) {
        reportViolation(
          messageFor(args.type, args.name, `${field} ${p.where} ${p.problem}. ${FIX}`),
        );
      }
      if (judgement.unknownField !== undefined && typeof doc !== "string") {
        unknownField ??= `${field}.${judgement.unknownField}`;
      }
    }
    for (const { field, arn } of managedArnsOf(args.type, props)) {
      if (isUnknown(arn)) {
        continue; // Customer managed policies are judged where their document is declared.
      }
      const managed =
        str(arn) === undefined ? undefined : wildcardManagedPolicy(str(arn) as string);
      if (managed !== undefined) {
        reportViolation(
          messageFor(
            args.type,
            args.name,
            `${field} attaches the AWS managed policy ${managed.name}, which grants SES send actions through ${managed.grant} on Resource "*". ${FIX}`,
          ),
        );
      }
    }
    if (unknownField !== undefined) {
      readThroughProxy(args.props, fieldPath(unknownField));
    }
  },
};
