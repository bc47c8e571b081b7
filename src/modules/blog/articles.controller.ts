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
} from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiCreatedResponse,
  ApiMovedPermanentlyResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Public, RequirePermissions } from '@/core/auth/auth.decorators';
import { Permission, type AuthUser } from '@/core/auth/permissions';
import { ErrorBody } from '@/core/http/error-body';
import { ArticlesService } from './articles.service';
import { ArticleNotFoundError } from './blog.errors';
import {
  ArticleListResponse,
  ArticleResponse,
  CreateArticleBody,
  FeedQuery,
  ListArticlesQuery,
  TagsResponse,
  UpdateArticleBody,
} from './dto/article.dto';
import { CommentListResponse, CommentResponse, CreateCommentBody } from './dto/comment.dto';

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
    const { articles, total } = await this.articles.list(query, viewer?.id);
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
      return { article: await this.articles.get(slug, viewer?.id) };
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
  @ApiCreatedResponse({ type: ArticleResponse })
  async createArticle(
    @Body() body: CreateArticleBody,
    @CurrentUser() author: AuthUser,
  ): Promise<ArticleResponse> {
    return { article: await this.articles.create(author, body.article) };
  }

  /** Only the author (or an editor) may update; a new title gives a new slug. */
  @RequirePermissions(Permission.ArticlesWrite)
  @Put(':slug')
  @ApiOkResponse({ type: ArticleResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  async updateArticle(
    @Param('slug') slug: string,
    @Body() body: UpdateArticleBody,
    @CurrentUser() editor: AuthUser,
  ): Promise<ArticleResponse> {
    return { article: await this.articles.update(editor, slug, body.article) };
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
    return { article: await this.articles.favorite(viewer, slug, true) };
  }

  @RequirePermissions(Permission.AccountSelf)
  @Delete(':slug/favorite')
  @ApiOkResponse({ type: ArticleResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  async unfavoriteArticle(
    @Param('slug') slug: string,
    @CurrentUser() viewer: AuthUser,
  ): Promise<ArticleResponse> {
    return { article: await this.articles.favorite(viewer, slug, false) };
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
