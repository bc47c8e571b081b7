import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Post,
  Put,
  Query,
  Res,
  Headers,
} from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiCreatedResponse,
  ApiMovedPermanentlyResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPreconditionFailedResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Public, RequirePermissions } from '@/core/auth/auth.decorators';
import { UnauthenticatedError } from '@/core/auth/auth.errors';
import { Permission, type AuthUser } from '@/core/auth/permissions';
import { ErrorBody } from '@/core/http/error-body';
import { Idempotent } from '@/core/idempotency';
import type { ArticleRow } from './articles.repository';
import { ArticlesService } from './articles.service';
import { ArticleNotFoundError } from './blog.errors';
import {
  ArticleListResponse,
  ArticleResponse,
  CreateArticleBody,
  FeedQuery,
  ListArticlesQuery,
  RevisionListResponse,
  SearchArticlesQuery,
  TagsResponse,
  UpdateArticleBody,
  articleChanges,
} from './dto/article.dto';
import {
  CommentListResponse,
  CommentReportListResponse,
  CommentResponse,
  CreateCommentBody,
  ReportCommentBody,
} from './dto/comment.dto';

const etagOf = (version: number) => `"v${version}"`;

function withoutVersion({ version: _version, ...article }: ArticleRow): ArticleRow {
  return article;
}

/** Sets the article's ETag (its edit version) and answers the RealWorld body without it. */
function withEtag(res: Response, row: ArticleRow): ArticleResponse {
  if (row.version !== undefined) res.setHeader('ETag', etagOf(row.version));
  return { article: withoutVersion(row) };
}

/**
 * `If-Match` → the version the client edits. `*` or no header: no check (RealWorld clients send
 * none). Anything that is not one of our ETags can never match: version 0 makes that a 412.
 */
function expectedVersion(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const match = /^(?:W\/)?"v(\d{1,9})"$/.exec(ifMatch.trim());
  return match ? Number(match[1]) : 0;
}

/** RealWorld articles, favorites and comments under `/api/v1/articles`. */
@ApiTags('articles')
@Controller({ path: 'articles', version: '1' })
export class ArticlesController {
  constructor(private readonly articles: ArticlesService) {}

