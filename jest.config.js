/** Unit specs sit beside the code; e2e and contract suites live in test/. */
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@app/domain(|/.*)$': '<rootDir>/libs/domain/src$1',
    '^@app/event-store(|/.*)$': '<rootDir>/libs/event-store/src$1',
    '^@app/application(|/.*)$': '<rootDir>/libs/application/src$1',
    '^@app/read-store(|/.*)$': '<rootDir>/libs/read-store/src$1',
    '^@app/projections(|/.*)$': '<rootDir>/libs/projections/src$1',
    '^@app/stores(|/.*)$': '<rootDir>/libs/stores/src$1',
    '^@app/automation(|/.*)$': '<rootDir>/libs/automation/src$1',
  },
};

module.exports = {
  // Says which server-backed contract suites are skipped and why (Jest drops a skipped suite's own output).
  globalSetup: '<rootDir>/test/support/announce-skipped-suites.js',
  projects: [
    { ...common, displayName: 'unit', rootDir: __dirname, testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.contract-spec.ts'],
    },
  ],
};
