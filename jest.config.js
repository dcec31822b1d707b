/** Type-checking is done once by `npm run typecheck`; jest only transpiles. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // test/package needs the npm registry and minutes: `npm run test:package`.
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/package/"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { isolatedModules: true, diagnostics: false }],
  },
  testTimeout: 60000,
  // The protocol tests start the compiled pack: rebuild it when its sources are newer.
  globalSetup: "<rootDir>/test/helpers/global-setup.js",
};
