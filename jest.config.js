/**
 * One Jest run covers every layer. Two projects:
 *  - unit: scoring-core and module unit tests next to the code (src/**\/*.spec.ts), no database;
 *  - db: integration tests against a real PostgreSQL (test/integration) and HTTP e2e tests
 *    (test/e2e). Its global setup starts one PostgreSQL (embedded, or the server named by
 *    DATABASE_URL) and migrates a template database; each test file clones its own copy.
 * Jest runs a project's global setup only when a test of that project is selected, so
 * `jest src/scoring-core` never starts a database.
 */
const shared = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    '^.+\\.(js|mjs)$': ['@swc/jest'],
  },
  // @nestjs/* 12 ship ESM only; Jest on Node 20 cannot require them untransformed.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs)/)'],
};

module.exports = {
  testTimeout: 60000,
  maxWorkers: 2,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      rootDir: '.',
      roots: ['<rootDir>/src', '<rootDir>/tools'],
      testMatch: ['**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'db',
      rootDir: '.',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.mjs',
      globalTeardown: '<rootDir>/test/setup/global-teardown.mjs',
    },
  ],
};
