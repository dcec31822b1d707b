/**
 * `npm run verify -- ...`: `mailguard verify` on its own until the `mailguard` program mounts
 * `verifyCommand()`. Exit status 0 when every check passes, 1 when one fails, 2 on a usage error.
 */
import { runVerifyCli } from "./command";

if (require.main === module) {
  runVerifyCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`error: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(2);
    },
  );
}
