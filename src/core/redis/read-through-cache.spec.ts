import { Logger } from '@nestjs/common';
import { MemoryKeyValueStore, StoreUnavailableError } from './key-value.store';
import { ReadThroughCache } from './read-through-cache';

describe(ReadThroughCache.name, () => {
  let store: MemoryKeyValueStore;
  let cache: ReadThroughCache;
  let row: string;
  let loads: number;
  const load = () => {
    loads += 1;
    return Promise.resolve(row);
  };

  beforeEach(() => {
    store = new MemoryKeyValueStore();
    cache = new ReadThroughCache(store);
    row = 'v1';
    loads = 0;
  });

  it('should load once and then answer from the store', async () => {
    expect(await cache.get('k', 60_000, load)).toBe('v1');
    expect(await cache.get('k', 60_000, load)).toBe('v1');
    expect(loads).toBe(1);
  });

  it('should cache null and other JSON values as they are', async () => {
    const value = { n: 1, nothing: null, list: ['a'] };
    expect(await cache.get('k', 60_000, () => Promise.resolve(value))).toEqual(value);
    expect(await cache.get('k', 60_000, () => Promise.reject(new Error('not called')))).toEqual(
      value,
    );
    expect(await cache.get('none', 60_000, () => Promise.resolve(null))).toBeNull();
    expect(await cache.get('none', 60_000, () => Promise.resolve('loaded'))).toBeNull();
  });

  it('should show a write on the next read after invalidation', async () => {
    await cache.get('k', 60_000, load);
    row = 'v2';
    await cache.invalidate('k');
    expect(await cache.get('k', 60_000, load)).toBe('v2');
  });

  it('should not let a slow reader store a value loaded before the write', async () => {
    await cache.invalidate('k');
    let release!: () => void;
    const slow = cache.get('k', 60_000, async () => {
      const before = row; // the reader sees the old row...
      await new Promise<void>((resolve) => (release = resolve));
      return before; // ...and only stores it after the writer has committed and invalidated
    });
    await new Promise((resolve) => setImmediate(resolve));
    row = 'v2';
    await cache.invalidate('k');
    release();
    expect(await slow).toBe('v1');
    expect(await cache.get('k', 60_000, load)).toBe('v2');
  });

  it('should never revive an old entry when the generation is lost', async () => {
    await cache.get('k', 60_000, load);
    await store.del('cache:k#gen'); // expired or evicted
    row = 'v2';
    expect(await cache.get('k', 60_000, load)).toBe('v2');
  });

  it('should fall back to the loader while the store is down', async () => {
    jest.spyOn(store, 'getMany').mockRejectedValue(new StoreUnavailableError());
    jest.spyOn(store, 'set').mockRejectedValue(new StoreUnavailableError());
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    expect(await cache.get('k', 60_000, load)).toBe('v1');
    await expect(cache.invalidate('k')).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});
