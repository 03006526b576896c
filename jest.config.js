/** Jest: TypeScript through ts-jest (type-checking is done once by `npm run typecheck`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 60000,
  // The secret scan: every log line of the run is captured (setup files) and scanned for configured secrets at the end.
  globalSetup: '<rootDir>/test/support/logCaptureGlobalSetup.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/logCaptureSetup.ts'],
  globalTeardown: '<rootDir>/test/support/secretScanTeardown.ts',
  // After the full run in band something (a library's timer or keep-alive socket; --detectOpenHandles finds none)
  // keeps the process alive ~45 s before it exits by itself (measured 2026-12-02 with --no-forceExit); this saves
  // that wait. No suite leaks a handle on its own.
  forceExit: true,
};
