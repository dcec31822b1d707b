/** `npm run test:package`: the packed tarball in throwaway infra repos (needs the npm registry). */
const base = require("./jest.config");

module.exports = {
  ...base,
  roots: ["<rootDir>/test/package"],
  testPathIgnorePatterns: ["/node_modules/"],
  testTimeout: 900000,
};
