import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

function toSafeInt(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw new GraphQLError(`SafeInt cannot represent ${JSON.stringify(value)}`);
}

/**
 * An integer up to ±(2^53 − 1): exact as a JSON number, wider than GraphQL's 32-bit `Int`
 * (which stops at 21 474 836.47 in cents). Money in minor units uses it.
 *
 * @example
 * @Field(() => SafeIntScalar) amount: number;
 */
export const SafeIntScalar = new GraphQLScalarType({
  name: 'SafeInt',
  description: 'An integer between -(2^53 - 1) and 2^53 - 1, exact as a JSON number.',
  serialize: toSafeInt,
  parseValue: toSafeInt,
  parseLiteral(ast) {
    if (ast.kind !== Kind.INT) throw new GraphQLError('SafeInt must be an integer literal');
    return toSafeInt(Number(ast.value));
  },
});
