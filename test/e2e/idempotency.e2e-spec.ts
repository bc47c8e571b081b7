import { randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  HttpCode,
  Post,
  ServiceUnavailableException,
  type INestApplicationContext,
} from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '@/app.module';
import { Public } from '@/core/auth/auth.decorators';
import {
  IdempotencyCleanupTask,
  Idempotent,
  IdempotencyKey,
  requestFingerprint,
} from '@/core/idempotency';
import { registerUser, type RegisteredUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

const ARTICLES = '/api/v1/articles';
const ROUTE = `POST ${ARTICLES}`;

interface ErrorBody {
  errors: Record<string, string[]>;
  code: string;
  message: string;
  statusCode: number;
  correlationId: string;
}

/** Routes that only this test mounts, for what no production route shows yet. */
@Controller('idempotency-fixture')
class IdempotencyFixtureController {
  readonly runs = new Map<string, number>();

  private run(tag: string): number {
    const n = (this.runs.get(tag) ?? 0) + 1;
    this.runs.set(tag, n);
    return n;
  }

  /** Anonymous, default principal: a key cannot be scoped and is refused. */
  @Public()
  @Idempotent()
  @Post('anonymous')
  anonymous(@Body() body: { tag: string }) {
    return { run: this.run(body.tag) };
  }

  /** Key required, scoped by a header (e.g. a tenant resolved by an API gateway). */
  @Public()
  @Idempotent({ required: true, principal: (req) => req.header('x-tenant') })
  @Post('tenant')
  @HttpCode(200)
  tenant(@Body() body: { tag: string }, @IdempotencyKey() key: string) {
    return { run: this.run(body.tag), key };
  }

  /** Fails with a 503 on the first run, then succeeds. */
  @Public()
  @Idempotent({ principal: (req) => req.header('x-tenant') })
  @Post('flaky')
  flaky(@Body() body: { tag: string }) {
    const run = this.run(body.tag);
    if (run === 1) throw new ServiceUnavailableException('try again');
    return { run };
  }
}

/**
 * `@Idempotent()` against the real app and PostgreSQL: article creation (optional key) and, on
 * an app with a fixture controller, the options no production route uses yet.
 */
describe('Idempotency-Key (e2e)', () => {
  let t: TestApp;
  let jake: RegisteredUser;
  let jakeId: string;

  beforeAll(async () => {
    t = await createTestApp();
    jake = await registerUser(t);
    jakeId = await userIdOf(jake);
  });

  afterAll(async () => {
    await t.close();
  });

  const userIdOf = async (u: RegisteredUser) =>
    (
      await t.dataSource.query<{ id: string }[]>('SELECT id FROM users WHERE email = $1', [u.email])
    )[0].id;
  const articleBody = (title: string, extra: Record<string, unknown> = {}) => ({
    article: { title, description: 'd', body: 'b', tagList: ['idem'], ...extra },
  });
  const post = (u: RegisteredUser, key: string | undefined, body: object) => {
    const req = t.http().post(ARTICLES).set('Authorization', `Token ${u.token}`);
    if (key !== undefined) req.set('Idempotency-Key', key);
    return req.send(body);
  };
  const countByTitle = async (title: string) =>
    Number(
      (
        await t.dataSource.query<{ n: string }[]>(
          'SELECT count(*) AS n FROM articles WHERE title = $1',
          [title],
        )
      )[0].n,
    );
  const keyRow = (principal: string, key: string) =>
    t.dataSource
      .query<{ status: string; response_status: number | null }[]>(
        'SELECT status, response_status FROM idempotency_keys WHERE principal = $1 AND route = $2 AND key = $3',
        [principal, ROUTE, key],
      )
      .then((rows) => rows[0]);
  const expectError = (body: unknown, code: string, statusCode: number) =>
    expect(body).toEqual({
      errors: { 'Idempotency-Key': [expect.any(String)] },
      code,
      message: expect.any(String),
      statusCode,
      correlationId: expect.any(String),
    });

  describe('POST /api/v1/articles', () => {
    it('should create once and replay the identical response with Idempotent-Replayed', async () => {
      const key = randomUUID();
      const title = `once ${key}`;
      const first = await post(jake, key, articleBody(title)).expect(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();

      const again = await post(jake, key, articleBody(title)).expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.text).toBe(first.text);
      expect(again.headers.etag).toBe(first.headers.etag);
      expect(again.headers['content-type']).toBe(first.headers['content-type']);
      expect(await countByTitle(title)).toBe(1);
      expect(await keyRow(`user:${jakeId}`, key)).toEqual({
        status: 'completed',
        response_status: 201,
      });
    });

    it('should treat the same body with keys in another order as the same request', async () => {
      const key = randomUUID();
      const title = `order ${key}`;
      await post(jake, key, articleBody(title)).expect(201);
      const reordered = {
        article: { tagList: ['idem'], body: 'b', description: 'd', title },
      };
      const again = await post(jake, key, reordered).expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await countByTitle(title)).toBe(1);
    });

    it('should refuse the same key for a different request with 422 IDEMPOTENCY.KEY_REUSED', async () => {
      const key = randomUUID();
      await post(jake, key, articleBody(`first ${key}`)).expect(201);
      const res = await post(jake, key, articleBody(`second ${key}`)).expect(422);
      expectError(res.body, 'IDEMPOTENCY.KEY_REUSED', 422);
      expect(res.headers['x-request-id']).toBe((res.body as ErrorBody).correlationId);
      expect(await countByTitle(`second ${key}`)).toBe(0);
    });

    it('should run requests without a key every time (RealWorld clients send none)', async () => {
      const title = `no key ${randomUUID()}`;
      await post(jake, undefined, articleBody(title)).expect(201);
      const second = await post(jake, undefined, articleBody(title)).expect(201);
      expect(second.headers['idempotent-replayed']).toBeUndefined();
      expect(await countByTitle(title)).toBe(2);
    });

    it('should keep the key spaces of two users apart', async () => {
      const jane = await registerUser(t);
      const key = randomUUID();
      const title = `shared key ${key}`;
      await post(jake, key, articleBody(title)).expect(201);
      const res = await post(jane, key, articleBody(title)).expect(201);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
      expect(
        (res.body as { article: { author: { username: string } } }).article.author.username,
      ).toBe(jane.username);
      expect(await countByTitle(title)).toBe(2);
    });

    it('should let concurrent duplicates create exactly one article; the others get 409 or the replay', async () => {
      const key = randomUUID();
      const title = `race ${key}`;
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => post(jake, key, articleBody(title))),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
      const created = responses.filter((r) => r.status === 201);
      expect(created.filter((r) => r.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
      for (const replayed of created) expect(replayed.text).toBe(created[0].text);
      for (const busy of responses.filter((r) => r.status === 409)) {
        expect(busy.headers['retry-after']).toBe('1');
        expectError(busy.body, 'IDEMPOTENCY.IN_FLIGHT', 409);
      }
      expect(await countByTitle(title)).toBe(1);
    });

    it('should answer 409 with Retry-After while the first request runs, and take over a claim whose process died', async () => {
      const insertClaim = (key: string, body: object, lockedAgo: string) =>
        t.dataSource.query(
          `INSERT INTO idempotency_keys
             (principal, route, key, fingerprint, status, claim_token, locked_at, expires_at)
           VALUES ($1, $2, $3, $4, 'in_flight', $5, now() - $6::interval, now() + interval '1 day')`,
          [
            `user:${jakeId}`,
            ROUTE,
            key,
            requestFingerprint('POST', ARTICLES, body),
            randomUUID(),
            lockedAgo,
          ],
        );

      const running = randomUUID();
      const runningBody = articleBody(`running ${running}`);
      await insertClaim(running, runningBody, '1 second');
      const busy = await post(jake, running, runningBody).expect(409);
      expect(busy.headers['retry-after']).toBe('1');
      expectError(busy.body, 'IDEMPOTENCY.IN_FLIGHT', 409);

      const died = randomUUID();
      const diedBody = articleBody(`died ${died}`);
      await insertClaim(died, diedBody, '1 minute'); // older than the 30 s lock timeout
      const res = await post(jake, died, diedBody).expect(201);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
      expect(await countByTitle(`died ${died}`)).toBe(1);
      expect(await keyRow(`user:${jakeId}`, died)).toEqual({
        status: 'completed',
        response_status: 201,
      });
      // Even a stale claim belongs to its request: another body under that key is refused.
      const other = randomUUID();
      await insertClaim(other, articleBody(`other ${other}`), '1 minute');
      await post(jake, other, articleBody(`changed ${other}`)).expect(422);
    });

    it('should store and replay a 4xx of the handler, but not a request the validation pipe refused', async () => {
      const key = randomUUID();
      const past = articleBody(`past ${key}`, { publishAt: '2001-01-01T00:00:00.000Z' });
      const first = await post(jake, key, past).expect(422);
      expect((first.body as ErrorBody).code).toBe('COMMON.VALIDATION_FAILED');
      const again = await post(jake, key, past).expect(422);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.text).toBe(first.text); // the original correlationId included
      expect(again.headers['x-request-id']).not.toBe(first.headers['x-request-id']);

      const fixed = randomUUID();
      const invalid = await post(jake, fixed, { article: { description: 'no title' } }).expect(422);
      expect((invalid.body as ErrorBody).errors).toHaveProperty('title');
      expect(await keyRow(`user:${jakeId}`, fixed)).toBeUndefined();
      const res = await post(jake, fixed, articleBody(`fixed ${fixed}`)).expect(201);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
    });

    it('should refuse a key that is too long or not printable ASCII with 400', async () => {
      const title = `bad key ${randomUUID()}`;
      const tooLong = await post(jake, 'k'.repeat(256), articleBody(title)).expect(400);
      expectError(tooLong.body, 'IDEMPOTENCY.INVALID_KEY', 400);
      const nonAscii = await post(jake, 'caf\u00e9', articleBody(title)).expect(400);
      expectError(nonAscii.body, 'IDEMPOTENCY.INVALID_KEY', 400);
      await post(jake, 'k'.repeat(255), articleBody(title)).expect(201);
      expect(await countByTitle(title)).toBe(1);
    });

    it('should count an expired key as absent, and the worker deletes expired keys', async () => {
      const key = randomUUID();
      const title = `expired ${key}`;
      await post(jake, key, articleBody(title)).expect(201);
      await t.dataSource.query(
        "UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1",
        [key],
      );
      const rerun = await post(jake, key, articleBody(title)).expect(201);
      expect(rerun.headers['idempotent-replayed']).toBeUndefined();
      expect(await countByTitle(title)).toBe(2);

      const live = randomUUID();
      await post(jake, live, articleBody(`live ${live}`)).expect(201);
      await t.dataSource.query(
        "UPDATE idempotency_keys SET expires_at = now() - interval '1 hour' WHERE key = $1",
        [key],
      );
      let worker: INestApplicationContext | undefined;
      try {
        worker = await t.startWorker();
        const result = await worker.get(IdempotencyCleanupTask).run();
        expect(result.acquired).toBe(true);
        expect(result.deleted).toBeGreaterThanOrEqual(1);
      } finally {
        await worker?.close();
      }
      expect(await keyRow(`user:${jakeId}`, key)).toBeUndefined();
      expect(await keyRow(`user:${jakeId}`, live)).toMatchObject({ status: 'completed' });
    });
  });

  describe('options (fixture routes)', () => {
    let app: NestExpressApplication;
    let fixture: IdempotencyFixtureController;
    const http = () => request(app.getHttpServer());

    beforeAll(async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [AppModule.register({ config: t.config, databaseUrl: t.db.url, role: 'api' })],
        controllers: [IdempotencyFixtureController],
      }).compile();
      // The 503 the flaky route throws on purpose would be logged as an unexpected error.
      app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
      await app.init();
      fixture = app.get(IdempotencyFixtureController);
    });

    afterAll(async () => {
      await app.close();
    });

    it('should refuse a key from an anonymous caller with 400 IDEMPOTENCY.NO_PRINCIPAL', async () => {
      const res = await http()
        .post('/idempotency-fixture/anonymous')
        .set('Idempotency-Key', randomUUID())
        .send({ tag: 'anonymous' })
        .expect(400);
      expectError(res.body, 'IDEMPOTENCY.NO_PRINCIPAL', 400);
      expect(fixture.runs.get('anonymous')).toBeUndefined();
      // Without a key the route works as usual.
      await http().post('/idempotency-fixture/anonymous').send({ tag: 'anonymous' }).expect(201);
    });

    it('should require a key where the route says so, and scope it by a custom principal', async () => {
      const missing = await http()
        .post('/idempotency-fixture/tenant')
        .set('X-Tenant', 'tenant:a')
        .send({ tag: 'tenant' })
        .expect(400);
      expectError(missing.body, 'IDEMPOTENCY.KEY_REQUIRED', 400);

      const key = randomUUID();
      const send = (tenant: string) =>
        http()
          .post('/idempotency-fixture/tenant')
          .set('X-Tenant', tenant)
          .set('Idempotency-Key', key)
          .send({ tag: 'tenant' })
          .expect(200);
      expect((await send('tenant:a')).body).toEqual({ run: 1, key });
      const replay = await send('tenant:a');
      expect(replay.body).toEqual({ run: 1, key });
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect((await send('tenant:b')).body).toEqual({ run: 2, key });
    });

    it('should release the key after a 5xx so that the retry runs again', async () => {
      const key = randomUUID();
      const send = () =>
        http()
          .post('/idempotency-fixture/flaky')
          .set('X-Tenant', 'tenant:flaky')
          .set('Idempotency-Key', key)
          .send({ tag: 'flaky' });
      await send().expect(503);
      const retried = await send().expect(201);
      expect(retried.body).toEqual({ run: 2 });
      expect(retried.headers['idempotent-replayed']).toBeUndefined();
      const replayed = await send().expect(201);
      expect(replayed.body).toEqual({ run: 2 });
      expect(replayed.headers['idempotent-replayed']).toBe('true');
    });
  });
});
