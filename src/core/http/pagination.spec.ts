import { ValidationFailedError } from './domain-error';
import { decodeCursor, encodeCursor, sortWhitelist } from './pagination.dto';

describe('pagination helpers', () => {
  describe(sortWhitelist.name, () => {
    const sort = sortWhitelist({ createdAt: 'u.created_at', username: 'u.username' });

    it('should list ascending and descending values', () => {
      expect(sort.values).toEqual(['createdAt', '-createdAt', 'username', '-username']);
    });

    it('should map a public field to its SQL column and direction', () => {
      expect(sort.parse('-createdAt')).toEqual({ column: 'u.created_at', direction: 'DESC' });
      expect(sort.parse('username')).toEqual({ column: 'u.username', direction: 'ASC' });
    });

    it('should refuse anything not whitelisted', () => {
      expect(() => sort.parse('password_hash; DROP TABLE users')).toThrow(ValidationFailedError);
    });
  });

  describe('cursors', () => {
    it('should round-trip and reject garbage', () => {
      const cursor = encodeCursor({ createdAt: '2026-11-25T00:00:00.000Z', id: 'a' });
      expect(decodeCursor(cursor)).toEqual({ createdAt: '2026-11-25T00:00:00.000Z', id: 'a' });
      expect(decodeCursor('not-base64-json')).toBeUndefined();
    });
  });
});
