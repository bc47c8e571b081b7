import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { KeyValueStore, StoreUnavailableError } from './key-value.store';

/** How long a generation lives; longer than any entry, so entries are not orphaned early. */
const GENERATION_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_ENTRY_TTL_MS = 60 * 60 * 1000;

interface Entry<T> {
  /** The generation the value was loaded under. */
  g: string;
  v: T;
}

const generationKey = (key: string) => `cache:${key}#gen`;
const entryKey = (key: string) => `cache:${key}`;
// randomUUID draws from a pooled CSPRNG buffer; randomBytes would make a call per generation.
const newGeneration = () => randomUUID();

/**
 * A read-through cache in the shared store (Redis, or memory without it) whose invalidation
 * cannot lose a race against a slow reader.
 *
 * The classic "delete the key after the write" loses this one: a reader loads the old row, the
 * writer commits and deletes the key, then the reader stores what it loaded — stale until the
 * TTL. Here every key has a *generation* (a random token) and every entry records the generation
 * it was loaded under; an entry counts only while its generation is current. The reader fixes
 * the generation *before* it loads, and invalidating replaces the generation, so whatever a slow
 * reader stores afterwards is already dead. A generation that expired or was evicted is replaced
 * by a fresh token (never reused), so no old entry can become valid again.
 *
 * A hit costs one round trip (MGET of generation and entry). The store being down never fails a
 * read (the loader answers); an invalidation that cannot reach the store is logged, and entries
 * then age out within their TTL.
 */
@Injectable()
export class ReadThroughCache {
  private readonly logger = new Logger(ReadThroughCache.name);

  constructor(private readonly store: KeyValueStore) {}

  async get<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    if (ttlMs > MAX_ENTRY_TTL_MS) throw new Error(`cache TTL above ${MAX_ENTRY_TTL_MS} ms`);
    let generation: string | null;
    let cached: string | null;
    try {
      [generation, cached] = await this.store.getMany([generationKey(key), entryKey(key)]);
      generation ??= await this.claimGeneration(key);
    } catch (error) {
      if (error instanceof StoreUnavailableError) return load();
      throw error;
    }
    if (cached !== null && generation !== null) {
      const entry = JSON.parse(cached) as Entry<T>;
      if (entry.g === generation) return entry.v;
    }
    const value = await load();
    if (generation !== null) {
      const entry: Entry<T> = { g: generation, v: value };
      await this.store.set(entryKey(key), JSON.stringify(entry), ttlMs).catch(this.unreachable);
    }
    return value;
  }

  /** Makes every cached value of these keys stale. Call it after the write has committed. */
  async invalidate(...keys: string[]): Promise<void> {
    await Promise.all(
      keys.map((key) =>
        this.store
          .set(generationKey(key), newGeneration(), GENERATION_TTL_MS)
          .catch(this.unreachable),
      ),
    );
  }

  /** Starts a generation for a key that has none; `null` if it vanished again (do not cache). */
  private async claimGeneration(key: string): Promise<string | null> {
    const mine = newGeneration();
    if (await this.store.setIfAbsent(generationKey(key), mine, GENERATION_TTL_MS)) return mine;
    return this.store.get(generationKey(key));
  }

  private readonly unreachable = (error: unknown): void => {
    if (!(error instanceof StoreUnavailableError)) throw error;
    this.logger.warn('cache store unreachable; cached values age out within their TTL');
  };
}
