import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { ValidationFailedError } from '@/core/http/domain-error';
import { BlogJob, QueueName, type BlogJobPayloads } from '@/core/queue/queue.constants';
import { TransactionService } from '@/core/database/transaction.service';
import { ReadThroughCache } from '@/core/redis/read-through-cache';
import { OutboxService } from '@/core/outbox/outbox.service';
import type { EntityManager } from 'typeorm';
import { BlogEvent, type ArticlePublishedEvent } from './blog.events';
import { Permission, roleHasPermissions, type AuthUser } from '@/core/auth/permissions';
import { ArticlesRepository, type ArticleRow } from './articles.repository';
import {
  BlogWritesRepository,
  type CommentRow,
  type ReportRow,
  type RevisionRow,
} from './blog-writes.repository';
import {
  ArticleNotFoundError,
  CommentNotFoundError,
  NotTheAuthorError,
  StaleArticleError,
} from './blog.errors';
import type { Article } from './entities/article.entity';
import { MarkdownRenderer } from './markdown.renderer';
import { slugify } from './slug';

export interface ArticleInput {
  title: string;
  description: string;
  body: string;
  tagList?: string[];
  /** Omitted by RealWorld clients: articles are published at once. */
  status?: 'draft' | 'published';
  /** ISO time in the future: the article is scheduled and goes live then. */
  publishAt?: string;
}

type Publication = Pick<Article, 'status' | 'publishAt' | 'publishedAt'>;

/** The publication state an input asks for. */
function publication(input: Pick<ArticleInput, 'status' | 'publishAt'>): Publication {
  if (input.publishAt !== undefined) {
    const at = new Date(input.publishAt);
    if (Number.isNaN(at.getTime()) || at.getTime() <= Date.now()) {
      throw new ValidationFailedError({ publishAt: ['must be a time in the future'] });
    }
    return { status: 'scheduled', publishAt: at, publishedAt: null };
  }
  if (input.status === 'draft') return { status: 'draft', publishAt: null, publishedAt: null };
  return { status: 'published', publishAt: null, publishedAt: new Date() };
}

/** Tags in use, and single published articles as anyone sees them (viewer flags left out). */
const TAGS_CACHE_KEY = 'blog:tags';
const TAGS_TTL_MS = 60_000;
const articleKey = (slug: string) => `blog:article:${slug}`;
const ARTICLE_TTL_MS = 60_000;

const uniqueTags = (tags: readonly string[] = []) => [...new Set(tags.map((t) => t.trim()))].sort();

/** The RealWorld blog: articles, tags, favorites, comments, lists and the feed. */
@Injectable()
export class ArticlesService {
  constructor(
    private readonly reads: ArticlesRepository,
    private readonly writes: BlogWritesRepository,
    private readonly tx: TransactionService,
    private readonly markdown: MarkdownRenderer,
    private readonly cache: ReadThroughCache,
    private readonly outbox: OutboxService,
    @InjectQueue(QueueName.Blog)
    private readonly queue: Queue<BlogJobPayloads[BlogJob], void, BlogJob>,
  ) {}

  list(
    filter: {
      tag?: string;
      author?: string;
      favorited?: string;
      status?: 'draft' | 'scheduled' | 'published';
      limit: number;
      offset: number;
    },
    viewerId?: string,
  ) {
    return this.reads.findPage({
      status: filter.status,
      tag: filter.tag,
      author: filter.author,
      favoritedBy: filter.favorited,
      viewerId,
      withBody: false,
      limit: filter.limit,
      offset: filter.offset,
    });
  }

  /** Full-text search (title > description > body), best matches first, with snippets. */
  search(q: string, page: { limit: number; offset: number }, viewerId?: string) {
    return this.reads.findPage({ search: q, viewerId, withBody: false, ...page });
  }

  feed(viewerId: string, page: { limit: number; offset: number }) {
    return this.reads.findPage({ feedOf: viewerId, viewerId, withBody: false, ...page });
  }

  /**
   * One article as `viewerId` sees it. Published articles come from the cache (the same copy for
   * everyone, `null` for an unknown slug) plus, for a signed-in viewer, their `favorited` and
   * `following`; an author's unpublished article and a moderator's read go to the database.
   */
  async get(slug: string, viewerId?: string, anyStatus = false): Promise<ArticleRow> {
    if (!anyStatus) {
      const shared = await this.cache.get(articleKey(slug), ARTICLE_TTL_MS, () => this.load(slug));
      if (shared && !viewerId) return shared;
      if (shared && viewerId) {
        const { favorited, following } = await this.reads.viewerFlags(slug, viewerId);
        return { ...shared, favorited, author: { ...shared.author, following } };
      }
      if (!viewerId) throw new ArticleNotFoundError();
    }
    const article = await this.load(slug, viewerId, anyStatus);
    if (!article) throw new ArticleNotFoundError();
    return article;
  }

