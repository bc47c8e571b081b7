import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { RESOLVER_TYPE_METADATA } from '@nestjs/graphql';
import { IS_PUBLIC, REQUIRED_PERMISSIONS } from '@/core/auth/auth.decorators';
import { createTestApp, type TestApp } from '../helpers/test-app';

interface Handler {
  name: string;
  policy: 'public' | 'permissions' | 'none';
  method?: string;
  path?: string;
}

/**
 * Default deny, proven: every HTTP route and GraphQL resolver field is either explicitly public
 * or requires permissions — and every non-public route really answers 401 without a token.
 */
describe('Access policy meta-test (e2e)', () => {
  let t: TestApp;
  let handlers: Handler[];

  beforeAll(async () => {
    t = await createTestApp();
    const discovery = t.app.get(DiscoveryService);
    const scanner = t.app.get(MetadataScanner);
    const reflector = t.app.get(Reflector);
    const policyOf = (cls: object, fn: object): Handler['policy'] => {
      const targets = [fn as () => void, cls as () => void];
      if (reflector.getAllAndOverride(IS_PUBLIC, targets)) return 'public';
      const perms = reflector.getAllAndOverride<string[] | undefined>(
        REQUIRED_PERMISSIONS,
        targets,
      );
      return perms?.length ? 'permissions' : 'none';
    };
    handlers = [];
    for (const wrapper of [...discovery.getControllers(), ...discovery.getProviders()]) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || !wrapper.metatype) continue;
      const cls = wrapper.metatype;
      const proto = Object.getPrototypeOf(instance) as object;
      const isController = discovery.getControllers().includes(wrapper);
      for (const name of scanner.getAllMethodNames(proto)) {
        const fn = (proto as Record<string, object>)[name];
        if (isController && Reflect.hasMetadata(PATH_METADATA, fn)) {
          const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, fn) as number];
          const classPath = (Reflect.getMetadata(PATH_METADATA, cls) as string | undefined) ?? '';
          const path = `${classPath}/${Reflect.getMetadata(PATH_METADATA, fn) as string}`;
          handlers.push({ name: `${cls.name}.${name}`, policy: policyOf(cls, fn), method, path });
        } else if (Reflect.getMetadata(RESOLVER_TYPE_METADATA, fn)) {
          handlers.push({ name: `${cls.name}.${name} (GraphQL)`, policy: policyOf(cls, fn) });
        }
      }
    }
  });

  afterAll(async () => {
    await t.close();
  });

  it('should find the routes and resolvers it polices', () => {
    expect(handlers.length).toBeGreaterThan(20);
    expect(handlers.map((h) => h.name)).toEqual(
      expect.arrayContaining(['UsersResolver.me (GraphQL)', 'AuthController.register']),
    );
  });

  it('should never combine @Public() with @RequirePermissions() on one handler', () => {
    const reflector = t.app.get(Reflector);
    const both = [
      ...t.app.get(DiscoveryService).getControllers(),
      ...t.app.get(DiscoveryService).getProviders(),
    ]
      .filter((w) => w.metatype && w.instance)
      .flatMap((w) => {
        const proto = Object.getPrototypeOf(w.instance) as Record<string, object>;
        return t.app
          .get(MetadataScanner)
          .getAllMethodNames(proto)
          .filter((name) => {
            const targets = [proto[name] as () => void, w.metatype as () => void];
            return (
              reflector.getAllAndOverride(IS_PUBLIC, targets) &&
              reflector.getAllAndOverride<string[] | undefined>(REQUIRED_PERMISSIONS, targets)
                ?.length
            );
          })
          .map((name) => `${w.name}.${name}`);
      });
    expect(both).toEqual([]);
  });

  it('should have an explicit policy on every route and resolver', () => {
    expect(handlers.filter((h) => h.policy === 'none').map((h) => h.name)).toEqual([]);
  });

  it('should answer 401 on every permission-guarded REST route without a token', async () => {
    const guarded = handlers.filter((h) => h.policy === 'permissions' && h.method);
    expect(guarded.length).toBeGreaterThan(5);
    for (const h of guarded) {
      const path = h
        .path!.replace(/\/+/g, '/')
        .replace(/:[a-zA-Z]+/g, '00000000-0000-4000-8000-000000000000')
        .replace(/^\/?/, '/');
      const url = path.startsWith('/account') ? path : `/api/v1${path}`;
      const res = await t.http()[h.method!.toLowerCase() as 'get'](url).redirects(0);
      // Account pages send browsers to the login form (GET) or render a 401 page (POST).
      expect({ route: h.name, status: res.status }).toEqual({
        route: h.name,
        status: url.startsWith('/account') && h.method === 'GET' ? 303 : 401,
      });
    }
  });
});
