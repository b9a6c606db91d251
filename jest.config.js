/** Unit specs beside the code, crm-core against PostgreSQL in test/db, black-box e2e in test/e2e. */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: [
    '<rootDir>/libs/**/*.spec.ts',
    '<rootDir>/apps/**/*.spec.ts',
    '<rootDir>/test/**/*.spec.ts',
    '<rootDir>/test/**/*.e2e-spec.ts',
  ],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleNameMapper: {
    '^@omnihub/channels$': '<rootDir>/libs/channels/src',
    '^@omnihub/channels/(.*)$': '<rootDir>/libs/channels/src/$1',
    '^@omnihub/crm-core/(.*)$': '<rootDir>/libs/crm-core/src/$1',
  },
  testTimeout: 120_000,
};
