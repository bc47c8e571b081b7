import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import metadata from '@/metadata';
import { ErrorBody } from './error-body';

export const DOCS_PATH = 'docs';
export const REDOC_PATH = '/redoc';

/**
 * The OpenAPI document, built from controllers and DTOs by the swagger CLI plugin. Operation
 * ids are the handler names (`register`, `listUsers`), which typed clients turn into methods.
 */
export async function buildOpenApiDocument(app: INestApplication): Promise<OpenAPIObject> {
  // What the swagger compiler plugin knows, as data (src/metadata.ts): the same document whether
  // the code was compiled by tsc with the plugin (`nest build`) or by swc without it (Jest).
  await SwaggerModule.loadPluginMetadata(metadata);
  const config = new DocumentBuilder()
    .setTitle('Stoa API')
    .setDescription(
      'The Stoa reference backend. REST under `/api/v1` (RealWorld-compatible accounts), GraphQL at `/graphql`. ' +
        'Every error uses the `ErrorBody` shape. Authorize with the OAuth2 password flow (email as username) or paste a bearer token.',
    )
    .setVersion('1.0.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addOAuth2(
      {
        type: 'oauth2',
        flows: {
          password: {
            tokenUrl: '/api/v1/auth/token',
            refreshUrl: '/api/v1/auth/token',
            scopes: {},
          },
        },
      },
      'oauth2',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
    extraModels: [ErrorBody],
  });
  // Any operation can be rate limited or fail unexpectedly; say so once, in the common shape.
  const errorBody = { $ref: '#/components/schemas/ErrorBody' };
  for (const item of Object.values(document.paths)) {
    for (const op of [item.get, item.post, item.put, item.patch, item.delete]) {
      if (!op) continue;
      op.responses['429'] ??= {
        description: 'Rate limited; see Retry-After',
        content: { 'application/json': { schema: errorBody } },
      };
      op.responses['500'] ??= {
        description: 'Unexpected error (details are logged, never returned)',
        content: { 'application/json': { schema: errorBody } },
      };
    }
  }
  return document;
}

/** Deterministic JSON (sorted keys) so the committed spec only changes when the API does. */
export function stableStringify(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

const redocPage = (specUrl: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Stoa API · ReDoc</title>
  </head>
  <body>
    <div id="redoc" data-spec-url="${specUrl}"></div>
    <script src="${REDOC_PATH}/redoc.standalone.js"></script>
    <script src="${REDOC_PATH}/init.js"></script>
  </body>
</html>`;

/** Mounts Swagger UI (`/docs`, `/docs-json`) and ReDoc (`/redoc`), all served locally. */
export async function mountApiDocs(app: INestApplication): Promise<void> {
  const document = await buildOpenApiDocument(app);
  SwaggerModule.setup(DOCS_PATH, app, document, {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    customSiteTitle: 'Stoa API',
    swaggerOptions: { persistAuthorization: true, displayOperationId: true },
  });
  // ReDoc's bundle comes from node_modules (no CDN) and the init is a file, not inline script,
  // so the strict CSP holds on this page too.
  const bundle = readFileSync(
    createRequire(__filename).resolve('redoc/bundles/redoc.standalone.js'),
  );
  const http = app.getHttpAdapter();
  http.get(REDOC_PATH, (_req: Request, res: Response) => {
    res.type('html').send(redocPage(`/${DOCS_PATH}-json`));
  });
  http.get(`${REDOC_PATH}/redoc.standalone.js`, (_req: Request, res: Response) => {
    res.type('application/javascript').set('Cache-Control', 'public, max-age=86400').send(bundle);
  });
  http.get(`${REDOC_PATH}/init.js`, (_req: Request, res: Response) => {
    res
      .type('application/javascript')
      .send(
        "var el = document.getElementById('redoc'); Redoc.init(el.dataset.specUrl, { hideDownloadButton: false }, el);",
      );
  });
}
