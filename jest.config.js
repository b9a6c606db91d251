/**
 * Unit specs beside the code, crm-core against PostgreSQL in test/db, black-box e2e in test/e2e;
 * the cluster tier reruns some e2e files on a Redis Cluster (test/cluster, README "Tests").
 */
const shared = {
  rootDir: '.',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleNameMapper: {
    '^@omnihub/channels$': '<rootDir>/libs/channels/src',
    '^@omnihub/channels/(.*)$': '<rootDir>/libs/channels/src/$1',
    '^@omnihub/crm-core/(.*)$': '<rootDir>/libs/crm-core/src/$1',
  },
  testTimeout: 120_000,
};

module.exports = {
  testTimeout: 120_000,
  projects: [
    {
      ...shared,
      displayName: 'hub',
      testMatch: [
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/apps/**/*.spec.ts',
        '<rootDir>/test/**/*.spec.ts',
        '<rootDir>/test/**/*.e2e-spec.ts',
      ],
    },
    {
      ...shared,
      displayName: 'cluster',
      testMatch: ['<rootDir>/test/cluster/*.cluster-spec.ts'],
      globalSetup: '<rootDir>/test/cluster/global-setup.ts',
      globalTeardown: '<rootDir>/test/cluster/global-teardown.ts',
      setupFiles: ['<rootDir>/test/cluster/tier-env.ts'],
    },
  ],
};
