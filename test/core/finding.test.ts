import {
  describe as describeFinding,
  errorsOf,
  finding,
  isUnknown,
  UNKNOWN,
  warningsOf,
} from "../../policies/core/finding";

describe("findings", () => {
  const e = finding("error", "spf-plus-all", "The record ends in +all.", "End it with -all.");
  const w = finding("warning", "spf-ptr", "The record uses ptr.", "Remove ptr.");

  it("separates errors from warnings", () => {
    expect(errorsOf([e, w])).toEqual([e]);
    expect(warningsOf([e, w])).toEqual([w]);
  });

  it("prints the message followed by the fix", () => {
    expect(describeFinding(e)).toBe("The record ends in +all. Fix: End it with -all.");
  });

  it("recognises only Pulumi's unknown sentinel as unknown", () => {
    expect(isUnknown(UNKNOWN)).toBe(true);
    expect(isUnknown("04da6b54")).toBe(false);
    expect(isUnknown(undefined)).toBe(false);
  });
});
