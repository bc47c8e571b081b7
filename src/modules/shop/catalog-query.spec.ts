import { ValidationFailedError } from '@/core/http/domain-error';
import { encodeCursor } from '@/core/http/pagination.dto';
import { decodeProductCursor, encodeProductCursor, slugOf, toCriteria } from './catalog-query';
import type { ProductCursor } from './catalog.repository';
import type { ProductSort } from './dto/catalog-fields';

const ID = '3f1c2a9e-7b7d-4c59-9f0e-2b6f1d3c4a5b';

describe('catalog-query', () => {
  describe('toCriteria', () => {
    it('should sort by relevance with a search and by newest without', () => {
      expect(toCriteria({ q: 'tee' }).sort).toBe('relevance');
      expect(toCriteria({}).sort).toBe('newest');
      expect(toCriteria({ q: 'tee', sort: 'price_asc' }).sort).toBe('price_asc');
    });

    it('should refuse relevance without a search and an inverted price range', () => {
      expect(() => toCriteria({ sort: 'relevance' })).toThrow(ValidationFailedError);
      expect(() => toCriteria({ priceMin: 500, priceMax: 100 })).toThrow(ValidationFailedError);
      expect(toCriteria({ priceMin: 100, priceMax: 100 })).toMatchObject({
        priceMin: 100,
        priceMax: 100,
      });
    });

    it('should group option values by name (either value) without repeats', () => {
      const { options } = toCriteria({
        options: [
          { name: 'size', value: 'M' },
          { name: 'colour', value: 'red' },
          { name: 'size', value: 'L' },
          { name: 'size', value: 'M' },
        ],
      });
      expect(options).toEqual({ size: ['M', 'L'], colour: ['red'] });
    });
  });

  describe('product cursors', () => {
    it.each<ProductCursor>([
      { sort: 'newest', key: '2026-11-25T16:57:52.123456Z', id: ID },
      { sort: 'price_asc', key: 1999, id: ID },
      { sort: 'price_desc', key: null, id: ID },
      { sort: 'relevance', key: 0.0607927, id: ID },
    ])('should round-trip a $sort cursor', (cursor) => {
      const encoded = encodeProductCursor(cursor);
      expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeProductCursor(encoded, cursor.sort)).toEqual(cursor);
    });

    it('should refuse a cursor made for another sort', () => {
      const cursor = encodeProductCursor({ sort: 'price_asc', key: 100, id: ID });
      expect(() => decodeProductCursor(cursor, 'price_desc')).toThrow(ValidationFailedError);
    });

    it.each<[string, ProductSort, string]>([
      ['garbage', 'newest', 'not json at all'],
      [
        'a bad id',
        'newest',
        encodeCursor({ sort: 'newest', key: '2026-11-25T00:00:00Z', id: "1' OR 1=1" }),
      ],
      ['a bad time', 'newest', encodeCursor({ sort: 'newest', key: 'yesterday', id: ID })],
      ['a fractional price', 'price_asc', encodeCursor({ sort: 'price_asc', key: 19.5, id: ID })],
      ['a textual price', 'price_asc', encodeCursor({ sort: 'price_asc', key: '100', id: ID })],
      ['a textual rank', 'relevance', encodeCursor({ sort: 'relevance', key: '0.1', id: ID })],
      // JavaScript's Date.parse takes these; PostgreSQL does not (they were 500s).
      ['a bare number as time', 'newest', encodeCursor({ sort: 'newest', key: '1', id: ID })],
      ['a prose date', 'newest', encodeCursor({ sort: 'newest', key: 'March 7', id: ID })],
      [
        'a day that does not exist',
        'newest',
        encodeCursor({ sort: 'newest', key: '2024-02-30T00:00:00.000000Z', id: ID }),
      ],
      [
        'a six-digit year',
        'newest',
        encodeCursor({ sort: 'newest', key: '+275760-09-13T00:00:00.000Z', id: ID }),
      ],
      ['a rank past float4', 'relevance', encodeCursor({ sort: 'relevance', key: 1e308, id: ID })],
      ['a negative rank', 'relevance', encodeCursor({ sort: 'relevance', key: -1, id: ID })],
    ])('should refuse %s', (_what, sort, cursor) => {
      expect(() => decodeProductCursor(cursor, sort)).toThrow(ValidationFailedError);
    });
  });

  describe('slugOf', () => {
    it('should make lower-case ASCII words joined by dashes', () => {
      expect(slugOf('Crème brûlée — 2 × Tasse!', 'product')).toBe('creme-brulee-2-tasse');
      expect(slugOf('!!!', 'product')).toBe('product');
      expect(slugOf('a'.repeat(300), 'product', 140)).toHaveLength(140);
    });
  });
});
