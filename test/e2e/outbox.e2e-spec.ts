import { randomUUID } from 'node:crypto';
import { OutboxRelay } from '@/core/outbox/outbox.relay';
import { NotificationsService } from '@/modules/notifications';
import { makeUser, registerUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

async function waitFor(probe: () => Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Transactional outbox (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(); // API only: nothing publishes until a worker starts
  });

  afterAll(async () => {
    await t.close();
  });

  const pending = async () =>
    Number(
      (
        await t.dataSource.query<{ n: string }[]>(
          'SELECT count(*) AS n FROM outbox WHERE published_at IS NULL',
        )
      )[0].n,
    );

  it('should write the event with the account, and nothing when the registration fails', async () => {
    const before = await pending();
    const u = await registerUser(t);
    expect(await pending()).toBe(before + 1);
    const [row] = await t.dataSource.query<{ topic: string; payload: { userId: string } }[]>(
      'SELECT topic, payload FROM outbox ORDER BY id DESC LIMIT 1',
    );
    expect(row.topic).toBe('users.registered');
    const [user] = await t.dataSource.query<{ id: string }[]>(
      'SELECT id FROM users WHERE email = $1',
      [u.email],
    );
    expect(row.payload).toEqual({ userId: user.id });

    // A duplicate email rolls the whole transaction back: no account, no session, no event.
    await t
      .http()
      .post('/api/v1/users')
      .send({ user: makeUser({ email: u.email }) })
      .expect(409);
    expect(await pending()).toBe(before + 1);
  });

  it('should publish what the API committed once a worker runs, retrying a failed subscriber', async () => {
    // The message from the previous test was committed while no worker ran (as after a crash).
    expect(await pending()).toBeGreaterThan(0);
    const worker = await t.startWorker();
    await waitFor(async () => (await pending()) === 0, 'backlog published at worker start');

    // Now the subscriber fails once (say Redis is briefly away): the message stays pending with
    // its attempt counted, and the next round publishes it.
    jest
      .spyOn(worker.get(NotificationsService), 'enqueueWelcome')
      .mockRejectedValueOnce(new Error('queue backend unavailable'));
    const u = await registerUser(t);
    const attemptsOf = async () =>
      (
        await t.dataSource.query<{ attempts: number; published: boolean }[]>(
          `SELECT attempts, published_at IS NOT NULL AS published FROM outbox
            WHERE payload->>'userId' = (SELECT id::text FROM users WHERE email = $1)`,
          [u.email],
        )
      )[0];
    await waitFor(async () => (await attemptsOf()).attempts === 1, 'a failed attempt');
    worker.get(OutboxRelay).kick();
    await waitFor(async () => (await attemptsOf()).published, 'the retry');
    await waitFor(
      async () =>
        (
          await t.dataSource.query<unknown[]>(
            "SELECT 1 FROM mail_deliveries WHERE recipient = $1 AND status = 'sent'",
            [u.email],
          )
        ).length === 1,
      'the welcome mail',
    );
  });

  it('should let two relays share a backlog without publishing any message twice', async () => {
    const w1 = await t.startWorker();
    const w2 = await t.startWorker();
    const calls: string[] = [];
    for (const w of [w1, w2]) {
      jest
        .spyOn(w.get(NotificationsService), 'enqueueWelcome')
        .mockImplementation((userId: string) => Promise.resolve(void calls.push(userId)));
    }
    const ids: string[] = Array.from({ length: 300 }, () => randomUUID());
    await t.dataSource.query(
      `INSERT INTO outbox (topic, payload)
       SELECT 'users.registered', jsonb_build_object('userId', id) FROM unnest($1::uuid[]) AS id`,
      [ids],
    );
    await Promise.all([w1.get(OutboxRelay).drain(), w2.get(OutboxRelay).drain()]);
    await waitFor(async () => (await pending()) === 0, 'backlog drained');
    expect(calls.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
  });
});