  private async load(slug: string, viewerId?: string, anyStatus = false) {
    const { articles } = await this.reads.findPage({
      slug,
      anyStatus,
      viewerId,
      withBody: true,
      limit: 1,
      offset: 0,
    });
    return articles[0] ?? null;
  }

  /** Slug and last update of every article, newest first (sitemap; bounded by the protocol). */
  sitemapEntries(): Promise<{ slug: string; updatedAt: string }[]> {
    return this.writes.sitemapEntries(50_000);
  }

  /** Where an article that was renamed lives now (for a 301), or `undefined`. */
  movedTo(slug: string): Promise<string | undefined> {
    return this.writes.currentSlugFor(slug);
  }

  async create(author: AuthUser, input: ArticleInput): Promise<ArticleRow> {
    const created = await this.tx.run(async ({ manager }) => {
      const article = await this.writes.insertArticle(manager, {
        slug: slugify(input.title),
        title: input.title,
        description: input.description,
        body: input.body,
        bodyHtml: this.markdown.render(input.body),
        authorId: author.id,
        ...publication(input),
      });
      await this.writes.setTags(manager, article.id, uniqueTags(input.tagList));
      if (article.status === 'published') await this.announce(manager, article);
      await this.writes.recordRevision(manager, article.id, author.id, ['created']);
      return article;
    });
    await this.cache.invalidate(TAGS_CACHE_KEY, articleKey(created.slug));
    await this.schedule(created);
    return this.get(created.slug, author.id);
  }

  async update(
    editor: AuthUser,
    slug: string,
    changes: Partial<ArticleInput>,
    expectedVersion?: number,
  ): Promise<ArticleRow> {
    const updated = await this.tx.run(async ({ manager }) => {
      const article = await this.owned(editor, slug, Permission.ArticlesModerate);
      const { tagList, status, publishAt, ...fields } = changes;
      const wanted =
        status !== undefined || publishAt !== undefined
          ? publication({ status, publishAt })
          : undefined;
      // Re-publishing keeps the original publication time.
      const state =
        wanted?.status === 'published' && article.status === 'published'
          ? { status: wanted.status, publishAt: null }
          : wanted;
      const next = {
        ...fields,
        ...state,
        ...(fields.body !== undefined ? { bodyHtml: this.markdown.render(fields.body) } : {}),
        ...(fields.title && fields.title !== article.title ? { slug: slugify(fields.title) } : {}),
      };
      if (!(await this.writes.updateArticle(manager, article.id, next, expectedVersion))) {
        throw new StaleArticleError();
      }
      if (next.slug) await this.writes.recordOldSlug(manager, article.id, article.slug);
      if (tagList) await this.writes.setTags(manager, article.id, uniqueTags(tagList));
      if (state?.status === 'published' && article.status !== 'published') {
        await this.announce(manager, article);
      }
      const changed = Object.keys(changes).filter(
        (k) => changes[k as keyof ArticleInput] !== undefined,
      );
      await this.writes.recordRevision(manager, article.id, editor.id, changed.sort());
      return { ...article, ...next, slug: next.slug ?? article.slug };
    });
    await this.cache.invalidate(
      articleKey(slug),
      articleKey(updated.slug),
      ...(changes.tagList || changes.status || changes.publishAt ? [TAGS_CACHE_KEY] : []),
    );
    await this.schedule(updated);
    // The editor was authorized for this article: show it even if they just unpublished it.
    return this.get(updated.slug, editor.id, true);
  }

  async delete(editor: AuthUser, slug: string): Promise<void> {
    const article = await this.owned(editor, slug, Permission.ArticlesModerate);
    await this.writes.deleteArticle(article.id);
    await this.cache.invalidate(TAGS_CACHE_KEY, articleKey(article.slug));
  }

  async favorite(viewer: AuthUser, slug: string, on: boolean): Promise<ArticleRow> {
    const article = await this.find(slug, viewer.id);
    if (on) await this.writes.favorite(viewer.id, article.id);
    else await this.writes.unfavorite(viewer.id, article.id);
    await this.cache.invalidate(articleKey(slug)); // favoritesCount
    return this.get(slug, viewer.id);
  }

  /**
   * Tags in use, cached for a minute. Every write that can change the set invalidates it, so a
   * new tag is visible on the next read.
   */
  tags(): Promise<string[]> {
    return this.cache.get(TAGS_CACHE_KEY, TAGS_TTL_MS, () => this.writes.listTags());
  }

  /** The author's public profile changed: every cached copy of their articles is stale. */
  async authorProfileChanged(authorId: string): Promise<void> {
    const slugs = await this.writes.slugsByAuthor(authorId);
    await this.cache.invalidate(...slugs.map(articleKey));
  }

  async comments(slug: string, viewerId?: string): Promise<CommentRow[]> {
    const article = await this.find(slug, viewerId);
    return this.writes.listComments(article.id, viewerId);
  }

