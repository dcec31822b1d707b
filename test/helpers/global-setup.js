/**
 * Before the tests: compile the policy pack when its TypeScript is newer than its build, so the
 * protocol tests always start the pack the sources describe (run-policy-pack loads the compiled
 * `policies/bin/index.js`, as the shipped pack does).
 */
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const packDir = path.join(__dirname, "..", "..", "policies");

function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "bin") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full));
    else if (entry.name.endsWith(".ts") || entry.name === "package.json")
      latest = Math.max(latest, fs.statSync(full).mtimeMs);
  }
  return latest;
}

module.exports = async () => {
  const built = path.join(packDir, "bin", "index.js");
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  if (newest(packDir) > builtAt) {
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(packDir, "tsconfig.json")], {
      stdio: "inherit",
    });
  }
};
