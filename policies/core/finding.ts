/**
 * A structured judgement about a record, a name or a rule. Every validator in the core returns
 * findings rather than throwing, so components can turn errors into `pulumi.ResourceError`s and
 * policies can turn them into violations.
 */
export type Severity = "error" | "warning";

export interface Finding {
  /** `error`: receivers reject it or it is unsafe; `warning`: it works but is advised against. */
  severity: Severity;
  /** Stable, kebab-case, prefixed by area (`spf-`, `dmarc-`, `dkim-`, `txt-`, `domain-`, `egress-`). */
  code: string;
  /** What is wrong, quoting the offending value. */
  message: string;
  /** How to fix it. */
  fix: string;
}

export function finding(severity: Severity, code: string, message: string, fix: string): Finding {
  return { severity, code, message, fix };
}

export function errorsOf(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === "error");
}

export function warningsOf(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === "warning");
}

/** `message` followed by `fix`, the form components and policies print. */
export function describe(f: Finding): string {
  return `${f.message} Fix: ${f.fix}`;
}

/**
 * The string Pulumi uses for values that are not known during preview. Core functions accept
 * plain data in which this sentinel may stand for any value; they decide from the known fields
 * first and, when a deciding field is unknown, say which one.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** Levenshtein distance between two strings, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}
