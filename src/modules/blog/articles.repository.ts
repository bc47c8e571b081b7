import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/** One article as every RealWorld response shows it, relative to a viewer. */
export interface ArticleRow {
  slug: string;
  title: string;
  description: string;
  body?: string;
  bodyHtml?: string;
  /** Single-article reads only: the edit version behind the ETag (not part of the JSON). */
  version?: number;
  tagList: string[];
  createdAt: string;
  updatedAt: string;
  favorited: boolean;
  favoritesCount: number;
  author: { username: string; bio: string | null; image: string | null; following: boolean };
}

export interface ArticleCriteria {
  /** Articles of this author (username, case-insensitive). */
  author?: string;
  tag?: string;
  /** Articles favorited by this user (username). */
  favoritedBy?: string;
  /** Articles by authors this user follows (the feed). */
  feedOf?: string;
  slug?: string;
  viewerId?: string;
  withBody: boolean;
  limit: number;
  offset: number;
}

const ISO_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * Article reads as one SQL statement each: the page of articles with author, `following`,
 * sorted tags, `favorited`, `favoritesCount` and the total before paging, built as JSON by
 * PostgreSQL. (Loading the same through ORM relations costs one query per relation and row.)
 */
@Injectable()
export class ArticlesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findPage(
    c: ArticleCriteria,
    manager?: EntityManager,
  ): Promise<{ articles: ArticleRow[]; total: number }> {
    const params: unknown[] = [];
    const p = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [];
    if (c.slug !== undefined) where.push(`a.slug = ${p(c.slug)}`);
    if (c.author !== undefined) {
      where.push(
        `a.author_id IN (SELECT id FROM users WHERE lower(username) = lower(${p(c.author)}))`,
      );
    }
    if (c.tag !== undefined) {
      where.push(`EXISTS (SELECT 1 FROM article_tags at JOIN tags t ON t.id = at.tag_id
                          WHERE at.article_id = a.id AND t.name = ${p(c.tag)})`);
    }
    if (c.favoritedBy !== undefined) {
      where.push(`EXISTS (SELECT 1 FROM favorites f JOIN users fu ON fu.id = f.user_id
                          WHERE f.article_id = a.id AND lower(fu.username) = lower(${p(c.favoritedBy)}))`);
    }
    if (c.feedOf !== undefined) {
      where.push(
        `a.author_id IN (SELECT followee_id FROM follows WHERE follower_id = ${p(c.feedOf)})`,
      );
    }
    const viewer = p(c.viewerId ?? null);
    const sql = `
      WITH filtered AS (
        SELECT a.id, a.created_at FROM articles a
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ), page AS (
        SELECT id FROM filtered ORDER BY created_at DESC, id DESC
        LIMIT ${p(c.limit)} OFFSET ${p(c.offset)}
      ), rows AS (
        SELECT
          a.id, a.slug, a.title, a.description, ${c.withBody ? 'a.body, a.body_html AS "bodyHtml", a.version,' : ''}
          to_char(a.created_at AT TIME ZONE 'UTC', ${ISO_MS}) AS "createdAt",
          to_char(a.updated_at AT TIME ZONE 'UTC', ${ISO_MS}) AS "updatedAt",
          coalesce((SELECT array_agg(t.name ORDER BY t.name) FROM article_tags at
                    JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id), '{}') AS "tagList",
          (SELECT count(*) FROM favorites f WHERE f.article_id = a.id)::int AS "favoritesCount",
          coalesce(EXISTS (SELECT 1 FROM favorites f
                           WHERE f.article_id = a.id AND f.user_id = ${viewer}::uuid), false) AS favorited,
          json_build_object(
            'username', u.username, 'bio', u.bio, 'image', u.image,
            'following', coalesce(EXISTS (SELECT 1 FROM follows fo WHERE fo.followee_id = a.author_id
                                          AND fo.follower_id = ${viewer}::uuid), false)
          ) AS author,
          a.created_at AS sort_at
        FROM page JOIN articles a ON a.id = page.id JOIN users u ON u.id = a.author_id
      )
      SELECT
        (SELECT count(*) FROM filtered)::int AS total,
        coalesce((SELECT json_agg(r ORDER BY r.sort_at DESC, r.id DESC) FROM rows r), '[]'::json) AS articles`;
    const [result] = await (manager ?? this.dataSource.manager).query<
      { total: number; articles: (ArticleRow & { id: string; sort_at: string })[] }[]
    >(sql, params);
    // The internal id and sort key only order the page; responses show the RealWorld fields.
    const articles = result.articles.map(({ sort_at: _sortAt, id: _id, ...row }) => row);
    return { articles, total: result.total };
  }
}
