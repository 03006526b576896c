/** Jest: TypeScript through ts-jest (type-checking is done once by `npm run typecheck`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 60000,
  // Stopgap: after the full run in band on 2 cores one handle stays open that no suite leaks on its own (open in
  // the 2026-11-29 notes); without this jest waits for it forever instead of exiting with the result.
  forceExit: true,
};
