import { MemoryKeyValueStore } from './key-value.store';

describe(MemoryKeyValueStore.name, () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-11-25T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('should expire values after their TTL', async () => {
    const store = new MemoryKeyValueStore();
    await store.set('k', 'v', 1_000);
    expect(await store.get('k')).toBe('v');
    jest.advanceTimersByTime(1_001);
    expect(await store.get('k')).toBeNull();
  });

  it('should count hits in a fixed window that starts with the first hit', async () => {
    const store = new MemoryKeyValueStore();
    expect(await store.hit('c', 1_000)).toEqual({ count: 1, ttlMs: 1_000 });
    jest.advanceTimersByTime(400);
    expect(await store.hit('c', 1_000)).toEqual({ count: 2, ttlMs: 600 });
    jest.advanceTimersByTime(601);
    expect((await store.hit('c', 1_000)).count).toBe(1);
  });
});
