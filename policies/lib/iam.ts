import { isUnknown } from "../core";
import { isRecord, list } from "./props";

/** Every action that sends mail through SES (v1 and v2 share the `ses:` prefix). */
export const SES_SEND_ACTIONS: readonly string[] = [
  "ses:SendEmail",
  "ses:SendRawEmail",
  "ses:SendTemplatedEmail",
  "ses:SendBulkTemplatedEmail",
  "ses:SendBulkEmail",
  "ses:SendCustomVerificationEmail",
  "ses:SendBounce",
];

/** AWS managed policies that grant SES send actions through wildcards. */
export const WILDCARD_MANAGED_POLICIES: ReadonlyMap<string, string> = new Map([
  ["AmazonSESFullAccess", "ses:*"],
  ["AdministratorAccess", "*"],
  ["PowerUserAccess", "NotAction iam:*, organizations:*, account:*"],
]);

/** An IAM action pattern (`*` and `?` wildcards, case-insensitive) as a regular expression. */
function patternOf(action: string): RegExp {
  const body = action
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, "i");
}

/** Probe identity ARNs, one per partition, for wildcards that span the fields of an ARN. */
const PROBE_IDENTITY_ARNS = ["aws", "aws-cn", "aws-us-gov"].map(
  (partition) => `arn:${partition}:ses:us-east-1:111122223333:identity/probe.example`,
);

/**
 * Why a resource ARN on an SES send statement covers more than the identities it names, or
 * undefined when it names them. An ARN is wide when a wildcard (`*`, `?`) sits in its service,
 * region or account field, in the identity name (or the resource type before it), or spans fields
 * (`arn:aws:ses:*`, `*`): each lets the principal send as identities nobody listed.
 */
export function wideResourceReason(resource: string): string | undefined {
  if (!/[*?]/.test(resource)) {
    return undefined;
  }
  const m = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/.exec(resource);
  if (m === null) {
    const re = patternOf(resource);
    return PROBE_IDENTITY_ARNS.some((arn) => re.test(arn)) ? "across the ARN's fields" : undefined;
  }
  const [, , service, region, account, rest] = m;
  if (/[*?]/.test(service) && patternOf(service).test("ses")) {
    return "in the service field";
  }
  if (/[*?]/.test(region)) {
    return "in the region field";
  }
  if (/[*?]/.test(account)) {
    return "in the account field";
  }
  const wildcardAt = rest.search(/[*?]/);
  if (wildcardAt < 0) {
    return undefined;
  }
  const literal = rest.slice(0, wildcardAt).toLowerCase();
  if ("identity/".startsWith(literal) || literal.startsWith("identity/")) {
    return "in the identity name";
  }
  return undefined;
}

export interface StatementProblem {
  /** `Statement[1]` or `Statement` for a single statement object. */
  where: string;
  /** What is wrong, quoting the value. */
  problem: string;
}

export interface PolicyJudgement {
  problems: StatementProblem[];
  /** A field unknown during preview that decides the rest, e.g. `Statement[0].Resource`. */
  unknownField?: string;
}

/** The document as an object: a JSON string is parsed; a document that is not JSON is left to the provider. */
export function documentOf(doc: unknown): Record<string, unknown> | "unknown" | undefined {
  if (isUnknown(doc)) {
    return "unknown";
  }
  if (typeof doc === "string") {
    try {
      const parsed: unknown = JSON.parse(doc);
      return isRecord(parsed) ? parsed : undefined;
    } catch {
      return undefined; // Not JSON: the provider rejects it before anything is granted.
    }
  }
  return isRecord(doc) ? doc : undefined;
}

/**
 * Judges a policy document: every Allow statement that grants an SES send action must grant only
 * `allowedActions`, by name (no wildcard, no NotAction), on named resources (no `*`, no wildcard
 * ARN that matches other identities, see {@link wideResourceReason}, no NotResource).
 */
