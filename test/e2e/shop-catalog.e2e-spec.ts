import { randomBytes } from 'node:crypto';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner.js';
import { Role } from '@/core/auth/permissions';
import { CatalogService } from '@/modules/shop/catalog.service';
import { createUserWithRole, registerUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

interface Money {
  amount: number;
  currency: string;
}
interface Variant {
  id: string;
  sku: string;
  title: string;
  options: { name: string; value: string }[];
  price: Money;
  weightGrams: number;
  available: number;
  inStock: boolean;
}
interface ProductSummary {
  id: string;
  slug: string;
  title: string;
  status: 'draft' | 'active' | 'archived';
  images: string[];
  category: { slug: string; name: string } | null;
  priceRange: { min: Money; max: Money } | null;
  available: number;
  inStock: boolean;
  variantCount: number;
  options: { name: string; values: string[] }[];
  createdAt: string;
  updatedAt: string;
}
interface Product extends ProductSummary {
  description: string;
  variants: Variant[];
}
interface ProductList {
  products: ProductSummary[];
  nextCursor: string | null;
  facets?: {
    total: number;
    categories: { slug: string; name: string; count: number }[];
    options: { name: string; value: string; count: number }[];
    priceRange: { min: Money; max: Money } | null;
  };
}
interface CategoryNode {
  slug: string;
  name: string;
  position: number;
  children: CategoryNode[];
}
interface Gql<T> {
  data?: T;
  errors?: { message: string; extensions: { domainCode?: string; statusCode?: number } }[];
}
interface VariantSpec {
  sku: string;
  title?: string;
  options?: { name: string; value: string }[];
  price?: Money | number;
  weightGrams?: number;
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const eur = (amount: number): Money => ({ amount, currency: 'EUR' });
/** A lower-case suffix that keeps each test's slugs, SKUs and search words its own. */
const uid = () =>
  randomBytes(4)
    .toString('hex')
    .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]);