  async addComment(author: AuthUser, slug: string, body: string): Promise<CommentRow> {
    const article = await this.find(slug, author.id);
    const id = await this.writes.insertComment(article.id, author.id, body);
    const [comment] = await this.writes.listComments(article.id, author.id, id);
    return comment;
  }

  async deleteComment(editor: AuthUser, slug: string, id: number): Promise<void> {
    const article = await this.find(slug, editor.id);
    const comment = await this.writes.findComment(id);
    if (!comment || comment.articleId !== article.id) throw new CommentNotFoundError();
    if (
      comment.authorId !== editor.id &&
      !roleHasPermissions(editor.role, [Permission.CommentsModerate])
    ) {
      throw new NotTheAuthorError('comment');
    }
    await this.writes.deleteComment(id);
  }

  /** Moderators hide a comment: it disappears from every list (the row stays for the record). */
  async hideComment(moderator: AuthUser, slug: string, id: number): Promise<void> {
    const comment = await this.commentOf(slug, id, moderator.id);
    await this.writes.hideComment(comment.id);
  }

  /** Any signed-in reader may report a comment once. */
  async reportComment(reader: AuthUser, slug: string, id: number, reason: string): Promise<void> {
    const comment = await this.commentOf(slug, id, reader.id);
    await this.writes.reportComment(comment.id, reader.id, reason);
  }

  reports(page: { limit: number; offset: number }): Promise<ReportRow[]> {
    return this.writes.listReports(page.limit, page.offset);
  }

  private async commentOf(slug: string, id: number, viewerId: string) {
    const article = await this.find(slug, viewerId);
    const comment = await this.writes.findComment(id);
    if (!comment || comment.articleId !== article.id || comment.hiddenAt)
      throw new CommentNotFoundError();
    return comment;
  }

  /** The article as `viewerId` may see it: unpublished ones exist for their author only. */
  private async find(slug: string, viewerId?: string): Promise<Article> {
    const article = await this.writes.findBySlug(slug);
    if (!article || (article.status !== 'published' && article.authorId !== viewerId)) {
      throw new ArticleNotFoundError();
    }
    return article;
  }

  /**
   * Enqueues the publication of a scheduled article at its time. The job id carries the time, so
   * rescheduling creates a new job and the old one finds nothing to do; a sweep in the worker
   * publishes anything whose job was lost (e.g. a crash between commit and enqueue).
   */
  private async schedule(article: Pick<Article, 'id' | 'status' | 'publishAt'>): Promise<void> {
    if (article.status !== 'scheduled' || !article.publishAt) return;
    const publishAt = new Date(article.publishAt);
    const payload: BlogJobPayloads[BlogJob.PublishArticle] = {
      articleId: article.id,
      publishAt: publishAt.toISOString(),
    };
    await this.queue.add(BlogJob.PublishArticle, payload, {
      jobId: `publish-${article.id}-${publishAt.getTime()}`,
      delay: Math.max(0, publishAt.getTime() - Date.now()),
    });
  }

  /** Publishes a scheduled article if still due at that time (the delayed job's handler). */
  async publishIfDue(articleId: string, publishAt: string): Promise<boolean> {
    const slug = await this.writes.publishIfDue(articleId, new Date(publishAt));
    if (slug) await this.cache.invalidate(TAGS_CACHE_KEY, articleKey(slug));
    return slug !== undefined;
  }

  /** Publishes everything due; returns how many (the worker's sweep). */
  async publishAllDue(): Promise<number> {
    const slugs = await this.writes.publishAllDue();
    if (slugs.length) await this.cache.invalidate(TAGS_CACHE_KEY, ...slugs.map(articleKey));
    return slugs.length;
  }

  /** Who changed what and when; for the author and moderators only. */
  async revisions(editor: AuthUser, slug: string): Promise<RevisionRow[]> {
    const article = await this.owned(editor, slug, Permission.ArticlesModerate);
    return this.writes.listRevisions(article.id);
  }

  /** `blog.articlePublished`, in the transaction that published the article. */
  private async announce(
    manager: EntityManager,
    article: Pick<Article, 'id' | 'authorId'>,
  ): Promise<void> {
    const event: ArticlePublishedEvent = { articleId: article.id, authorId: article.authorId };
    await this.outbox.add(manager, BlogEvent.ArticlePublished, { ...event });
  }

  /** Title, slug and author of an article, for notifications; `undefined` if gone or unpublished. */
  async summary(
    articleId: string,
  ): Promise<{ title: string; slug: string; authorId: string } | undefined> {
    const article = await this.writes.findById(articleId);
    return article && article.status === 'published'
      ? { title: article.title, slug: article.slug, authorId: article.authorId }
      : undefined;
  }

  /** The article, if `editor` wrote it or holds the moderation permission. */
  private async owned(editor: AuthUser, slug: string, moderate: Permission): Promise<Article> {
    const article = await this.find(slug, editor.id);
    if (article.authorId !== editor.id && !roleHasPermissions(editor.role, [moderate])) {
      throw new NotTheAuthorError('article');
    }
    return article;
  }
}
