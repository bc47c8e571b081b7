import { InvalidIdempotencyKeyError } from './idempotency.errors';
import { canonicalJson, parseIdempotencyKey, requestFingerprint } from './idempotency-request';

describe('idempotency-request', () => {
  describe(parseIdempotencyKey.name, () => {
    it('should treat a missing header as no key', () => {
      expect(parseIdempotencyKey(undefined)).toBeUndefined();
    });

    it.each([
      ['a UUID', '5f0c6a53-3f5e-4a4b-9c36-0c8d2f7f2d1e'],
      ['one character', 'x'],
      ['255 characters', 'k'.repeat(255)],
      ['spaces and punctuation inside', 'order 42/retry#1 ~!'],
    ])('should accept %s', (_, key) => {
      expect(parseIdempotencyKey(key)).toBe(key);
    });

    it.each([
      ['an empty value', ''],
      ['256 characters', 'k'.repeat(256)],
      ['a non-ASCII character', 'café'],
      ['a control character', 'a\tb'],
      ['DEL', 'a\x7fb'],
      ['a repeated header', ['a', 'b']],
    ])('should refuse %s', (_, key) => {
      expect(() => parseIdempotencyKey(key)).toThrow(InvalidIdempotencyKeyError);
    });

    it('should report the error in the common shape with a stable code', () => {
      const error = new InvalidIdempotencyKeyError();
      expect(error).toMatchObject({
        code: 'IDEMPOTENCY.INVALID_KEY',
        details: { 'Idempotency-Key': ['must be 1 to 255 printable ASCII characters'] },
      });
    });
  });

  describe(canonicalJson.name, () => {
    it('should sort object keys at every level and keep array order', () => {
      expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
        '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
      );
    });

    it('should render a missing body as null', () => {
      expect(canonicalJson(undefined)).toBe('null');
    });
  });

  describe(requestFingerprint.name, () => {
    const body = { article: { title: 't', body: 'b', tagList: ['x', 'y'] } };
    const base = requestFingerprint('POST', '/api/v1/articles', body);

    it('should be a sha256 hex digest', () => {
      expect(base).toMatch(/^[0-9a-f]{64}$/);
    });

    it('should not depend on the order of object keys', () => {
      const reordered = { article: { tagList: ['x', 'y'], body: 'b', title: 't' } };
      expect(requestFingerprint('post', '/api/v1/articles', reordered)).toBe(base);
    });

    it.each([
      ['the method', () => requestFingerprint('PUT', '/api/v1/articles', body)],
      ['the path', () => requestFingerprint('POST', '/api/v1/articles/x', body)],
      ['the query string', () => requestFingerprint('POST', '/api/v1/articles?draft=1', body)],
      [
        'a body value',
        () => requestFingerprint('POST', '/api/v1/articles', { article: { title: 'u' } }),
      ],
      [
        'the order of an array',
        () =>
          requestFingerprint('POST', '/api/v1/articles', {
            article: { title: 't', body: 'b', tagList: ['y', 'x'] },
          }),
      ],
    ])('should change with %s', (_, other) => {
      expect(other()).not.toBe(base);
    });

    it('should tell a missing body from an empty object', () => {
      expect(requestFingerprint('POST', '/x', undefined)).not.toBe(
        requestFingerprint('POST', '/x', {}),
      );
    });
  });
});
