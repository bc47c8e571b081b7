// Nest 12 packages are ESM-only. Jest (CommonJS) cannot require() them on Node 20, so they go
// through @swc/jest like our own sources (see ../shared/STACK-NOTES.md, "Tests").
const esmPackages = [
  '@nestjs',
  'file-type',
  '@apollo',
  '@as-integrations',
  'token-types',
  'strtok3',
  '@tokenizer',
  'uint8array-extras',
  '@borewit',
  'load-esm',
];

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
      // Rewrites `@/…` imports at transform time, which also covers globalSetup/teardown
      // (Jest's moduleNameMapper does not apply there).
      baseUrl: __dirname,
      paths: { '@/*': ['src/*'] },
    },
    module: { type: 'commonjs' },
  },
];

const common = {
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper: {
    '^@/(.*)$': '<rootDir>/src/$1',
    // src/metadata.ts (generated) imports siblings with the ESM-style `.js` suffix.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
  rootDir: __dirname,
};

/** @type {import('jest').Config} */
module.exports = {
  // Per-project testTimeout is ignored by Jest 30; the e2e budget is set for every project.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
      testTimeout: 60000,
    },
  ],
};
