import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import depthLimit from 'graphql-depth-limit';
import { httpConfig, type HttpConfig } from '@/config';
import { complexityLimitPlugin } from './complexity.plugin';

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
        validationRules: [depthLimit(http.graphqlMaxDepth)],
        plugins: [complexityLimitPlugin(() => schemaHost.schema, http.graphqlMaxComplexity)],
      }),
    }),
  ],
})
export class AppGraphQLModule {}