export function judgePolicyDocument(
  document: Record<string, unknown>,
  allowedActions: readonly string[],
): PolicyJudgement {
  const problems: StatementProblem[] = [];
  let unknownField: string | undefined;
  const allowed = new Set(allowedActions.map((a) => a.toLowerCase()));
  const rawStatements = document.Statement;
  if (isUnknown(rawStatements)) {
    return { problems, unknownField: "Statement" };
  }
  const statements = list(rawStatements);
  const single = !Array.isArray(rawStatements);
  statements.forEach((s, i) => {
    const where = single ? "Statement" : `Statement[${i}]`;
    if (!isRecord(s)) {
      return;
    }
    if (isUnknown(s.Effect)) {
      unknownField ??= `${where}.Effect`;
      return;
    }
    if (s.Effect !== "Allow") {
      return;
    }
    const key = s.NotAction !== undefined ? "NotAction" : "Action";
    const rawActions = s[key];
    if (isUnknown(rawActions)) {
      unknownField ??= `${where}.${key}`;
      return;
    }
    const actions = list(rawActions);
    const unknownAt = actions.findIndex(isUnknown);
    const patterns = actions
      .filter((a): a is string => typeof a === "string")
      .map((a) => ({ a, re: patternOf(a) }));
    let granted: string[];
    const wide: string[] = [];
    if (key === "NotAction") {
      granted = SES_SEND_ACTIONS.filter((send) => !patterns.some((p) => p.re.test(send)));
      if (granted.length > 0) {
        wide.push(`NotAction ${JSON.stringify(rawActions)}`);
      }
    } else {
      granted = SES_SEND_ACTIONS.filter((send) => patterns.some((p) => p.re.test(send)));
      for (const p of patterns) {
        if (/[*?]/.test(p.a) && SES_SEND_ACTIONS.some((send) => p.re.test(send))) {
          wide.push(`"${p.a}"`);
        }
      }
    }
    if (granted.length === 0) {
      if (unknownAt >= 0) {
        unknownField ??= `${where}.${key}[${unknownAt}]`;
      }
      return;
    }
    for (const w of wide) {
      problems.push({ where, problem: `grants SES send actions through the wildcard action ${w}` });
    }
    const extra = granted.filter((g) => !allowed.has(g.toLowerCase()));
    if (wide.length === 0 && extra.length > 0) {
      problems.push({
        where,
        problem: `grants ${extra.join(", ")}, beyond ${[...allowedActions].join(" and ")}`,
      });
    }
    if (s.NotResource !== undefined) {
      problems.push({
        where,
        problem: "grants SES send actions on NotResource, i.e. on every other resource",
      });
      return;
    }
    const rawResources = s.Resource;
    if (isUnknown(rawResources)) {
      unknownField ??= `${where}.Resource`;
      return;
    }
    const resources = list(rawResources);
    const wideResources = resources.filter(
      (r): r is string => typeof r === "string" && wideResourceReason(r) !== undefined,
    );
    if (wideResources.length > 0) {
      for (const r of wideResources) {
        problems.push({
          where,
          problem:
            r === "*"
              ? 'grants SES send actions on Resource "*", i.e. as every identity'
              : `grants SES send actions on Resource "${r}", whose wildcard ${wideResourceReason(r)} matches identities beyond the named ones`,
        });
      }
    } else {
      const idx = resources.findIndex(isUnknown);
      if (idx >= 0 && problems.length === 0) {
        unknownField ??= `${where}.Resource[${idx}]`;
      }
    }
  });
  return { problems, unknownField };
}

/** The managed policy a `policyArn` names when it is an AWS managed policy granting SES send with wildcards. */
export function wildcardManagedPolicy(arn: string): { name: string; grant: string } | undefined {
  const m = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (m === null) {
    return undefined;
  }
  const name = m[1];
  const grant = WILDCARD_MANAGED_POLICIES.get(name);
  return grant === undefined ? undefined : { name, grant };
}
