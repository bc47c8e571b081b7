import { ArgsType, Field, InputType, Int, ObjectType, PartialType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ArticleFieldRules } from './article-fields';

@ObjectType('Author', { description: 'An article or comment author, relative to the viewer.' })
export class AuthorModel {
  @Field()
  username: string;

  @Field(() => String, { nullable: true })
  bio: string | null;

  @Field(() => String, { nullable: true })
  image: string | null;

  @Field()
  following: boolean;
}

@ObjectType('Article', { description: 'The same article REST serves (RealWorld fields).' })
export class ArticleModel {
  @Field()
  slug: string;

  @Field()
  title: string;

  @Field()
  description: string;

  @Field(() => String, { nullable: true, description: 'Markdown; null in lists.' })
  body?: string;

  @Field(() => String, { nullable: true, description: 'Sanitized HTML; null in lists.' })
  bodyHtml?: string;

  @Field(() => [String])
  tagList: string[];

  @Field({ description: 'ISO 8601, UTC, milliseconds.' })
  createdAt: string;

  @Field({ description: 'ISO 8601, UTC, milliseconds.' })
  updatedAt: string;

  @Field()
  favorited: boolean;

  @Field(() => Int)
  favoritesCount: number;

  @Field({ description: 'published; for its author also draft or scheduled.' })
  status: string;

  @Field(() => String, { nullable: true })
  publishAt: string | null;

  @Field(() => String, { nullable: true, description: 'Search results only.' })
  snippet?: string;

  @Field(() => AuthorModel)
  author: AuthorModel;
}

@ObjectType('ArticlePage')
export class ArticlePageModel {
  @Field(() => [ArticleModel])
  articles: ArticleModel[];

  @Field(() => Int, { description: 'Total before paging.' })
  articlesCount: number;
}

@ObjectType('Comment')
export class CommentModel {
  @Field(() => Int)
  id: number;

  @Field()
  body: string;

  @Field()
  createdAt: string;

  @Field()
  updatedAt: string;

  @Field(() => AuthorModel)
  author: AuthorModel;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 20 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  @Field(() => Int, { defaultValue: 0 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset: number = 0;
}

@ArgsType()
export class ArticlesArgs extends PageArgs {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  tag?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  author?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  favorited?: string;
}

@ArgsType()
export class SearchArgs extends PageArgs {
  @Field()
  @IsString()
  @Matches(/\S/, { message: 'must not be blank' })
  @MaxLength(200)
  q: string;
}

@InputType()
export class CreateArticleInput {
  @Field()
  @ArticleFieldRules.title()
  title: string;

  @Field()
  @ArticleFieldRules.description()
  description: string;

  @Field()
  @ArticleFieldRules.body()
  body: string;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArticleFieldRules.tagList()
  tagList?: string[];
}

@InputType()
export class UpdateArticleInput extends PartialType(CreateArticleInput) {}

@InputType()
export class AddCommentInput {
  @Field()
  @ArticleFieldRules.commentBody()
  body: string;
}
