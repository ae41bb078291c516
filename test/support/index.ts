// One import for tests: mock runtime harness (one component) and whole-stack evaluation (the real program).
export * from "./mockRuntime";
export * from "./stack";
export * from "./inputDiff";
