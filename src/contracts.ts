import { readFileSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildOpenApiDocument, stableStringify } from './core/http/openapi';
import { fromRoot } from './core/paths';

/** The committed public contracts: clients are generated from them, CI fails when they drift. */
export const CONTRACT_FILES = {
  openapi: fromRoot('docs', 'openapi.json'),
  graphql: fromRoot('schema.gql'),
} as const;

export type Contracts = Record<keyof typeof CONTRACT_FILES, string>;

/** Renders both contracts from a running (initialised) API app, deterministically. */
export async function renderContracts(app: INestApplication): Promise<Contracts> {
  const { schema } = app.get(GraphQLSchemaHost);
  return {
    openapi: stableStringify(await buildOpenApiDocument(app)),
    graphql: `${printSchema(lexicographicSortSchema(schema))}\n`,
  };
}

/** Names of the committed files that differ from what the code generates now. */
export function contractDrift(current: Contracts): string[] {
  return (Object.keys(CONTRACT_FILES) as (keyof Contracts)[]).filter((key) => {
    try {
      return readFileSync(CONTRACT_FILES[key], 'utf8') !== current[key];
    } catch {
      return true;
    }
  });
}