  /** Most recent articles, filtered by tag, author or favoriting user (optional auth). */
  @Public()
  @Get()
  @ApiOkResponse({ type: ArticleListResponse })
  async listArticles(
    @Query() query: ListArticlesQuery,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<ArticleListResponse> {
    if (query.status && query.status !== 'published' && !viewer) throw new UnauthenticatedError();
    const { articles, total } = await this.articles.list(query, viewer?.id);
    return { articles, articlesCount: total };
  }

  /** Full-text search over published articles, best matches first. Declared before `:slug`. */
  @Public()
  @Get('search')
  @ApiOkResponse({ type: ArticleListResponse })
  async searchArticles(
    @Query() query: SearchArticlesQuery,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<ArticleListResponse> {
    const { articles, total } = await this.articles.search(query.q, query, viewer?.id);
    return { articles, articlesCount: total };
  }

  /** Articles by followed authors, most recent first. Declared before `:slug` on purpose. */
  @RequirePermissions(Permission.AccountSelf)
  @Get('feed')
  @ApiOkResponse({ type: ArticleListResponse })
  async getFeed(
    @Query() query: FeedQuery,
    @CurrentUser() viewer: AuthUser,
  ): Promise<ArticleListResponse> {
    const { articles, total } = await this.articles.feed(viewer.id, query);
    return { articles, articlesCount: total };
  }

  /** One article with its body; a former slug (the title changed) answers 301 to the new one. */
  @Public()
  @Get(':slug')
  @ApiOkResponse({ type: ArticleResponse })
  @ApiMovedPermanentlyResponse({ description: 'Renamed: `Location` has the current URL' })
  @ApiNotFoundResponse({ type: ErrorBody })
  async getArticle(
    @Param('slug') slug: string,
    @Res({ passthrough: true }) res: Response,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<ArticleResponse | undefined> {
    try {
      return withEtag(res, await this.articles.get(slug, viewer?.id));
    } catch (error) {
      const current =
        error instanceof ArticleNotFoundError ? await this.articles.movedTo(slug) : undefined;
      if (!current) throw error;
      res.redirect(301, `/api/v1/articles/${encodeURIComponent(current)}`);
      return undefined;
    }
  }

  @RequirePermissions(Permission.ArticlesWrite)
  @Post()
  @Idempotent()
  @ApiCreatedResponse({ type: ArticleResponse })
  async createArticle(
    @Body() body: CreateArticleBody,
    @CurrentUser() author: AuthUser,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ArticleResponse> {
    return withEtag(res, await this.articles.create(author, body.article));
  }

  /**
   * Only the author (or an editor) may update; a new title gives a new slug. With
   * `If-Match: <ETag>` the edit applies only to the version the client saw (else 412).
   */
  @RequirePermissions(Permission.ArticlesWrite)
  @Put(':slug')
  @ApiOkResponse({ type: ArticleResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  @ApiPreconditionFailedResponse({
    type: ErrorBody,
    description: 'The article changed since that ETag',
  })
  async updateArticle(
    @Param('slug') slug: string,
    @Body() body: UpdateArticleBody,
    @CurrentUser() editor: AuthUser,
    @Res({ passthrough: true }) res: Response,
    @Headers('if-match') ifMatch?: string,
  ): Promise<ArticleResponse> {
    const expected = expectedVersion(ifMatch);
    return withEtag(
      res,
      await this.articles.update(editor, slug, articleChanges(body.article), expected),
    );
  }

  /** Every saved version, newest first: who changed what, and when (author or editor). */
  @RequirePermissions(Permission.ArticlesWrite)
  @Get(':slug/revisions')
  @ApiOkResponse({ type: RevisionListResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  async listRevisions(
    @Param('slug') slug: string,
    @CurrentUser() editor: AuthUser,
  ): Promise<RevisionListResponse> {
    return { revisions: await this.articles.revisions(editor, slug) };
  }

  @RequirePermissions(Permission.ArticlesWrite)
  @Delete(':slug')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBody })
  async deleteArticle(@Param('slug') slug: string, @CurrentUser() editor: AuthUser): Promise<void> {
    await this.articles.delete(editor, slug);
  }

  @RequirePermissions(Permission.AccountSelf)
  @Post(':slug/favorite')
  @HttpCode(200)
  @ApiOkResponse({ type: ArticleResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  async favoriteArticle(
    @Param('slug') slug: string,
    @CurrentUser() viewer: AuthUser,
  ): Promise<ArticleResponse> {
    return { article: withoutVersion(await this.articles.favorite(viewer, slug, true)) };
  }

  @RequirePermissions(Permission.AccountSelf)
  @Delete(':slug/favorite')
  @ApiOkResponse({ type: ArticleResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  async unfavoriteArticle(
    @Param('slug') slug: string,
    @CurrentUser() viewer: AuthUser,
  ): Promise<ArticleResponse> {
    return { article: withoutVersion(await this.articles.favorite(viewer, slug, false)) };
  }

  @Public()
  @Get(':slug/comments')
  @ApiOkResponse({ type: CommentListResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  async getComments(
    @Param('slug') slug: string,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<CommentListResponse> {
    return { comments: await this.articles.comments(slug, viewer?.id) };
  }

  @RequirePermissions(Permission.CommentsWrite)
  @Post(':slug/comments')
  @HttpCode(200)
  @ApiOkResponse({ type: CommentResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  async createComment(
    @Param('slug') slug: string,
    @Body() body: CreateCommentBody,
    @CurrentUser() author: AuthUser,
  ): Promise<CommentResponse> {
    return { comment: await this.articles.addComment(author, slug, body.comment.body) };
  }

  /** Moderators hide a comment from every list (the record stays). */
  @RequirePermissions(Permission.CommentsModerate)
  @Post(':slug/comments/:id/hide')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBody })
  async hideComment(
    @Param('slug') slug: string,
    @Param('id', new ParseIntPipe({ errorHttpStatusCode: 404 })) id: number,
    @CurrentUser() moderator: AuthUser,
  ): Promise<void> {
    await this.articles.hideComment(moderator, slug, id);
  }

  /** Any signed-in reader may report a comment, once. */
  @RequirePermissions(Permission.AccountSelf)
  @Post(':slug/comments/:id/report')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBody })
  async reportComment(
    @Param('slug') slug: string,
    @Param('id', new ParseIntPipe({ errorHttpStatusCode: 404 })) id: number,
    @Body() body: ReportCommentBody,
    @CurrentUser() reader: AuthUser,
  ): Promise<void> {
    await this.articles.reportComment(reader, slug, id, body.reason);
  }

  /** Only the comment's author (or a moderator) may delete it. */
  @RequirePermissions(Permission.CommentsWrite)
  @Delete(':slug/comments/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBody })
  async deleteComment(
    @Param('slug') slug: string,
    @Param('id', new ParseIntPipe({ errorHttpStatusCode: 404 })) id: number,
    @CurrentUser() editor: AuthUser,
  ): Promise<void> {
    await this.articles.deleteComment(editor, slug, id);
  }
}

/** Moderation queue: reported comments still visible, newest first. */
@ApiTags('admin')
@Controller({ path: 'admin/comment-reports', version: '1' })
export class CommentReportsController {
  constructor(private readonly articles: ArticlesService) {}

  @RequirePermissions(Permission.CommentsModerate)
  @Get()
  @ApiOkResponse({ type: CommentReportListResponse })
  async listCommentReports(@Query() page: FeedQuery): Promise<CommentReportListResponse> {
    return { reports: await this.articles.reports(page) };
  }
}

@ApiTags('tags')
@Controller({ path: 'tags', version: '1' })
export class TagsController {
  constructor(private readonly articles: ArticlesService) {}

  /** Tags in use, most used first. */
  @Public()
  @Get()
  @ApiOkResponse({ type: TagsResponse })
  async getTags(): Promise<TagsResponse> {
    return { tags: await this.articles.tags() };
  }
}
