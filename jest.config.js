/** Type-checking is done once by `npm run typecheck`; jest only transpiles. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // test/package needs the npm registry and minutes: `npm run test:package`. Tests that start real
  // DNS and SMTP servers run with `npm run test:servers` (jest.servers.config.js), and the plan's
  // end-to-end runs with `npm run test:e2e` (jest.e2e.config.js).
  testPathIgnorePatterns: [
    "/node_modules/",
    "<rootDir>/test/package/",
    "\\.servers\\.test\\.ts$",
    "\\.e2e\\.test\\.ts$",
  ],
  transform: {
    "^.+\\.ts$": ["ts-jest", { isolatedModules: true, diagnostics: false }],
  },
  testTimeout: 60000,
  // The protocol tests start the compiled pack: rebuild it when its sources are newer.
  globalSetup: "<rootDir>/test/helpers/global-setup.js",
};
