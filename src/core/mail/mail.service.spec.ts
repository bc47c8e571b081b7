import { Logger } from '@nestjs/common';
import { MailService, stableMessageId } from './mail.service';
import type { AppConfig, MailConfig } from '@/config';

describe('stableMessageId', () => {
  it('should give one mail the same id on every send, and different mails different ids', () => {
    const from = 'Stoa <no-reply@shop.example>';
    const id = stableMessageId('order-receipt:1', from);
    expect(id).toMatch(/^<[A-Za-z0-9_-]{32}@shop\.example>$/);
    expect(stableMessageId('order-receipt:1', from)).toBe(id);
    expect(stableMessageId('order-receipt:2', from)).not.toBe(id);
  });

  it('should take the domain from a bare sender address too, and never put the key in the header', () => {
    const id = stableMessageId('welcome:secret-user-id', 'no-reply@example.org');
    expect(id).toMatch(/@example\.org>$/);
    expect(id).not.toContain('secret-user-id');
  });
});

describe('MailService without a transport', () => {
  const service = new MailService(
    { from: 'Stoa <no-reply@stoa.local>' } as MailConfig,
    { publicUrl: 'http://localhost:3000' } as AppConfig,
  );

  beforeAll(() => jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  it('should answer the stable Message-ID of a keyed mail', async () => {
    const mail = { to: 'a@example.org', template: 'welcome', context: { username: 'ada' } };
    const id = await service.send({ ...mail, key: 'welcome:1' });
    expect(id).toBe(stableMessageId('welcome:1', 'Stoa <no-reply@stoa.local>'));
    expect(await service.send({ ...mail, key: 'welcome:1' })).toBe(id);
  });
});
