/**
 * Module boundaries (STYLE.md 1–4), enforced in CI:
 * - no import cycles;
 * - a feature module is used only through its index.ts;
 * - platform code (src/core, src/config) never depends on feature modules.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Cycles mean a boundary is wrong: extract a module or use an event.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'feature-internals-are-private',
      severity: 'error',
      comment: 'Other code reaches a feature module only through its index.ts.',
      // src/metadata.ts is generated swagger plugin data that references every DTO by design.
      from: { path: '^src/', pathNot: ['^src/modules/', '^src/metadata\\.ts$'] },
      to: { path: '^src/modules/[^/]+/.+', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'modules-use-each-other-through-index',
      severity: 'error',
      comment: "A module may import another module only through that module's index.ts.",
      from: { path: '^src/modules/([^/]+)/' },
      to: {
        path: '^src/modules/',
        pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'core-does-not-know-features',
      severity: 'error',
      comment: 'Platform code is feature-agnostic; features plug into it.',
      from: { path: '^src/(core|config)/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'no-test-code-in-src',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '\\.spec\\.ts$' },
  },
};