/** Counts every SQL statement the app sends while `run` runs (all go through a query runner). */
async function countQueries(run: () => Promise<unknown>): Promise<number> {
  const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
  try {
    await run();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

/**
 * The shop catalog: products with variants, the category tree, collections; storefront lists
 * (filters, facets, keyset pages) in one SQL statement; cached product pages with ETags; and
 * the same answers over GraphQL.
 */
describe('Shop catalog (e2e)', () => {
  let t: TestApp;
  let editor: { token: string };
  let customer: { token: string };

  beforeAll(async () => {
    t = await createTestApp();
    editor = await createUserWithRole(t, Role.Editor);
    customer = await registerUser(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const as = (user?: { token: string }) => (user ? { Authorization: `Token ${user.token}` } : {});
  const variant = (spec: VariantSpec) => ({
    title: spec.sku,
    ...spec,
    price: typeof spec.price === 'object' ? spec.price : eur(spec.price ?? 1000),
  });
  const create = async (
    fields: Record<string, unknown> & { title: string; variants?: VariantSpec[] },
    expected = 201,
  ) => {
    const res = await t
      .http()
      .post('/api/v1/shop/products')
      .set(as(editor))
      .send({ product: { ...fields, variants: fields.variants?.map(variant) } })
      .expect(expected);
    return res.body as { product: Product };
  };
  const activeProduct = async (title: string, variants: VariantSpec[], extra = {}) =>
    (await create({ title, status: 'active', variants, ...extra })).product;
  const createCategory = async (name: string, slug: string, parent?: string) =>
    t
      .http()
      .post('/api/v1/shop/categories')
      .set(as(editor))
      .send({ category: { name, slug, parent } })
      .expect(201);
  const list = async (query: string, user?: { token: string }) =>
    (await t.http().get(`/api/v1/shop/products?${query}`).set(as(user)).expect(200))
      .body as ProductList;
  const slugs = (page: ProductList) => page.products.map((p) => p.slug);
  const setStock = (sku: string, onHand: number, reserved = 0) =>
    t.dataSource.query('UPDATE shop_variants SET on_hand = $2, reserved = $3 WHERE sku = $1', [
      sku,
      onHand,
      reserved,
    ]);
  const gql = async <T>(query: string, variables: object, user?: { token: string }) => {
    const req = t.http().post('/graphql');
    if (user) req.set('Authorization', `Bearer ${user.token}`);
    return (await req.send({ query, variables })).body as Gql<T>;
  };

  describe('authorization', () => {
    it('should refuse catalog writes without a token (401) and to customers (403)', async () => {
      const u = uid();
      const writes: [method: 'post' | 'patch' | 'put' | 'delete', url: string, body?: object][] = [
        ['post', '/api/v1/shop/products', { product: { title: 'x' } }],
        ['patch', `/api/v1/shop/products/p-${u}`, { product: { title: 'x' } }],
        ['post', `/api/v1/shop/products/p-${u}/variants`, { variant: variant({ sku: u }) }],
        ['delete', `/api/v1/shop/products/p-${u}/variants/${u}`],
        ['post', '/api/v1/shop/categories', { category: { name: 'x' } }],
        ['post', '/api/v1/shop/collections', { collection: { title: 'x' } }],
        ['put', `/api/v1/shop/collections/c-${u}/products/p-${u}`],
      ];
      for (const [method, url, body] of writes) {
        await t.http()[method](url).send(body).expect(401);
        await t.http()[method](url).set(as(customer)).send(body).expect(403);
      }
      await t.http().get('/api/v1/shop/admin/products').set(as(customer)).expect(403);
    });

    it('should let an editor create a product (a draft by default)', async () => {
      const u = uid();
      const { product } = await create({ title: `Plain ${u}` });
      expect(product).toMatchObject({ slug: `plain-${u}`, status: 'draft', variants: [] });
    });

    it('should refuse GraphQL mutations to anonymous callers and customers', async () => {
      const mutation = `mutation { createProduct(input: { title: "nope" }) { slug } }`;
      expect((await gql(mutation, {})).errors?.[0].extensions.statusCode).toBe(401);
      expect((await gql(mutation, {}, customer)).errors?.[0].extensions.statusCode).toBe(403);
    });
  });

  describe('product writes', () => {
    it('should answer prices as money objects with the range and availability of the variants', async () => {
      const u = uid();
      await createCategory(`Tees ${u}`, `tees-${u}`);
      const res = await t
        .http()
        .post('/api/v1/shop/products')
        .set(as(editor))
        .send({
          product: {
            title: `Organic tee ${u}`,
            description: 'Soft cotton.',
            status: 'active',
            category: `tees-${u}`,
            images: ['https://cdn.example.com/tee.jpg'],
            variants: [
              variant({
                sku: `${u}-S`,
                options: [{ name: 'size', value: 'S' }],
                price: 1999,
                weightGrams: 180,
              }),
              variant({ sku: `${u}-L`, options: [{ name: 'size', value: 'L' }], price: 2499 }),
              variant({ sku: `${u}-M`, options: [{ name: 'size', value: 'M' }], price: 2199 }),
            ],
          },
        })
        .expect(201);
      expect(res.headers.etag).toMatch(/^"v1\.[\w-]+"$/);
      const { product } = res.body as { product: Product };
      expect(product).toEqual({
        id: expect.any(String),
        slug: `organic-tee-${u}`,
        title: `Organic tee ${u}`,
        description: 'Soft cotton.',
        status: 'active',
        images: ['https://cdn.example.com/tee.jpg'],
        category: { slug: `tees-${u}`, name: `Tees ${u}` },
        priceRange: { min: eur(1999), max: eur(2499) },
        available: 0,
        inStock: false,
        variantCount: 3,
        options: [{ name: 'size', values: ['S', 'L', 'M'] }],
        createdAt: expect.stringMatching(ISO_MS),
        updatedAt: expect.stringMatching(ISO_MS),
        variants: [
          {
            id: expect.any(String),
            sku: `${u}-S`,
            title: `${u}-S`,
            options: [{ name: 'size', value: 'S' }],
            price: eur(1999),
            weightGrams: 180,
            available: 0,
            inStock: false,
          },
          expect.objectContaining({ sku: `${u}-L`, price: eur(2499), weightGrams: 0 }),
          expect.objectContaining({ sku: `${u}-M`, price: eur(2199) }),
        ],
      });
    });

    it('should keep price_min/price_max right through variant adds, edits and removals', async () => {
      const u = uid();
      const size = (value: string) => [{ name: 'size', value }];
      const { slug } = await activeProduct(`Ranged ${u}`, [
        { sku: `${u}-a`, price: 1000, options: size('S') },
      ]);
      const url = `/api/v1/shop/products/${slug}/variants`;
      const range = (body: unknown) => (body as { product: Product }).product.priceRange;
      let res = await t
        .http()
        .post(url)
        .set(as(editor))
        .send({ variant: variant({ sku: `${u}-b`, price: 500, options: size('M') }) })
        .expect(201);
      expect(range(res.body)).toEqual({ min: eur(500), max: eur(1000) });
      res = await t
        .http()
        .patch(`${url}/${u}-a`)
        .set(as(editor))
        .send({ variant: { price: eur(4000) } })
        .expect(200);
      expect(range(res.body)).toEqual({ min: eur(500), max: eur(4000) });
      res = await t.http().delete(`${url}/${u}-a`).set(as(editor)).expect(200);
      expect(range(res.body)).toEqual({ min: eur(500), max: eur(500) });
      const [row] = await t.dataSource.query<{ price_min: string; price_max: string }[]>(
        'SELECT price_min, price_max FROM shop_products WHERE slug = $1',
        [slug],
      );
      expect(row).toEqual({ price_min: '500', price_max: '500' });
      // An active product keeps something to sell.
      const last = await t.http().delete(`${url}/${u}-b`).set(as(editor)).expect(409);
      expect(last.body).toMatchObject({ code: 'SHOP.PRODUCT_WITHOUT_VARIANTS' });
    });

    it('should refuse bad prices, weights, images and unknown fields with 422', async () => {
      const u = uid();
      const bad = async (product: object) =>
        (await t.http().post('/api/v1/shop/products').set(as(editor)).send({ product }).expect(422))
          .body as { code: string; errors: Record<string, string[]> };
      const withVariant = (v: object) => ({
        title: `Bad ${u}`,
        variants: [{ sku: `${u}-x`, title: 'x', price: eur(100), ...v }],
      });
      for (const price of [
        { amount: -1, currency: 'EUR' },
        { amount: 19.99, currency: 'EUR' },
        { amount: '1999', currency: 'EUR' },
        { amount: 2 ** 53, currency: 'EUR' },
        { amount: 100 },
      ]) {
        expect(Object.keys((await bad(withVariant({ price }))).errors)[0]).toMatch(
          /^variants\.0\.price\./,
        );
      }
      expect((await bad(withVariant({ weightGrams: -5 }))).errors).toHaveProperty([
        'variants.0.weightGrams',
      ]);
      // Stock belongs to the inventory service: not a catalog field.
      expect((await bad(withVariant({ onHand: 10 }))).errors).toHaveProperty(['variants.0.onHand']);
      expect((await bad(withVariant({ sku: 'has space' }))).errors).toHaveProperty([
        'variants.0.sku',
      ]);
      expect(
        (
          await bad(
            withVariant({
              options: [
                { name: 'size', value: 'M' },
                { name: 'size', value: 'L' },
              ],
            }),
          )
        ).errors,
      ).toHaveProperty(['variants.0.options']);
      expect(
        (await bad(withVariant({ options: [{ name: 'size', value: 'a,b' }] }))).errors,
      ).toHaveProperty(['variants.0.options.0.value']);
      expect(
        (await bad({ title: `Bad ${u}`, images: ['http://cdn.example.com/a.jpg'] })).errors,
      ).toHaveProperty(['images']);
      const eleven = Array.from({ length: 11 }, (_, i) => `https://cdn.example.com/${i}.jpg`);
      expect((await bad({ title: `Bad ${u}`, images: eleven })).errors).toHaveProperty(['images']);
      expect((await bad({ title: `Bad ${u}`, slug: 'Not A Slug' })).errors).toHaveProperty([
        'slug',
      ]);
      expect((await bad({ title: `Bad ${u}`, status: 'live' })).errors).toHaveProperty(['status']);
      expect((await bad({ title: `Bad ${u}`, priceMin: 5 })).errors).toHaveProperty(['priceMin']);
    });

    it('should refuse another currency with SHOP.CURRENCY_MISMATCH, never converting', async () => {
      const u = uid();
      const res = await t
        .http()
        .post('/api/v1/shop/products')
        .set(as(editor))
        .send({
          product: {
            title: `Dollar ${u}`,
            variants: [variant({ sku: `${u}-usd`, price: { amount: 1000, currency: 'USD' } })],
          },
        })
        .expect(422);
      expect(res.body).toMatchObject({
        code: 'SHOP.CURRENCY_MISMATCH',
        errors: { currency: ['must be EUR'] },
      });
      const { slug } = await activeProduct(`Euro ${u}`, [{ sku: `${u}-eur` }]);
      await t
        .http()
        .patch(`/api/v1/shop/products/${slug}/variants/${u}-eur`)
        .set(as(editor))
        .send({ variant: { price: { amount: 1, currency: 'eur' } } })
        .expect(422);
      const { body } = await t.http().get(`/api/v1/shop/products/${slug}`).expect(200);
      expect((body as { product: Product }).product.variants[0].price).toEqual(eur(1000));
    });

    it('should refuse an unknown category with 422 SHOP.UNKNOWN_CATEGORY', async () => {
      const res = await create({ title: `Lost ${uid()}`, category: `nowhere-${uid()}` }, 422);
      expect(res).toMatchObject({ code: 'SHOP.UNKNOWN_CATEGORY' });
    });

    it('should answer 409 with a code for a taken SKU, slug or option combination', async () => {
      const u = uid();
      await activeProduct(`First ${u}`, [{ sku: `${u}-dup` }], { slug: `first-${u}` });
      const sku = (await create(
        { title: `Second ${u}`, variants: [{ sku: `${u}-dup` }] },
        409,
      )) as {
        code?: string;
        errors?: object;
      };
      expect(sku).toMatchObject({
        code: 'SHOP.SKU_TAKEN',
        errors: { sku: [`${u}-dup has already been taken`] },
      });
      const within = await create(
        { title: `Third ${u}`, variants: [{ sku: `${u}-x` }, { sku: `${u}-x` }] },
        409,
      );
      expect(within).toMatchObject({ code: 'SHOP.SKU_TAKEN' });
      // Nothing of the refused product was kept.
      await t.http().get(`/api/v1/shop/products/third-${u}`).set(as(editor)).expect(404);
      expect(await create({ title: `First ${u}` }, 409)).toMatchObject({ code: 'SHOP.SLUG_TAKEN' });
      const same = await create(
        {
          title: `Twins ${u}`,
          variants: [
            { sku: `${u}-t1`, options: [{ name: 'size', value: 'M' }] },
            { sku: `${u}-t2`, options: [{ name: 'size', value: 'M' }] },
          ],
        },
        409,
      );
      expect(same).toMatchObject({ code: 'SHOP.DUPLICATE_OPTIONS' });
    });

    it('should need a variant before a product goes active', async () => {
      const u = uid();
      expect(await create({ title: `Empty ${u}`, status: 'active' }, 409)).toMatchObject({
        code: 'SHOP.PRODUCT_WITHOUT_VARIANTS',
      });
      const { product } = await create({ title: `Empty ${u}` });
      await t
        .http()
        .patch(`/api/v1/shop/products/${product.slug}`)
        .set(as(editor))
        .send({ product: { status: 'active' } })
        .expect(409);
    });

    it('should refuse to delete an ordered variant (the order keeps it) with 409', async () => {
      const u = uid();
      const product = await activeProduct(`Ordered ${u}`, [
        { sku: `${u}-a`, options: [{ name: 'size', value: 'S' }] },
        { sku: `${u}-b`, options: [{ name: 'size', value: 'M' }] },
      ]);
      const [{ id: cartId }] = await t.dataSource.query<{ id: string }[]>(
        `INSERT INTO shop_carts (status) VALUES ('ordered') RETURNING id`,
      );
      const [{ id: orderId }] = await t.dataSource.query<{ id: string }[]>(
        `INSERT INTO shop_orders (number, cart_id, email, currency, subtotal_minor, total_minor, shipping_address)
         VALUES ($1, $2, 'a@example.test', 'EUR', 1000, 1000, '{}') RETURNING id`,
        [`T-${u}`, cartId],
      );
      await t.dataSource.query(
        `INSERT INTO shop_order_lines (order_id, variant_id, sku, title, unit_price_minor, quantity, total_minor)
         VALUES ($1, $2, $3, 'x', 1000, 1, 1000)`,
        [orderId, product.variants[0].id, `${u}-a`],
      );
      const res = await t
        .http()
        .delete(`/api/v1/shop/products/${product.slug}/variants/${u}-a`)
        .set(as(editor))
        .expect(409);
      expect(res.body).toMatchObject({ code: 'SHOP.VARIANT_IN_USE' });
    });
  });

  describe('product page: ETag, cache, visibility', () => {
    it('should answer 304 to a current If-None-Match and 412 to a stale If-Match', async () => {
      const u = uid();
      const { slug } = await activeProduct(`Tagged ${u}`, [{ sku: `${u}-a` }]);
      const first = await t.http().get(`/api/v1/shop/products/${slug}`).expect(200);
      const etag = first.headers.etag;
      await t.http().get(`/api/v1/shop/products/${slug}`).set('If-None-Match', etag).expect(304);

      const edited = await t
        .http()
        .patch(`/api/v1/shop/products/${slug}`)
        .set(as(editor))
        .set('If-Match', etag)
        .send({ product: { title: `Tagged again ${u}` } })
        .expect(200);
      expect(edited.headers.etag).not.toBe(etag);
      const stale = await t
        .http()
        .patch(`/api/v1/shop/products/${slug}`)
        .set(as(editor))
        .set('If-Match', etag)
        .send({ product: { title: 'lost update' } })
        .expect(412);
      expect(stale.body).toMatchObject({ code: 'SHOP.STALE_PRODUCT', statusCode: 412 });
      await t
        .http()
        .post(`/api/v1/shop/products/${slug}/variants`)
        .set(as(editor))
        .set('If-Match', etag)
        .send({ variant: variant({ sku: `${u}-b` }) })
        .expect(412);
      await t
        .http()
        .patch(`/api/v1/shop/products/${slug}`)
        .set(as(editor))
        .set('If-Match', '"something-else"')
        .send({ product: { title: 'x' } })
        .expect(412);
      const now = await t.http().get(`/api/v1/shop/products/${slug}`).expect(200);
      expect(now.headers.etag).toBe(edited.headers.etag);
      expect((now.body as { product: Product }).product.title).toBe(`Tagged again ${u}`);
      await t.http().get(`/api/v1/shop/products/${slug}`).set('If-None-Match', etag).expect(200);
    });

    it('should serve a repeated read from the cache and show every write on the next read', async () => {
      const u = uid();
      const product = await activeProduct(`Cached ${u}`, [
        { sku: `${u}-a`, price: 1000, options: [{ name: 'size', value: 'S' }] },
      ]);
      const url = `/api/v1/shop/products/${product.slug}`;
      const read = async () =>
        ((await t.http().get(url).expect(200)).body as { product: Product }).product;
      const warm = await read();
      let again: Product | undefined;
      expect(await countQueries(async () => (again = await read()))).toBe(0);
      expect(again).toEqual(warm);

      await t
        .http()
        .patch(url)
        .set(as(editor))
        .send({ product: { title: `Renamed ${u}` } })
        .expect(200);
      expect((await read()).title).toBe(`Renamed ${u}`);
      await t
        .http()
        .patch(`${url}/variants/${u}-a`)
        .set(as(editor))
        .send({ variant: { price: eur(1500) } })
        .expect(200);
      expect((await read()).variants[0].price).toEqual(eur(1500));
      await t
        .http()
        .post(`${url}/variants`)
        .set(as(editor))
        .send({
          variant: variant({ sku: `${u}-b`, price: 900, options: [{ name: 'size', value: 'M' }] }),
        })
        .expect(201);
      expect((await read()).priceRange).toEqual({ min: eur(900), max: eur(1500) });

      // Stock is written by the inventory service, which tells the catalog afterwards.
      const etag = (await t.http().get(url)).headers.etag;
      await setStock(`${u}-a`, 7, 2);
      await t.app.get(CatalogService).stockChanged([product.variants[0].id]);
      const stocked = await t.http().get(url).expect(200);
      expect((stocked.body as { product: Product }).product).toMatchObject({
        available: 5,
        inStock: true,
      });
      expect(stocked.headers.etag).not.toBe(etag); // a 304 never hides a stock change
    });

    it('should show a staff stock adjustment on the next product read', async () => {
      const admin = await createUserWithRole(t, Role.Admin);
      const u = uid();
      const product = await activeProduct(`Restocked ${u}`, [{ sku: `${u}-a` }]);
      const url = `/api/v1/shop/products/${product.slug}`;
      const read = async () =>
        ((await t.http().get(url).expect(200)).body as { product: Product }).product;
      expect(await read()).toMatchObject({ available: 0, inStock: false }); // cached now
      await t
        .http()
        .post(`/api/v1/shop/variants/${product.variants[0].id}/stock-adjustments`)
        .set(as(admin))
        .send({ delta: 4, note: 'delivery' })
        .expect(201);
      expect(await read()).toMatchObject({ available: 4, inStock: true });
    });

    it('should never show drafts or archived products publicly, only to catalog editors', async () => {
      const u = uid();
      const { product } = await create({ title: `Secret ${u}`, variants: [{ sku: `${u}-a` }] });
      const url = `/api/v1/shop/products/${product.slug}`;
      await t.http().get(url).expect(404); // now cached as unknown
      await t.http().get(url).set(as(customer)).expect(404);
      await t.http().get(url).set(as(editor)).expect(200);
      expect(slugs(await list(`q=secret ${u}`))).toEqual([]);
      const gqlRead = await gql(`query($s: String!) { product(slug: $s) { slug } }`, {
        s: product.slug,
      });
      expect(gqlRead.errors?.[0].extensions.domainCode).toBe('SHOP.PRODUCT_NOT_FOUND');

      await t
        .http()
        .patch(url)
        .set(as(editor))
        .send({ product: { status: 'active' } })
        .expect(200);
      await t.http().get(url).expect(200); // the cached 404 was forgotten
      expect(slugs(await list(`q=secret ${u}`))).toEqual([product.slug]);
      await t
        .http()
        .patch(url)
        .set(as(editor))
        .send({ product: { status: 'archived' } })
        .expect(200);
      await t.http().get(url).expect(404);
      expect(slugs(await list(`q=secret ${u}`))).toEqual([]);
    });

    it('should move a product to its new slug', async () => {
      const u = uid();
      const { slug } = await activeProduct(`Moving ${u}`, [{ sku: `${u}-a` }]);
      await t.http().get(`/api/v1/shop/products/${slug}`).expect(200);
      await t
        .http()
        .patch(`/api/v1/shop/products/${slug}`)
        .set(as(editor))
        .send({ product: { slug: `moved-${u}` } })
        .expect(200);
      await t.http().get(`/api/v1/shop/products/${slug}`).expect(404);
      await t.http().get(`/api/v1/shop/products/moved-${u}`).expect(200);
    });

    it('should set and clear the category, and apply GraphQL edits to the next REST read', async () => {
      const u = uid();
      await createCategory(`Filed ${u}`, `filed-${u}`);
      const { slug } = await activeProduct(`Filed ${u}`, [{ sku: `${u}-a` }]);
      const url = `/api/v1/shop/products/${slug}`;
      const category = async () =>
        ((await t.http().get(url).expect(200)).body as { product: Product }).product.category;
      expect(await category()).toBeNull();
      const patch = (product: object) =>
        t.http().patch(url).set(as(editor)).send({ product }).expect(200);
      await patch({ category: `filed-${u}` });
      expect(await category()).toEqual({ slug: `filed-${u}`, name: `Filed ${u}` });
      await patch({ category: null });
      expect(await category()).toBeNull();

      const edited = await gql<{ updateVariant: Product }>(
        `mutation($slug: String!, $sku: String!) {
           updateVariant(slug: $slug, sku: $sku, input: { price: { amount: 4321, currency: "EUR" } }) {
             priceRange { min { amount } }
           }
         }`,
        { slug, sku: `${u}-a` },
        editor,
      );
      expect(edited.data?.updateVariant.priceRange?.min.amount).toBe(4321);
      const { body } = await t.http().get(url).expect(200);
      expect((body as { product: Product }).product.variants[0].price).toEqual(eur(4321));
    });
  });

  describe('storefront lists', () => {
    const u = uid();
    const fixture: Record<string, Product> = {};

    beforeAll(async () => {
      await createCategory(`Apparel ${u}`, `apparel-${u}`);
      await createCategory(`Tops ${u}`, `tops-${u}`, `apparel-${u}`);
      await createCategory(`Tees ${u}`, `tees-${u}`, `tops-${u}`);
      await createCategory(`Shoes ${u}`, `shoes-${u}`);
      const size = (value: string) => ({ name: 'size', value });
      const colour = (value: string) => ({ name: 'colour', value });
      fixture.tee = await activeProduct(
        `Alpha tee ${u}`,
        [
          { sku: `${u}-tee-s-red`, options: [size('S'), colour('red')], price: 1000 },
          { sku: `${u}-tee-m-red`, options: [size('M'), colour('red')], price: 1200 },
          { sku: `${u}-tee-m-blue`, options: [size('M'), colour('blue')], price: 1200 },
        ],
        { category: `tees-${u}`, description: `A crisp shirt, word${u}` },
      );
      fixture.top = await activeProduct(
        `Beta top ${u}`,
        [
          { sku: `${u}-top-m-green`, options: [size('M'), colour('green')], price: 3000 },
          { sku: `${u}-top-l-green`, options: [size('L'), colour('green')], price: 3500 },
        ],
        { category: `tops-${u}` },
      );
      fixture.shoe = await activeProduct(
        `Gamma shoe ${u}`,
        [{ sku: `${u}-shoe-42`, options: [size('42'), colour('black')], price: 8000 }],
        { category: `shoes-${u}`, description: `Runs well, word${u} twice word${u}` },
      );
      fixture.plain = await activeProduct(`Epsilon bag ${u}`, [{ sku: `${u}-bag`, price: 2000 }], {
        category: `apparel-${u}`,
      });
      fixture.draft = (
        await create({
          title: `Delta draft ${u}`,
          category: `tees-${u}`,
          variants: [{ sku: `${u}-draft`, options: [size('M'), colour('red')], price: 500 }],
        })
      ).product;
      await setStock(`${u}-tee-m-red`, 5);
      await setStock(`${u}-top-l-green`, 2);
      await setStock(`${u}-shoe-42`, 1, 1); // all of it reserved
      await t
        .http()
        .post('/api/v1/shop/collections')
        .set(as(editor))
        .send({ collection: { title: `Picks ${u}`, slug: `picks-${u}` } })
        .expect(201);
      for (const p of [fixture.tee, fixture.shoe]) {
        await t
          .http()
          .put(`/api/v1/shop/collections/picks-${u}/products/${p.slug}`)
          .set(as(editor))
          .expect(204);
      }
    });

    it('should include the descendants of a category', async () => {
      const all = await list(`category=apparel-${u}&sort=price_asc`);
      expect(slugs(all)).toEqual([fixture.tee.slug, fixture.plain.slug, fixture.top.slug]);
      expect(slugs(await list(`category=tops-${u}&sort=price_asc`))).toEqual([
        fixture.tee.slug,
        fixture.top.slug,
      ]);
      expect(slugs(await list(`category=tees-${u}`))).toEqual([fixture.tee.slug]);
      expect(slugs(await list(`category=nothing-${u}`))).toEqual([]);
      expect(all.products[0]).toEqual({
        id: fixture.tee.id,
        slug: fixture.tee.slug,
        title: `Alpha tee ${u}`,
        status: 'active',
        images: [],
        category: { slug: `tees-${u}`, name: `Tees ${u}` },
        priceRange: { min: eur(1000), max: eur(1200) },
        available: 5,
        inStock: true,
        variantCount: 3,
        options: [
          { name: 'colour', values: ['red', 'blue'] },
          { name: 'size', values: ['S', 'M'] },
        ],
        createdAt: expect.stringMatching(ISO_MS),
        updatedAt: expect.stringMatching(ISO_MS),
      });
    });

    it('should filter by collection, and follow additions and removals', async () => {
      const sorted = (page: ProductList) => slugs(page).sort();
      expect(sorted(await list(`collection=picks-${u}`))).toEqual(
        [fixture.tee.slug, fixture.shoe.slug].sort(),
      );
      await t
        .http()
        .delete(`/api/v1/shop/collections/picks-${u}/products/${fixture.shoe.slug}`)
        .set(as(editor))
        .expect(204);
      await t
        .http()
        .put(`/api/v1/shop/collections/picks-${u}/products/${fixture.top.slug}`)
        .set(as(editor))
        .expect(204);
      await t
        .http()
        .put(`/api/v1/shop/collections/picks-${u}/products/${fixture.top.slug}`)
        .set(as(editor))
        .expect(204); // idempotent
      expect(sorted(await list(`collection=picks-${u}`))).toEqual(
        [fixture.tee.slug, fixture.top.slug].sort(),
      );
      const { body } = await t.http().get(`/api/v1/shop/collections/picks-${u}`).expect(200);
      expect((body as { collection: { productsCount: number } }).collection.productsCount).toBe(2);
      await t
        .http()
        .put(`/api/v1/shop/collections/picks-${u}/products/none-${u}`)
        .set(as(editor))
        .expect(404);
    });

    it('should match price, stock and options on one and the same variant', async () => {
      const q = (extra: string) => list(`category=apparel-${u}&sort=price_asc&${extra}`);
      expect(slugs(await q('priceMin=1100&priceMax=2000'))).toEqual([
        fixture.tee.slug,
        fixture.plain.slug,
      ]);
      // The tee's range (1000–1200) overlaps 1050–1150, but no variant costs that.
      expect(slugs(await q('priceMin=1050&priceMax=1150'))).toEqual([]);
      expect(slugs(await q('inStock=true'))).toEqual([fixture.tee.slug, fixture.top.slug]);
      expect(slugs(await q('options=size:M'))).toEqual([fixture.tee.slug, fixture.top.slug]);
      expect(slugs(await q('options=size:L,size:S'))).toEqual([fixture.tee.slug, fixture.top.slug]);
      expect(slugs(await q('options=size:M,colour:blue'))).toEqual([fixture.tee.slug]);
      // Size M of the top is not in stock (its L is): no single variant is both.
      expect(slugs(await q('options=size:M&inStock=true'))).toEqual([fixture.tee.slug]);
      expect(slugs(await q('options=size:S,colour:blue'))).toEqual([]);
      expect(slugs(await list(`q=word${u}&inStock=true`))).toEqual([fixture.tee.slug]);
    });

    it('should validate filters, sorts and cursors with 422', async () => {
      for (const query of [
        'sort=popularity',
        'sort=title',
        'sort=relevance',
        'options=size',
        'options=Size:M',
        'options=size:M,',
        'priceMin=-1',
        'priceMin=abc',
        'priceMin=10&priceMax=5',
        'inStock=yes',
        'limit=101',
        'limit=0',
        'category=Bad Slug',
        'cursor=not*base64',
        `cursor=${Buffer.from('{"sort":"newest","key":"x","id":"y"}').toString('base64url')}`,
        'unknown=1',
      ]) {
        const res = await t.http().get(`/api/v1/shop/products?${query}`);
        expect({ query, status: res.status }).toEqual({ query, status: 422 });
      }
      const page = await list(`category=apparel-${u}&sort=price_asc&limit=1`);
      const other = await t
        .http()
        .get(`/api/v1/shop/products?sort=newest&cursor=${page.nextCursor}`)
        .expect(422);
      expect(other.body).toMatchObject({ errors: { cursor: ['is invalid for this list'] } });
    });

    it('should search title and description by relevance', async () => {
      const found = await list(`q=word${u}`);
      // Two mentions outrank one.
      expect(slugs(found)).toEqual([fixture.shoe.slug, fixture.tee.slug]);
      expect(slugs(await list(`q=word${u}&sort=price_desc`))).toEqual([
        fixture.shoe.slug,
        fixture.tee.slug,
      ]);
      expect(slugs(await list(`q=alpha ${u}`))).toEqual([fixture.tee.slug]);
      expect(slugs(await list(`q=word${u} -shoe`))).toEqual([fixture.tee.slug]);
      // The list's search condition is the expression of the GIN index, so the index can serve it.
      const plan = await t.dataSource.transaction(async (m) => {
        await m.query('SET LOCAL enable_seqscan = off');
        return m.query<{ 'QUERY PLAN': string }[]>(
          `EXPLAIN SELECT id FROM shop_products p
           WHERE to_tsvector('english', p.title || ' ' || p.description)
                 @@ websearch_to_tsquery('english', 'shirt')`,
        );
      });
      expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('shop_products_search_idx');
    });

    it('should sort by price both ways and refuse unknown sorts', async () => {
      expect(slugs(await list(`category=apparel-${u}&sort=price_desc`))).toEqual([
        fixture.top.slug,
        fixture.plain.slug,
        fixture.tee.slug,
      ]);
      expect(slugs(await list(`category=apparel-${u}`))).toEqual([
        fixture.plain.slug,
        fixture.top.slug,
        fixture.tee.slug,
      ]); // newest first by default
    });

    it('should show drafts only to catalog editors who ask for them', async () => {
      await t.http().get(`/api/v1/shop/products?category=tees-${u}&status=draft`).expect(401);
      await t
        .http()
        .get(`/api/v1/shop/products?category=tees-${u}&status=draft`)
        .set(as(customer))
        .expect(403);
      expect(slugs(await list(`category=tees-${u}&status=draft`, editor))).toEqual([
        fixture.draft.slug,
      ]);
      // Editors see the storefront like everyone else unless they ask.
      expect(slugs(await list(`category=tees-${u}`, editor))).toEqual([fixture.tee.slug]);
      const admin = (
        await t
          .http()
          .get(`/api/v1/shop/admin/products?category=tees-${u}&sort=price_asc&limit=1&offset=0`)
          .set(as(editor))
          .expect(200)
      ).body as { products: ProductSummary[]; productsCount: number };
      expect(admin.productsCount).toBe(2);
      expect(admin.products.map((p) => p.slug)).toEqual([fixture.draft.slug]);
    });

    it('should count facets over the whole filtered set, rolled up the category tree', async () => {
      const { facets, products } = await list(`category=apparel-${u}&facets=true&limit=1`);
      expect(products).toHaveLength(1);
      expect(facets).toEqual({
        total: 3,
        categories: [
          { slug: `apparel-${u}`, name: `Apparel ${u}`, count: 3 },
          { slug: `tops-${u}`, name: `Tops ${u}`, count: 2 },
          { slug: `tees-${u}`, name: `Tees ${u}`, count: 1 },
        ],
        options: [
          { name: 'colour', value: 'blue', count: 1 },
          { name: 'colour', value: 'green', count: 1 },
          { name: 'colour', value: 'red', count: 1 },
          { name: 'size', value: 'L', count: 1 },
          { name: 'size', value: 'M', count: 2 },
          { name: 'size', value: 'S', count: 1 },
        ],
        priceRange: { min: eur(1000), max: eur(3500) },
      });
      const inStock = await list(`category=apparel-${u}&facets=true&inStock=true`);
      expect(inStock.facets?.total).toBe(2);
      expect((await list(`category=apparel-${u}`)).facets).toBeUndefined();
    });

    it('should answer a page — variants summary, price, availability, facets — with one SQL statement', async () => {
      for (const query of [
        `category=apparel-${u}&options=size:M&inStock=true&priceMax=5000&sort=price_asc`,
        `q=word${u}&collection=picks-${u}&facets=true`,
      ]) {
        let page: ProductList | undefined;
        expect(await countQueries(async () => (page = await list(query)))).toBe(1);
        expect(page?.products.length).toBeGreaterThan(0);
      }
    });
  });

  describe('keyset pages', () => {
    const walk = async (query: string, between?: (page: number) => Promise<void>) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 20; page++) {
        const res = await list(`${query}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...slugs(res));
        cursor = res.nextCursor;
        if (!cursor) break;
        await between?.(page);
      }
      return seen;
    };

    it.each(['newest', 'price_asc', 'price_desc'])(
      'should page through %s with no duplicates and no gaps while products are added',
      async (sort) => {
        const u = uid();
        await createCategory(`Paged ${u}`, `paged-${u}`);
        const original: string[] = [];
        // Equal prices in pairs: ties are broken by id, so nothing is skipped or repeated.
        for (let i = 0; i < 8; i++) {
          const p = await activeProduct(
            `Paged ${i} ${u}`,
            [{ sku: `${u}-${i}`, price: 1000 + Math.floor(i / 2) * 100 }],
            { category: `paged-${u}` },
          );
          original.push(p.slug);
        }
        const before = await walk(`category=paged-${u}&sort=${sort}`);
        expect(before.sort()).toEqual([...original].sort());
        let n = 0;
        // New products land before, inside and after the pages still to come.
        const during = await walk(`category=paged-${u}&sort=${sort}`, async (page) => {
          if (page > 1) return;
          for (const price of [900, 1150, 1250, 2000]) {
            const p = await activeProduct(
              `Added ${n} ${u}`,
              [{ sku: `${u}-added-${n++}`, price }],
              { category: `paged-${u}` },
            );
            original.push(p.slug);
          }
        });
        expect(new Set(during).size).toBe(during.length);
        expect(during).toEqual(expect.arrayContaining(before));
        const whole = await walk(`category=paged-${u}&sort=${sort}`);
        expect(whole.sort()).toEqual([...original].sort());
      },
    );

    it.each(['price_asc', 'price_desc'])(
      'should page drafts by %s for an editor, unpriced drafts included',
      async (sort) => {
        const u = uid();
        await createCategory(`Drafts ${u}`, `drafts-${u}`);
        const made: string[] = [];
        for (let i = 0; i < 5; i++) {
          const { product } = await create({
            title: `Draft ${i} ${u}`,
            category: `drafts-${u}`,
            variants: i % 2 ? [] : [{ sku: `${u}-${i}`, price: 100 * (i + 1) }],
          });
          made.push(product.slug);
        }
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await list(
            `category=drafts-${u}&status=draft&sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
            editor,
          );
          seen.push(...slugs(page));
          cursor = page.nextCursor;
        } while (cursor);
        expect([...seen].sort()).toEqual([...made].sort());
        const priced = [0, 2, 4].map((i) => made[i]);
        const unpriced = new Set([made[1], made[3]]);
        // Unpriced drafts come last going up and first going down: each order is the other's reverse.
        if (sort === 'price_asc') {
          expect(seen.slice(0, 3)).toEqual(priced);
          expect(new Set(seen.slice(3))).toEqual(unpriced);
        } else {
          expect(new Set(seen.slice(0, 2))).toEqual(unpriced);
          expect(seen.slice(2)).toEqual([...priced].reverse());
        }
      },
    );

    it('should page search results by relevance', async () => {
      const u = uid();
      const made: string[] = [];
      for (let i = 1; i <= 5; i++) {
        const p = await activeProduct(`Ranked ${i} ${u}`, [{ sku: `${u}-${i}` }], {
          description: Array.from({ length: i }, () => `rank${u}`).join(' '),
        });
        made.push(p.slug);
      }
      const seen = await walk(`q=rank${u}`);
      expect(seen).toEqual([...made].reverse());
    });
  });

  describe('categories', () => {
    it('should list the tree and refuse cycles, unknown parents and non-empty deletes', async () => {
      const u = uid();
      await createCategory(`Root ${u}`, `root-${u}`);
      await createCategory(`Child ${u}`, `child-${u}`, `root-${u}`);
      await createCategory(`Leaf ${u}`, `leaf-${u}`, `child-${u}`);
      const { body } = await t.http().get('/api/v1/shop/categories').expect(200);
      const root = (body as { categories: CategoryNode[] }).categories.find(
        (c) => c.slug === `root-${u}`,
      );
      expect(root).toEqual({
        slug: `root-${u}`,
        name: `Root ${u}`,
        position: 0,
        children: [
          {
            slug: `child-${u}`,
            name: `Child ${u}`,
            position: 0,
            children: [{ slug: `leaf-${u}`, name: `Leaf ${u}`, position: 0, children: [] }],
          },
        ],
      });
      const cycle = await t
        .http()
        .patch(`/api/v1/shop/categories/root-${u}`)
        .set(as(editor))
        .send({ category: { parent: `leaf-${u}` } })
        .expect(422);
      expect(cycle.body).toMatchObject({ code: 'SHOP.CATEGORY_CYCLE' });
      const unknown = await t
        .http()
        .post('/api/v1/shop/categories')
        .set(as(editor))
        .send({ category: { name: 'Orphan', parent: `missing-${u}` } })
        .expect(422);
      expect(unknown.body).toMatchObject({ code: 'SHOP.UNKNOWN_CATEGORY' });
      const full = await t
        .http()
        .delete(`/api/v1/shop/categories/child-${u}`)
        .set(as(editor))
        .expect(409);
      expect(full.body).toMatchObject({ code: 'SHOP.CATEGORY_HAS_CHILDREN' });
      const taken = await t
        .http()
        .post('/api/v1/shop/categories')
        .set(as(editor))
        .send({ category: { name: 'Again', slug: `root-${u}` } })
        .expect(409);
      expect(taken.body).toMatchObject({ code: 'SHOP.SLUG_TAKEN' });

      // Move the leaf to the root: the tree and the category's products follow at once.
      await t
        .http()
        .patch(`/api/v1/shop/categories/leaf-${u}`)
        .set(as(editor))
        .send({ category: { parent: null } })
        .expect(200);
      const moved = (
        (await t.http().get('/api/v1/shop/categories').expect(200)).body as {
          categories: CategoryNode[];
        }
      ).categories.map((c) => c.slug);
      expect(moved).toEqual(expect.arrayContaining([`root-${u}`, `leaf-${u}`]));
    });

    it("should show a renamed category in its products' pages on the next read", async () => {
      const u = uid();
      await createCategory(`Old name ${u}`, `named-${u}`);
      const { slug } = await activeProduct(`Named ${u}`, [{ sku: `${u}-a` }], {
        category: `named-${u}`,
      });
      const read = async () =>
        (
          (await t.http().get(`/api/v1/shop/products/${slug}`).expect(200)).body as {
            product: Product;
          }
        ).product.category;
      expect(await read()).toEqual({ slug: `named-${u}`, name: `Old name ${u}` });
      await t
        .http()
        .patch(`/api/v1/shop/categories/named-${u}`)
        .set(as(editor))
        .send({ category: { name: `New name ${u}` } })
        .expect(200);
      expect(await read()).toEqual({ slug: `named-${u}`, name: `New name ${u}` });
      await t.http().delete(`/api/v1/shop/categories/named-${u}`).set(as(editor)).expect(204);
      expect(await read()).toBeNull();
    });
  });

  describe('GraphQL', () => {
    const SUMMARY =
      'id slug title status images category { slug name } priceRange { min { amount currency } max { amount currency } } available inStock variantCount options { name values } createdAt updatedAt';
    const PRODUCT = `${SUMMARY} description variants { id sku title options { name value } price { amount currency } weightGrams available inStock }`;

    it('should create through GraphQL and read the same product, list and tree as REST', async () => {
      const u = uid();
      await createCategory(`Gql ${u}`, `gql-${u}`);
      const created = await gql<{ createProduct: Product }>(
        `mutation($input: CreateProductInput!) { createProduct(input: $input) { ${PRODUCT} } }`,
        {
          input: {
            title: `Parity ${u}`,
            description: 'Same either way',
            status: 'active',
            category: `gql-${u}`,
            images: ['https://cdn.example.com/p.jpg'],
            variants: [
              {
                sku: `${u}-a`,
                title: 'A',
                options: [{ name: 'size', value: 'M' }],
                price: { amount: 9_007_199_254_740_991, currency: 'EUR' },
              },
              { sku: `${u}-b`, title: 'B', price: { amount: 250, currency: 'EUR' } },
            ],
          },
        },
        editor,
      );
      expect(created.errors).toBeUndefined();
      const slug = created.data!.createProduct.slug;
      await setStock(`${u}-b`, 3);
      await t.app.get(CatalogService).stockChanged([created.data!.createProduct.variants[1].id]);

      const viaGraphql = await gql<{ product: Product }>(
        `query($slug: String!) { product(slug: $slug) { ${PRODUCT} } }`,
        { slug },
      );
      const viaRest = (await t.http().get(`/api/v1/shop/products/${slug}`).expect(200)).body as {
        product: Product;
      };
      expect(viaGraphql.data!.product).toEqual(viaRest.product);
      expect(viaRest.product.priceRange?.max).toEqual(eur(9_007_199_254_740_991));

      const listGql = await gql<{ products: ProductList }>(
        `query($c: String) { products(category: $c, facets: true, limit: 5) {
           nextCursor products { ${SUMMARY} }
           facets { total categories { slug name count } options { name value count }
                    priceRange { min { amount currency } max { amount currency } } } } }`,
        { c: `gql-${u}` },
      );
      const listRest = await list(`category=gql-${u}&facets=true&limit=5`);
      expect(listGql.data!.products).toEqual(listRest);

      const tree = await gql<{ categories: CategoryNode[] }>(
        '{ categories { slug name position children { slug name position children { slug } } } }',
        {},
      );
      const restTree = (
        (await t.http().get('/api/v1/shop/categories').expect(200)).body as {
          categories: CategoryNode[];
        }
      ).categories;
      expect(tree.data!.categories.find((c) => c.slug === `gql-${u}`)).toEqual(
        restTree.find((c) => c.slug === `gql-${u}`),
      );
    });

    it('should apply the same rules: currency, validation, sort, drafts, conflicts', async () => {
      const u = uid();
      const make = (input: object) =>
        gql<{ createProduct: Product }>(
          'mutation($input: CreateProductInput!) { createProduct(input: $input) { slug } }',
          { input },
          editor,
        );
      const usd = await make({
        title: `Usd ${u}`,
        variants: [{ sku: `${u}-a`, title: 'a', price: { amount: 1, currency: 'USD' } }],
      });
      expect(usd.errors?.[0].extensions).toMatchObject({
        domainCode: 'SHOP.CURRENCY_MISMATCH',
        statusCode: 422,
      });
      const http = await make({ title: `Http ${u}`, images: ['http://example.com/a.jpg'] });
      expect(http.errors?.[0].extensions.statusCode).toBe(422);
      const overflow = await make({
        title: `Big ${u}`,
        variants: [{ sku: `${u}-b`, title: 'b', price: { amount: 2 ** 53, currency: 'EUR' } }],
      });
      expect(overflow.errors).toBeDefined();
      await make({ title: `Taken ${u}`, slug: `taken-${u}` });
      expect((await make({ title: 'x', slug: `taken-${u}` })).errors?.[0].extensions).toMatchObject(
        { domainCode: 'SHOP.SLUG_TAKEN', statusCode: 409 },
      );
      const drafts = await gql('{ products(status: draft) { products { slug } } }', {});
      expect(drafts.errors?.[0].extensions.statusCode).toBe(401);
      const relevance = await gql('{ products(sort: relevance) { products { slug } } }', {});
      expect(relevance.errors?.[0].extensions.statusCode).toBe(422);
    });
  });
});
