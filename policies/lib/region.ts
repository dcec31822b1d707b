import type {
  PolicyProviderResource,
  PolicyResource,
  ResourceValidationArgs,
} from "@pulumi/policy";
import { isUnknown } from "../core";
import { PlainProps, plainProps, str } from "./props";

/** A property a policy could not read during preview: where it sits, behind the SDK's proxy. */
export interface UnknownField {
  /** The properties as the SDK hands them (its unknown-checking proxy). */
  props: unknown;
  path: (string | number)[];
}

/**
 * The region a resource lives in, and what told it:
 * - `resource`: its own `region` input (per-resource region, @pulumi/aws 7);
 * - `provider`: the `region` of the provider that manages it, as the analyzer reports the provider
 *   (`AnalyzerProviderResource` in the request: the provider's inputs, `aws:region` from config
 *   for a default provider);
 * - `unknown`: the field that decides is unknown during preview;
 * - `absent`: neither the resource nor its provider says (a region from the environment, say).
 */
export type ResourceRegion =
  | { status: "known"; region: string; from: "resource" | "provider" }
  | { status: "unknown"; from: "resource" | "provider"; field: UnknownField }
  | { status: "absent" };

function regionValue(value: unknown): string | undefined {
  const region = str(value)?.trim().toLowerCase();
  return region === undefined || region === "" ? undefined : region;
}

/**
 * The region of a resource from its properties (plain data, and as the SDK hands them) and its
 * provider. A resource's own `region` decides when it is set, even when it is unknown: the provider's
 * region does not apply to it then.
 */
export function regionOf(
  props: PlainProps,
  rawProps: unknown,
  provider: PolicyProviderResource | undefined,
): ResourceRegion {
  if (isUnknown(props.region)) {
    return { status: "unknown", from: "resource", field: { props: rawProps, path: ["region"] } };
  }
  const own = regionValue(props.region);
  if (own !== undefined) {
    return { status: "known", region: own, from: "resource" };
  }
  if (provider === undefined) {
    return { status: "absent" };
  }
  const providerProps = plainProps(provider.props);
  if (isUnknown(providerProps.region)) {
    return {
      status: "unknown",
      from: "provider",
      field: { props: provider.props, path: ["region"] },
    };
  }
  const fromProvider = regionValue(providerProps.region);
  return fromProvider === undefined
    ? { status: "absent" }
    : { status: "known", region: fromProvider, from: "provider" };
}

/** The region of the resource a resource policy judges (its inputs, and the request's provider). */
export function regionOfArgs(args: ResourceValidationArgs): ResourceRegion {
  return regionOf(plainProps(args.props), args.props, args.provider);
}

/** The region of a stack resource (its outputs, and its provider). */
export function regionOfResource(resource: PolicyResource, props?: PlainProps): ResourceRegion {
  return regionOf(props ?? plainProps(resource.props), resource.props, resource.provider);
}
