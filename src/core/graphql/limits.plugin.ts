import type { ApolloDriverConfig } from '@nestjs/apollo';
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

// Typed through @nestjs/apollo so the plugin matches the @apollo/server build Nest loads (ESM).
type ApolloPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

/**
 * Field depth of an operation, fragments expanded. Runs after GraphQL validation (so fragment
 * cycles were already rejected) and iteratively (so no input can overflow the stack).
 * Introspection fields (`__schema`, `__type`) do not count.
 */
export function operationDepth(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }
  let max = 0;
  const stack: { set: SelectionSetNode; depth: number }[] = [
    { set: operation.selectionSet, depth: 0 },
  ];
  while (stack.length) {
    const { set, depth } = stack.pop()!;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        max = Math.max(max, depth);
        if (selection.selectionSet) stack.push({ set: selection.selectionSet, depth: depth + 1 });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        stack.push({ set: selection.selectionSet, depth });
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment) stack.push({ set: fragment.selectionSet, depth });
      }
    }
  }
  return max;
}

const rejection = (message: string, code: string, extra: Record<string, unknown>) =>
  new GraphQLError(message, {
    // `http.status` makes Apollo answer 400 rather than 500 for a refused operation.
    extensions: { code, statusCode: 400, http: { status: 400 }, ...extra },
  });

/**
 * Refuses an operation before any resolver runs when it is nested deeper than `maxDepth` or its
 * estimated cost exceeds `maxComplexity` (each field costs 1 unless its `@Field` declares a
 * `complexity`; aliases count, so aliasing a field 500 times costs 500).
 */
export function limitsPlugin(
  schema: () => GraphQLSchema,
  limits: { maxDepth: number; maxComplexity: number },
): ApolloPlugin {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ request, document, operation }) {
          const depth = operation ? operationDepth(document, operation) : 0;
          if (depth > limits.maxDepth) {
            return Promise.reject(
              rejection(
                `operation depth ${depth} exceeds the maximum of ${limits.maxDepth}`,
                'QUERY_TOO_DEEP',
                {
                  depth,
                  max: limits.maxDepth,
                },
              ),
            );
          }
          let complexity: number;
          try {
            complexity = getComplexity({
              schema: schema(),
              operationName: request.operationName,
              query: document,
              variables: request.variables ?? {},
              estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch {
            // Invalid variables: execution reports them properly (400 BAD_USER_INPUT).
            return Promise.resolve();
          }
          if (complexity > limits.maxComplexity) {
            return Promise.reject(
              rejection(
                `query is too complex: ${complexity} > ${limits.maxComplexity}`,
                'QUERY_TOO_COMPLEX',
                {
                  complexity,
                  max: limits.maxComplexity,
                },
              ),
            );
          }
          return Promise.resolve();
        },
      });
    },
  };
}
