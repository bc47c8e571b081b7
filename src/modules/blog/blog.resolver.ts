import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentUser, Public, RequirePermissions } from '@/core/auth/auth.decorators';
import { Permission, type AuthUser } from '@/core/auth/permissions';
import type { ArticleRow } from './articles.repository';
import { ArticlesService } from './articles.service';
import {
  AddCommentInput,
  ArticleModel,
  ArticlePageModel,
  ArticlesArgs,
  CommentModel,
  CreateArticleInput,
  PageArgs,
  SearchArgs,
  UpdateArticleInput,
} from './dto/article.model';

const toModel = ({ version: _version, ...article }: ArticleRow): ArticleModel => article;
const toPage = ({
  articles,
  total,
}: {
  articles: ArticleRow[];
  total: number;
}): ArticlePageModel => ({
  articles: articles.map(toModel),
  articlesCount: total,
});

/** GraphQL over the same service as REST: same queries, same rules, same results. */
@Resolver(() => ArticleModel)
export class BlogResolver {
  constructor(private readonly articles: ArticlesService) {}

  @Public()
  @Query(() => ArticlePageModel, { complexity: 20 })
  async articlesList(
    @Args() args: ArticlesArgs,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<ArticlePageModel> {
    return toPage(await this.articles.list(args, viewer?.id));
  }

  @RequirePermissions(Permission.AccountSelf)
  @Query(() => ArticlePageModel, { complexity: 20 })
  async feed(@Args() args: PageArgs, @CurrentUser() viewer: AuthUser): Promise<ArticlePageModel> {
    return toPage(await this.articles.feed(viewer.id, args));
  }

  @Public()
  @Query(() => ArticlePageModel, { complexity: 20 })
  async searchArticles(
    @Args() args: SearchArgs,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<ArticlePageModel> {
    return toPage(await this.articles.search(args.q, args, viewer?.id));
  }

  @Public()
  @Query(() => ArticleModel)
  async article(
    @Args('slug') slug: string,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<ArticleModel> {
    return toModel(await this.articles.get(slug, viewer?.id));
  }

  @Public()
  @Query(() => [CommentModel])
  async comments(
    @Args('slug') slug: string,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<CommentModel[]> {
    return this.articles.comments(slug, viewer?.id);
  }

  @RequirePermissions(Permission.ArticlesWrite)
  @Mutation(() => ArticleModel)
  async createArticle(
    @Args('input') input: CreateArticleInput,
    @CurrentUser() author: AuthUser,
  ): Promise<ArticleModel> {
    return toModel(await this.articles.create(author, input));
  }

  @RequirePermissions(Permission.ArticlesWrite)
  @Mutation(() => ArticleModel)
  async updateArticle(
    @Args('slug') slug: string,
    @Args('input') input: UpdateArticleInput,
    @CurrentUser() editor: AuthUser,
  ): Promise<ArticleModel> {
    return toModel(await this.articles.update(editor, slug, input));
  }

  @RequirePermissions(Permission.ArticlesWrite)
  @Mutation(() => Boolean)
  async deleteArticle(
    @Args('slug') slug: string,
    @CurrentUser() editor: AuthUser,
  ): Promise<boolean> {
    await this.articles.delete(editor, slug);
    return true;
  }

  @RequirePermissions(Permission.AccountSelf)
  @Mutation(() => ArticleModel)
  async favoriteArticle(
    @Args('slug') slug: string,
    @Args('favorite', { type: () => Boolean, defaultValue: true }) favorite: boolean,
    @CurrentUser() viewer: AuthUser,
  ): Promise<ArticleModel> {
    return toModel(await this.articles.favorite(viewer, slug, favorite));
  }

  @RequirePermissions(Permission.CommentsWrite)
  @Mutation(() => CommentModel)
  async addComment(
    @Args('slug') slug: string,
    @Args('input') input: AddCommentInput,
    @CurrentUser() author: AuthUser,
  ): Promise<CommentModel> {
    return this.articles.addComment(author, slug, input.body);
  }

  @RequirePermissions(Permission.CommentsWrite)
  @Mutation(() => Boolean)
  async deleteComment(
    @Args('slug') slug: string,
    @Args('id', { type: () => Int }) id: number,
    @CurrentUser() editor: AuthUser,
  ): Promise<boolean> {
    await this.articles.deleteComment(editor, slug, id);
    return true;
  }
}
