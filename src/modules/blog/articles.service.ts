import { Injectable } from '@nestjs/common';
import { TransactionService } from '@/core/database/transaction.service';
import { KeyValueStore } from '@/core/redis/key-value.store';
import { Permission, roleHasPermissions, type AuthUser } from '@/core/auth/permissions';
import { ArticlesRepository, type ArticleRow } from './articles.repository';
import { BlogWritesRepository, type CommentRow } from './blog-writes.repository';
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
}

const TAGS_CACHE_KEY = 'blog:tags';

const uniqueTags = (tags: readonly string[] = []) => [...new Set(tags.map((t) => t.trim()))].sort();

/** The RealWorld blog: articles, tags, favorites, comments, lists and the feed. */
@Injectable()
export class ArticlesService {
  constructor(
    private readonly reads: ArticlesRepository,
    private readonly writes: BlogWritesRepository,
    private readonly tx: TransactionService,
    private readonly markdown: MarkdownRenderer,
    private readonly store: KeyValueStore,
  ) {}

  list(
    filter: { tag?: string; author?: string; favorited?: string; limit: number; offset: number },
    viewerId?: string,
  ) {
    return this.reads.findPage({
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

  async get(slug: string, viewerId?: string): Promise<ArticleRow> {
    const { articles } = await this.reads.findPage({
      slug,
      viewerId,
      withBody: true,
      limit: 1,
      offset: 0,
    });
    if (!articles[0]) throw new ArticleNotFoundError();
    return articles[0];
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
    const slug = await this.tx.run(async ({ manager }) => {
      const article = await this.writes.insertArticle(manager, {
        slug: slugify(input.title),
        title: input.title,
        description: input.description,
        body: input.body,
        bodyHtml: this.markdown.render(input.body),
        authorId: author.id,
      });
      await this.writes.setTags(manager, article.id, uniqueTags(input.tagList));
      return article.slug;
    });
    await this.store.del(TAGS_CACHE_KEY);
    return this.get(slug, author.id);
  }

  async update(
    editor: AuthUser,
    slug: string,
    changes: Partial<ArticleInput>,
    expectedVersion?: number,
  ): Promise<ArticleRow> {
    const newSlug = await this.tx.run(async ({ manager }) => {
      const article = await this.owned(editor, slug, Permission.ArticlesModerate);
      const { tagList, ...fields } = changes;
      const next = {
        ...fields,
        ...(fields.body !== undefined ? { bodyHtml: this.markdown.render(fields.body) } : {}),
        ...(fields.title && fields.title !== article.title ? { slug: slugify(fields.title) } : {}),
      };
      if (!(await this.writes.updateArticle(manager, article.id, next, expectedVersion))) {
        throw new StaleArticleError();
      }
      if (next.slug) await this.writes.recordOldSlug(manager, article.id, article.slug);
      if (tagList) await this.writes.setTags(manager, article.id, uniqueTags(tagList));
      return next.slug ?? article.slug;
    });
    if (changes.tagList) await this.store.del(TAGS_CACHE_KEY);
    return this.get(newSlug, editor.id);
  }

  async delete(editor: AuthUser, slug: string): Promise<void> {
    const article = await this.owned(editor, slug, Permission.ArticlesModerate);
    await this.writes.deleteArticle(article.id);
    await this.store.del(TAGS_CACHE_KEY);
  }

  async favorite(viewer: AuthUser, slug: string, on: boolean): Promise<ArticleRow> {
    const article = await this.find(slug);
    if (on) await this.writes.favorite(viewer.id, article.id);
    else await this.writes.unfavorite(viewer.id, article.id);
    return this.get(slug, viewer.id);
  }

  /**
   * Tags in use, cached in the shared store (Redis, or memory) for a minute. Every write that can
   * change the set drops the entry, so a new tag is visible on the next read.
   */
  async tags(): Promise<string[]> {
    const cached = await this.store.get(TAGS_CACHE_KEY);
    if (cached) return JSON.parse(cached) as string[];
    const tags = await this.writes.listTags();
    await this.store.set(TAGS_CACHE_KEY, JSON.stringify(tags), 60_000);
    return tags;
  }

  async comments(slug: string, viewerId?: string): Promise<CommentRow[]> {
    const article = await this.find(slug);
    return this.writes.listComments(article.id, viewerId);
  }

  async addComment(author: AuthUser, slug: string, body: string): Promise<CommentRow> {
    const article = await this.find(slug);
    const id = await this.writes.insertComment(article.id, author.id, body);
    const [comment] = await this.writes.listComments(article.id, author.id, id);
    return comment;
  }

  async deleteComment(editor: AuthUser, slug: string, id: number): Promise<void> {
    const article = await this.find(slug);
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

  private async find(slug: string): Promise<Article> {
    const article = await this.writes.findBySlug(slug);
    if (!article) throw new ArticleNotFoundError();
    return article;
  }

  /** The article, if `editor` wrote it or holds the moderation permission. */
  private async owned(editor: AuthUser, slug: string, moderate: Permission): Promise<Article> {
    const article = await this.find(slug);
    if (article.authorId !== editor.id && !roleHasPermissions(editor.role, [moderate])) {
      throw new NotTheAuthorError('article');
    }
    return article;
  }
}
