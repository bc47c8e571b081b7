import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { OUTBOX_CHANNEL } from '@/core/outbox/outbox.service';
import { BlogEvent } from './blog.events';
import { Article } from './entities/article.entity';
import { Comment } from './entities/comment.entity';
import { isoTimestamp } from '@/core/database/sql';

export interface RevisionRow {
  version: number;
  changedFields: string[];
  title: string;
  description: string;
  body: string;
  tagList: string[];
  status: string;
  editor: string | null;
  createdAt: string;
}

export interface ReportRow {
  id: number;
  reason: string;
  reporter: string;
  commentId: number;
  commentBody: string;
  commentAuthor: string;
  articleSlug: string;
  createdAt: string;
}

export interface CommentRow {
  id: number;
  body: string;
  createdAt: string;
  updatedAt: string;
  author: { username: string; bio: string | null; image: string | null; following: boolean };
}

/** Writes of the blog aggregate (articles with their tags, favorites, comments), and tag reads. */
@Injectable()
export class BlogWritesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  findById(id: string): Promise<Article | null> {
    return this.dataSource.manager.findOneBy(Article, { id });
  }

  findBySlug(slug: string, manager?: EntityManager): Promise<Article | null> {
    return this.m(manager).findOneBy(Article, { slug });
  }

  async insertArticle(
    manager: EntityManager,
    data: Pick<
      Article,
      | 'slug'
      | 'title'
      | 'description'
      | 'body'
      | 'bodyHtml'
      | 'authorId'
      | 'status'
      | 'publishAt'
      | 'publishedAt'
    >,
  ): Promise<Article> {
    const repo = manager.getRepository(Article);
    return repo.save(repo.create(data));
  }

  /**
   * Applies changes if the article is still at `expectedVersion` (when given); returns false
   * when someone else saved in between. Always bumps version and updated_at (tags count too).
   */
  async updateArticle(
    manager: EntityManager,
    id: string,
    changes: Partial<
      Pick<
        Article,
        | 'slug'
        | 'title'
        | 'description'
        | 'body'
        | 'bodyHtml'
        | 'status'
        | 'publishAt'
        | 'publishedAt'
      >
    >,
    expectedVersion?: number,
  ): Promise<boolean> {
    const qb = manager
      .getRepository(Article)
      .createQueryBuilder()
      .update()
      .set({ ...changes, updatedAt: () => 'now()', version: () => 'version + 1' })
      .where('id = :id', { id });
    if (expectedVersion !== undefined)
      qb.andWhere('version = :expectedVersion', { expectedVersion });
    return ((await qb.execute()).affected ?? 0) > 0;
  }

  /**
   * Publishes a scheduled article if it is still scheduled for exactly `publishAt` (a
   * rescheduled or unscheduled article ignores the stale job). Idempotent.
   */
  async publishIfDue(articleId: string, publishAt: Date): Promise<string | undefined> {
    const [slug] = await this.publishWhere(
      `id = $1 AND status = 'scheduled' AND publish_at = $2 AND publish_at <= now() + interval '1 second'`,
      [articleId, publishAt],
    );
    return slug;
  }

  /** Publishes every scheduled article that is due (the sweep behind the delayed jobs). */
  publishAllDue(): Promise<string[]> {
    return this.publishWhere(`status = 'scheduled' AND publish_at <= now()`, []);
  }

  /**
   * One statement: publish the matching articles and write their `blog.articlePublished`
   * outbox messages, so a publication is never without its announcement (or the reverse).
   * Returns the slugs published.
   */
  private async publishWhere(condition: string, params: unknown[]): Promise<string[]> {
    const rows = await this.dataSource.query<{ slug: string }[]>(
      `WITH published AS (
         UPDATE articles SET status = 'published', published_at = now(), publish_at = NULL,
                version = version + 1, updated_at = now()
         WHERE ${condition}
         RETURNING id, slug, author_id
       ), announced AS (
         INSERT INTO outbox (topic, payload)
         SELECT '${BlogEvent.ArticlePublished}', jsonb_build_object('articleId', id, 'authorId', author_id)
         FROM published
       )
       SELECT slug FROM published`,
      params,
    );
    if (rows.length)
      await this.dataSource.query('SELECT pg_notify($1, $2)', [
        OUTBOX_CHANNEL,
        BlogEvent.ArticlePublished,
      ]);
    return rows.map((r) => r.slug);
  }

  /** Snapshots the article as it is now in `manager`'s transaction, as a revision. */
  async recordRevision(
    manager: EntityManager,
    articleId: string,
    editorId: string,
    changedFields: readonly string[],
  ): Promise<void> {
    await manager.query(
      `INSERT INTO article_revisions
         (article_id, version, editor_id, changed_fields, title, description, body, tag_list, status)
       SELECT a.id, a.version, $2, $3::text[], a.title, a.description, a.body,
              coalesce((SELECT array_agg(t.name ORDER BY t.name) FROM article_tags at
                        JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id), '{}'),
              a.status
       FROM articles a WHERE a.id = $1`,
      [articleId, editorId, changedFields],
    );
  }

  /** An article's revisions, newest first, with the editor's username. */
  listRevisions(articleId: string): Promise<RevisionRow[]> {
    return this.dataSource.query<RevisionRow[]>(
      `SELECT r.version, r.changed_fields AS "changedFields", r.title, r.description, r.body,
              r.tag_list AS "tagList", r.status, u.username AS editor,
              ${isoTimestamp('r.created_at')} AS "createdAt"
       FROM article_revisions r LEFT JOIN users u ON u.id = r.editor_id
       WHERE r.article_id = $1 ORDER BY r.version DESC LIMIT 100`,
      [articleId],
    );
  }

  /** Keeps a replaced slug pointing at its article (slug history). */
  async recordOldSlug(manager: EntityManager, articleId: string, slug: string): Promise<void> {
    await manager.query(
      'INSERT INTO article_slugs (slug, article_id) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING',
      [slug, articleId],
    );
  }

  /** The current slug of the article that once had `slug`, if any. */
  async currentSlugFor(slug: string): Promise<string | undefined> {
    const [row] = await this.dataSource.query<{ slug: string }[]>(
      'SELECT a.slug FROM article_slugs s JOIN articles a ON a.id = s.article_id WHERE s.slug = $1',
      [slug],
    );
    return row?.slug;
  }

  /** Slugs of every article by this author (to refresh cached copies of their profile). */
  async slugsByAuthor(authorId: string): Promise<string[]> {
    const rows = await this.dataSource.query<{ slug: string }[]>(
      'SELECT slug FROM articles WHERE author_id = $1',
      [authorId],
    );
    return rows.map((r) => r.slug);
  }

  async deleteArticle(id: string): Promise<void> {
    await this.dataSource.manager.delete(Article, { id });
  }

  /** Replaces the article's tags: creates missing tags, links exactly `names`. */
  async setTags(
    manager: EntityManager,
    articleId: string,
    names: readonly string[],
  ): Promise<void> {
    await manager.query('DELETE FROM article_tags WHERE article_id = $1', [articleId]);
    if (!names.length) return;
    await manager.query(
      'INSERT INTO tags (name) SELECT DISTINCT unnest($1::text[]) ON CONFLICT (name) DO NOTHING',
      [names],
    );
    await manager.query(
      `INSERT INTO article_tags (article_id, tag_id)
       SELECT $1, id FROM tags WHERE name = ANY($2::text[]) ON CONFLICT DO NOTHING`,
      [articleId, names],
    );
  }

  async sitemapEntries(limit: number): Promise<{ slug: string; updatedAt: string }[]> {
    return this.dataSource.query(
      `SELECT slug, ${isoTimestamp('updated_at')} AS "updatedAt"
       FROM articles WHERE status = 'published' ORDER BY updated_at DESC LIMIT $1`,
      [limit],
    );
  }

  /** Tags in use, most used first (then by name). */
  async listTags(limit = 100): Promise<string[]> {
    const rows = await this.dataSource.query<{ name: string }[]>(
      `SELECT t.name FROM tags t JOIN article_tags at ON at.tag_id = t.id
       JOIN articles a ON a.id = at.article_id AND a.status = 'published'
       GROUP BY t.id, t.name ORDER BY count(*) DESC, t.name LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.name);
  }

  async favorite(userId: string, articleId: string): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO favorites (user_id, article_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [userId, articleId],
    );
  }

  async unfavorite(userId: string, articleId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM favorites WHERE user_id = $1 AND article_id = $2', [
      userId,
      articleId,
    ]);
  }

  async insertComment(articleId: string, authorId: string, body: string): Promise<number> {
    const repo = this.dataSource.getRepository(Comment);
    return (await repo.save(repo.create({ articleId, authorId, body }))).id;
  }

  findComment(id: number): Promise<Comment | null> {
    return this.dataSource.manager.findOneBy(Comment, { id });
  }

  async hideComment(id: number): Promise<void> {
    await this.dataSource.query(
      'UPDATE comments SET hidden_at = now() WHERE id = $1 AND hidden_at IS NULL',
      [id],
    );
  }

  /** Idempotent per reader and comment. */
  async reportComment(commentId: number, reporterId: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO comment_reports (comment_id, reporter_id, reason) VALUES ($1, $2, $3)
       ON CONFLICT (comment_id, reporter_id) DO NOTHING`,
      [commentId, reporterId, reason],
    );
  }

  /** Reports of still-visible comments, newest first, with enough context to act on. */
  listReports(limit: number, offset: number): Promise<ReportRow[]> {
    return this.dataSource.query<ReportRow[]>(
      `SELECT r.id, r.reason, ru.username AS reporter, c.id AS "commentId", c.body AS "commentBody",
              cu.username AS "commentAuthor", a.slug AS "articleSlug",
              ${isoTimestamp('r.created_at')} AS "createdAt"
       FROM comment_reports r
       JOIN comments c ON c.id = r.comment_id AND c.hidden_at IS NULL
       JOIN articles a ON a.id = c.article_id
       JOIN users ru ON ru.id = r.reporter_id
       JOIN users cu ON cu.id = c.author_id
       ORDER BY r.created_at DESC, r.id DESC LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
  }

  async deleteComment(id: number): Promise<void> {
    await this.dataSource.manager.delete(Comment, { id });
  }

  /** An article's comments (or one of them), oldest first, authors relative to the viewer. */
  async listComments(
    articleId: string,
    viewerId?: string,
    commentId?: number,
  ): Promise<CommentRow[]> {
    return this.dataSource.query<CommentRow[]>(
      `SELECT c.id, c.body,
              ${isoTimestamp('c.created_at')} AS "createdAt",
              ${isoTimestamp('c.updated_at')} AS "updatedAt",
              json_build_object(
                'username', u.username, 'bio', u.bio, 'image', u.image,
                'following', EXISTS (SELECT 1 FROM follows f
                                     WHERE f.followee_id = c.author_id AND f.follower_id = $2::uuid)
              ) AS author
       FROM comments c JOIN users u ON u.id = c.author_id
       WHERE c.article_id = $1 AND c.hidden_at IS NULL AND ($3::int IS NULL OR c.id = $3::int)
       ORDER BY c.created_at, c.id
       LIMIT 500`,
      [articleId, viewerId ?? null, commentId ?? null],
    );
  }
}
