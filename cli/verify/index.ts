/**
 * `mailguard verify`: checks a deployed mail domain as receivers, SES and an SMTP client see it.
 * docs/verify.md describes every check.
 */
export { runVerify, observationsOf, SES_SIMULATOR_SUCCESS, type VerifyOptions } from "./run";
export { verifyCommand, runVerifyCli, exitCodeOfCommanderError, type VerifyIo } from "./command";
export {
  type Check,
  type CheckStatus,
  type Section,
  type VerifyReport,
  exitCodeOf,
  renderReport,
  reportJson,
  COLOR,
  PLAIN,
} from "./report";
export {
  mailboxProviderTable,
  renderProviderTable,
  failedRequirements,
  PROVIDERS,
  type MailObservations,
  type ProviderTable,
  type ProviderRow,
  type RuleId,
} from "./providers";
export { readStackOutputs, UsageError, type StackFacts } from "./expectations";
export { LiveDns, type DnsLookup, type DnsAnswer } from "./dns";
