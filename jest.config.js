// Type checking is done once by `tsc --noEmit` (see scripts/test.sh); ts-jest only transpiles, which keeps
// each worker small (the aws+gcp typings cost ~1 GB per worker when ts-jest type-checks).
const transform = { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.jest.json", diagnostics: false }] };

module.exports = {
  projects: [
    {
      displayName: "unit",
      testEnvironment: "node",
      transform,
      testMatch: ["<rootDir>/test/unit/**/*.test.ts", "<rootDir>/test/mock/**/*.test.ts", "<rootDir>/test/policy/**/*.test.ts"],
    },
    {
      displayName: "integration",
      testEnvironment: "node",
      transform,
      testMatch: ["<rootDir>/test/integration/**/*.test.ts"],
    },
  ],
  // Whole-program evaluations take 8-20 s each on an idle 2-core machine and several times that on a busy one.
  testTimeout: 180000,
};
