// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'coverage/',
      'node_modules/',
      '.data/',
      'deploy/*.js',
      'jest.config.js',
      'eslint.config.mjs',
      '.dependency-cruiser.cjs',
      'src/metadata.ts',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message:
            'Read configuration through the typed config classes (src/config), not process.env.',
        },
      ],
    },
  },
  {
    // The one sanctioned reader of the environment, and tests that spawn real processes.
    files: [
      'src/core/env.ts',
      'test/e2e/two-command-start.e2e-spec.ts',
      'test/e2e/contracts.e2e-spec.ts',
      'test/e2e/browser.e2e-spec.ts',
      'test/e2e/admin-bootstrap.e2e-spec.ts',
      'test/e2e/topology.e2e-spec.ts',
      'test/topology/*.mjs',
    ],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Plain Node scripts run against a deployed topology (test/topology): outside the
    // TypeScript project, so no type-aware rules. no-undef stays on: the scripts import
    // process and timers from node:*, and only these web globals are declared.
    files: ['test/topology/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { fetch: 'readonly', AbortSignal: 'readonly', URL: 'readonly' },
    },
  },
  {
    // Benchmarks (bench/): plain Node scripts outside the TypeScript project, so no type-aware
    // rules. They spawn Stoa as a child with an environment they build themselves, so reading
    // process.env (for their own defaults) is allowed here.
    files: ['bench/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: {
        process: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
        URL: 'readonly',
      },
    },
    rules: { ...tseslint.configs.disableTypeChecked.rules, 'no-restricted-syntax': 'off' },
  },
  {
    // Browser-driving scripts (scripts/realworld-frontend-check.mjs): plain Node, no types; the
    // web globals are used inside page.evaluate callbacks that run in Chromium.
    files: ['scripts/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { fetch: 'readonly', URL: 'readonly', document: 'readonly' },
    },
  },
  {
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // Jest's asymmetric matchers (expect.any, expect.objectContaining) are typed `any`.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  prettier,
);
