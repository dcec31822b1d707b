/**
 * `npm run test:e2e`: the tests that run `mailguard plan` and `npm start` end to end, each a
 * program, its Pulumi SDK, the plan and the compiled policy pack in processes of their own. They
 * take most of a minute of both cores, so `npm test` leaves them to this script; .ci/run runs both.
 */
const base = require("./jest.config.js");

module.exports = {
  ...base,
  testMatch: ["**/*.e2e.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
  testTimeout: 180000,
};
