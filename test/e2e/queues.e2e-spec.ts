import { getQueueToken } from '@nestjs/bullmq';
// The key @Processor() stores its options under (not re-exported by @nestjs/bullmq's index).
const PROCESSOR_METADATA = 'bullmq:processor_metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import { Role } from '@/core/auth/permissions';
import { MailService, type OutgoingMail } from '@/core/mail/mail.service';
import { MailJob, QueueName } from '@/core/queue/queue.constants';
import { SessionsCleanupTask, SessionsService } from '@/modules/auth';
import { KeyValueStore } from '@/core/redis/key-value.store';
import request from 'supertest';
import { NotificationsService } from '@/modules/notifications';
import { createUserWithRole, registerUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each([
  ['Redis', false],
  ['PostgreSQL', true],
])('Queues and worker on the %s backend (e2e)', (_backend, withoutRedis) => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let send: jest.SpyInstance;

  beforeAll(async () => {
    t = await createTestApp({ withoutRedis });
    worker = await t.startWorker();
    send = jest.spyOn(worker.get(MailService), 'send');
  });

  afterAll(async () => {
    await t.close();
  });

  const deliveries = (email: string) =>
    t.dataSource.query<{ status: string; attempts: number }[]>(
      'SELECT status, attempts FROM mail_deliveries WHERE recipient = $1',
      [email],
    );
  const userIdOf = async (email: string) =>
    (
      await t.dataSource.query<{ id: string }[]>('SELECT id FROM users WHERE email = $1', [email])
    )[0].id;
  const mailsTo = (email: string) =>
    send.mock.calls.map(([mail]) => mail as OutgoingMail).filter((mail) => mail.to === email);

  it('should have exactly one processor per queue in the worker role', () => {
    const processed = worker
      .get(DiscoveryService)
      .getProviders()
      .map((w) =>
        w.metatype
          ? (Reflect.getMetadata(PROCESSOR_METADATA, w.metatype) as { name: string } | undefined)
          : undefined,
      )
      .filter((meta) => meta !== undefined)
      .map((meta) => meta.name)
      .sort();
    expect(processed).toEqual(Object.values(QueueName).sort());
  });

  it('should send the welcome mail exactly once through a real worker, even when the job runs again', async () => {
    const u = await registerUser(t);
    await waitFor(
      async () => ((await deliveries(u.email))[0]?.status === 'sent' ? true : undefined),
      'welcome mail',
    );
    expect(mailsTo(u.email)).toEqual([
      {
        to: u.email,
        template: 'welcome',
        context: { username: u.username },
        key: expect.stringMatching(/^welcome:[0-9a-f-]{36}$/) as string,
      },
    ]);

    // A duplicate enqueue is deduplicated by job id; a second job (a redelivery) is a no-op.
    const userId = await userIdOf(u.email);
    await t.app.get(NotificationsService).enqueueWelcome(userId);
    const queue = t.app.get<Queue>(getQueueToken(QueueName.Mail));
    const again = await queue.add(
      MailJob.Welcome,
      { userId },
      { jobId: `welcome-${userId}-redelivery` },
    );
    await waitFor(
      async () => ((await queue.getJobState(again.id!)) === 'completed' ? true : undefined),
      'redelivered job',
    );
    expect(mailsTo(u.email)).toHaveLength(1);
    expect(await deliveries(u.email)).toEqual([{ status: 'sent', attempts: 1 }]);
  });

  it('should let concurrent runs of one mail job send once', async () => {
    const u = await registerUser(t);
    const userId = await userIdOf(u.email);
    const notifications = worker.get(NotificationsService);
    const outcomes = await Promise.all([
      notifications.sendWelcome(userId),
      notifications.sendWelcome(userId),
      notifications.sendWelcome(userId),
    ]);
    expect(outcomes.filter((o) => o === 'sent').length).toBeLessThanOrEqual(1);
    await waitFor(
      async () => ((await deliveries(u.email))[0]?.status === 'sent' ? true : undefined),
      'welcome mail',
    );
    expect(mailsTo(u.email)).toHaveLength(1);
  });

  it('should quietly skip a welcome job whose user is gone', async () => {
    const outcome = await worker
      .get(NotificationsService)
      .sendWelcome('00000000-0000-4000-8000-000000000000');
    expect(outcome).toBe('user-gone');
  });

  it('should delete stale sessions from cron, and skip while another worker holds the lock', async () => {
    const u = await registerUser(t);
    await t.dataSource.query(
      `INSERT INTO sessions (user_id, token_hash, last_used_at, expires_at)
       SELECT id, repeat('0', 64), now() - interval '20 days', now() - interval '10 days' FROM users WHERE email = $1`,
      [u.email],
    );
    const task = worker.get(SessionsCleanupTask);
    const other = new Client({ connectionString: t.db.url });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock(hashtext($1))', ['cron:sessions-cleanup']);
      expect(await task.run()).toEqual({ acquired: false, deleted: 0 });
      await other.query('SELECT pg_advisory_unlock(hashtext($1))', ['cron:sessions-cleanup']);
    } finally {
      await other.end();
    }
    expect(await task.run()).toEqual({ acquired: true, deleted: 1 });
    // The live session from registration is untouched.
    await t.http().get('/api/v1/user').set('Authorization', `Bearer ${u.token}`).expect(200);
  });

  it('should serve the queue dashboard to admins only', async () => {
    const admin = await createUserWithRole(t, Role.Admin);
    const customer = await createUserWithRole(t, Role.Customer);
    const page = await t
      .http()
      .get('/admin/queues')
      .set('Authorization', `Bearer ${admin.token}`)
      .expect(200);
    expect(page.text).toContain('<html');
    const api = await t
      .http()
      .get('/admin/queues/api/queues')
      .set('Authorization', `Bearer ${admin.token}`)
      .expect(200);
    expect(JSON.stringify(api.body)).toContain('"mail"');
    await t
      .http()
      .get('/admin/queues')
      .set('Authorization', `Bearer ${customer.token}`)
      .expect(403);
    await t.http().get('/admin/queues/api/queues').set('Accept', 'application/json').expect(401);
    const browser = await t.http().get('/admin/queues').set('Accept', 'text/html').expect(303);
    expect(browser.headers.location).toBe('/account/login?next=%2Fadmin%2Fqueues');
  });

  it('should re-check a cookie session on every dashboard request: role, revocation, origin', async () => {
    const boss = await createUserWithRole(t, Role.Admin);
    const admin = await createUserWithRole(t, Role.Admin);
    const browser = request.agent(t.app.getHttpServer());
    const form = await browser.get('/account/login').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    await browser
      .post('/account/login')
      .type('form')
      .send({ email: admin.email, password: admin.password, _csrf: csrf })
      .expect(303);
    await browser.get('/admin/queues/api/queues').expect(200);

    // Actions are refused from a foreign origin (CSRF), allowed from the dashboard itself.
    await browser
      .put('/admin/queues/api/queues/mail/pause')
      .set('Origin', 'https://evil.example')
      .expect(403);
    await browser
      .put('/admin/queues/api/queues/mail/pause')
      .set('Sec-Fetch-Site', 'same-origin')
      .expect(200);
    await browser
      .put('/admin/queues/api/queues/mail/resume')
      .set('Sec-Fetch-Site', 'same-origin')
      .expect(200);

    // Demoted: the cookie session loses the dashboard at once, the bearer token is stale.
    await t
      .http()
      .patch(`/api/v1/admin/users/${admin.id}/role`)
      .set('Authorization', `Bearer ${boss.token}`)
      .send({ role: 'customer' })
      .expect(200);
    await browser.get('/admin/queues/api/queues').expect(403);
    const stale = await t
      .http()
      .get('/admin/queues/api/queues')
      .set('Authorization', `Bearer ${admin.token}`)
      .expect(401);
    expect(stale.body).toMatchObject({ code: 'AUTH.TOKEN_STALE' });

    // Promoted back, then the session is revoked: even once the short-lived denylist entry has
    // expired (deleted here), the session row says no.
    await t
      .http()
      .patch(`/api/v1/admin/users/${admin.id}/role`)
      .set('Authorization', `Bearer ${boss.token}`)
      .send({ role: 'admin' })
      .expect(200);
    await browser.get('/admin/queues/api/queues').expect(200);
    const [row] = await t.dataSource.query<{ id: string }[]>(
      'SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1',
      [admin.id],
    );
    await t.app.get(SessionsService).revoke(admin.id, row.id);
    await t.app.get(KeyValueStore).del(`auth:revoked-session:${row.id}`);
    await browser.get('/admin/queues/api/queues').set('Accept', 'application/json').expect(401);
  });
});
