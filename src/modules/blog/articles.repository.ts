import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { isoTimestamp } from '@/core/database/sql';

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
  /** `published` for everyone else; authors also see their `draft` and `scheduled` articles. */
  status: 'draft' | 'scheduled' | 'published';
  publishAt: string | null;
  /** Search results only: matching words in context, wrapped in `<mark>`. */
  snippet?: string;
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
  /**
   * Who sees what: `published` (everyone, the default), or one of the viewer's own
   * unpublished states. A single-article read also shows the viewer's own drafts.
   */
  status?: 'published' | 'draft' | 'scheduled';
  /** Single-article reads by someone allowed to edit it (a moderator): any status. */
  anyStatus?: boolean;
  /** Full-text query (web search syntax); results by rank with a highlighted snippet. */
  search?: string;
  viewerId?: string;
  withBody: boolean;
  limit: number;
  offset: number;
}

/** Control characters as highlight markers, so the snippet can be escaped before marking up. */
const MARK_START = '\u0001';
const MARK_END = '\u0002';

/** The snippet is raw article text: escape it all, then turn the markers into `<mark>`. */
function highlight(snippet: string): string {
  return snippet
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replaceAll(MARK_START, '<mark>')
    .replaceAll(MARK_END, '</mark>');
}

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
    const viewerParam = p(c.viewerId ?? null);
    if (c.status && c.status !== 'published') {
      where.push(`a.status = ${p(c.status)} AND a.author_id = ${viewerParam}::uuid`);
    } else if (c.slug !== undefined && c.anyStatus) {
      // no visibility filter: the caller was authorized for this very article
    } else if (c.slug !== undefined) {
      where.push(`(a.status = 'published' OR a.author_id = ${viewerParam}::uuid)`);
    } else {
      where.push(`a.status = 'published'`);
    }
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
    const search = c.search !== undefined ? p(c.search) : undefined;
    if (search) where.push(`a.search_vector @@ websearch_to_tsquery('english', ${search})`);
    if (c.feedOf !== undefined) {
      where.push(
        `a.author_id IN (SELECT followee_id FROM follows WHERE follower_id = ${p(c.feedOf)})`,
      );
    }
    const viewer = viewerParam;
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const rank = search
      ? `ts_rank(a.search_vector, websearch_to_tsquery('english', ${search}))`
      : '0';
    // The page and the total are separate scans of the same filter: ordered by an index column
    // alone, the page walks articles_status_created_at_idx (or the per-author one) and stops
    // after `limit` rows, and the count reads an index only. One shared CTE for both would be
    // materialized: every matching row copied and sorted on each request (EXPLAIN in the
    // module README).
    const sql = `
      WITH page AS (
        SELECT a.id, ${rank} AS rank FROM articles a ${filter}
        ORDER BY ${search ? 'rank DESC, ' : ''}a.created_at DESC, a.id DESC
        LIMIT ${p(c.limit)} OFFSET ${p(c.offset)}
      ), rows AS (
        SELECT
          a.id, a.slug, a.title, a.description, a.status,
          ${isoTimestamp('a.publish_at')} AS "publishAt", ${c.withBody ? 'a.body, a.body_html AS "bodyHtml", a.version,' : ''}
          ${isoTimestamp('a.created_at')} AS "createdAt",
          ${isoTimestamp('a.updated_at')} AS "updatedAt",
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
          ${
            search
              ? `ts_headline('english', a.title || ' — ' || a.description || ' — ' || a.body,
                             websearch_to_tsquery('english', ${search}),
                             'StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=30, MinWords=10, MaxFragments=2') AS snippet,`
              : ''
          }
          page.rank, a.created_at AS sort_at
        FROM page JOIN articles a ON a.id = page.id JOIN users u ON u.id = a.author_id
      )
      SELECT
        (SELECT count(*) FROM articles a ${filter})::int AS total,
        coalesce((SELECT json_agg(r ORDER BY r.rank DESC, r.sort_at DESC, r.id DESC) FROM rows r),
                 '[]'::json) AS articles`;
    const [result] = await (manager ?? this.dataSource.manager).query<
      { total: number; articles: (ArticleRow & { id: string; sort_at: string; rank: number })[] }[]
    >(sql, params);
    // The internal id and sort keys only order the page; responses show the RealWorld fields.
    const articles = result.articles.map(({ sort_at: _sortAt, id: _id, rank: _rank, ...row }) =>
      row.snippet === undefined ? row : { ...row, snippet: highlight(row.snippet) },
    );
    return { articles, total: result.total };
  }

  /**
   * The viewer-relative part of one article — `favorited` and `author.following` — which the
   * cached, viewer-independent copy leaves out. Two index probes; no row when the slug is unknown.
   */
  async viewerFlags(
    slug: string,
    viewerId: string,
  ): Promise<{ favorited: boolean; following: boolean }> {
    const [row] = await this.dataSource.query<{ favorited: boolean; following: boolean }[]>(
      `SELECT
         EXISTS (SELECT 1 FROM favorites f WHERE f.article_id = a.id AND f.user_id = $2) AS favorited,
         EXISTS (SELECT 1 FROM follows fo
                 WHERE fo.followee_id = a.author_id AND fo.follower_id = $2) AS following
       FROM articles a WHERE a.slug = $1`,
      [slug, viewerId],
    );
    return row ?? { favorited: false, following: false };
  }
}
