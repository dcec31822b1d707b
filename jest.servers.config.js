/**
 * `npm run test:servers`: the tests that start real servers (knotd, Postfix) on loopback ports.
 * .ci/run installs their Debian packages first; a missing binary fails the test and names the
 * package.
 */
const base = require("./jest.config.js");

module.exports = {
  ...base,
  testMatch: ["**/*.servers.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
  testTimeout: 120000,
  // They start no policy pack: no need to rebuild it first.
  globalSetup: undefined,
};
