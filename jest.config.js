/** Jest projects: unit (no network), contract (real local Cinder), e2e (real Pulumi engine). */
const base = {
  preset: "ts-jest",
  testEnvironment: "node",
  // The provider requires its implementation by package name (see provider/src/dynamic/provider.ts);
  // inside the repository that name maps back to the TypeScript sources.
  moduleNameMapper: { "^pulumi-cinder-attachment/runtime$": "<rootDir>/provider/src/dynamic/runtime.ts" },
  // The generated SDKs (sdks/) are packages of their own, not test code.
  modulePathIgnorePatterns: ["<rootDir>/sdks/"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: { warnOnly: false } }] },
};
module.exports = {
  // Unit tests share one jest run, and the machine's two cores, with the engine's e2e runs; the
  // default 5 s then measures the load, not the code (the fuzz suites take 0.3-0.7 s alone). A hang
  // still fails, after 30 s; slower suites set their own budget.
  testTimeout: 30_000,
  projects: [
    {
      ...base,
      displayName: "unit",
      testMatch: ["<rootDir>/test/unit/**/*.test.ts", "<rootDir>/policy/test/**/*.test.ts"],
    },
    { ...base, displayName: "contract", testMatch: ["<rootDir>/test/contract/**/*.test.ts"] },
    { ...base, displayName: "e2e", testMatch: ["<rootDir>/test/e2e/**/*.test.ts"] },
  ],
};
