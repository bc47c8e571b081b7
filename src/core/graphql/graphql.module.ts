import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import { httpConfig, type HttpConfig } from '@/config';
import { limitsPlugin } from './limits.plugin';

/**
 * Code-first GraphQL (Apollo) at `/graphql`. Resolvers share the REST services, the global
 * guard and the exception filter; the schema is exported sorted to `schema.gql` by the CLI.
 */
@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      inject: [httpConfig.KEY, GraphQLSchemaHost],
      useFactory: (http: HttpConfig, schemaHost: GraphQLSchemaHost) => ({
        path: '/graphql',
        autoSchemaFile: true,
        sortSchema: true,
        introspection: http.graphqlIntrospection,
        playground: false,
        includeStacktraceInErrorResponses: false,
        context: ({ req, res }: { req: unknown; res: unknown }) => ({ req, res }),
        // Guards run on field resolvers too (`Account.sessions`), not only on root fields.
        fieldResolverEnhancers: ['guards'],
        plugins: [
          limitsPlugin(() => schemaHost.schema, {
            maxDepth: http.graphqlMaxDepth,
            maxComplexity: http.graphqlMaxComplexity,
          }),
        ],
      }),
    }),
  ],
})
export class AppGraphQLModule {}
