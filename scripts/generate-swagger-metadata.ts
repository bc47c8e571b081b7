/**
 * Writes `src/metadata.ts`: what the @nestjs/swagger compiler plugin derives from DTOs and
 * controllers (types, optionality, comments), as plain data. `nest build` (tsc) applies the plugin
 * itself, but Jest's swc transform cannot; loading this file makes tests serve exactly the OpenAPI
 * document production serves. Run by `npm run build` (prebuild); CI fails if it is stale.
 */
import { PluginMetadataGenerator } from '@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator';
import { ReadonlyVisitor } from '@nestjs/swagger/plugin';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(__dirname, '..');
const output = resolve(root, 'src', 'metadata.ts');

// Start from an empty stub: the generator type-checks the program, including the previous output.
writeFileSync(output, '/* eslint-disable */\nexport default async () => ({});\n');
new PluginMetadataGenerator().generate({
  visitors: [
    new ReadonlyVisitor({
      introspectComments: true,
      pathToSource: resolve(root, 'src'),
      dtoFileNameSuffix: ['.dto.ts', '.response.ts'],
      controllerFileNameSuffix: ['.controller.ts'],
    }),
  ],
  outputDir: resolve(root, 'src'),
  watch: false,
  tsconfigPath: 'tsconfig.build.json', // resolved against the working directory (the project root)
  printDiagnostics: false,
});

// The plugin copies import specifiers as written; `@/…` aliases do not resolve in dynamic
// imports under `module: node20`, so point them at the file's own directory (src/).
writeFileSync(
  output,
  readFileSync(output, 'utf8').replace(/import\("@\/([^"]+)"\)/g, 'import("./$1.js")'),
);
