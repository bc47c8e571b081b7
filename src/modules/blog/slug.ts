import { randomBytes } from 'node:crypto';

/**
 * A URL slug from a title: lower-case ASCII words joined by dashes, plus a short random suffix
 * so two articles with one title never collide (the unique index is the final guard).
 */
export function slugify(title: string): string {
  const base = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 200)
    .replace(/-+$/, '');
  return `${base || 'article'}-${randomBytes(4).toString('hex')}`;
}
