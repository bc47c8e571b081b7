import type { ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

/**
 * Rejects operations whose estimated cost exceeds `max` before any resolver runs. Each field
 * costs 1 unless it declares `complexity` in its `@Field` options.
 */
// Typed through @nestjs/apollo so the plugin matches the @apollo/server build Nest loads (ESM).
type ApolloPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

export function complexityLimitPlugin(schema: () => GraphQLSchema, max: number): ApolloPlugin {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ request, document }) {
          const complexity = getComplexity({
            schema: schema(),
            operationName: request.operationName,
            query: document,
            variables: request.variables ?? {},
            estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
          });
          if (complexity > max) {
            return Promise.reject(
              new GraphQLError(`query is too complex: ${complexity} > ${max}`, {
                extensions: { code: 'QUERY_TOO_COMPLEX', statusCode: 400, complexity, max },
              }),
            );
          }
          return Promise.resolve();
        },
      });
    },
  };
}
