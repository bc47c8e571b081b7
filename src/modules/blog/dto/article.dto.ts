import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsISO8601,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { OffsetPaginationQuery } from '@/core/http/pagination.dto';
import { Envelope } from '@/core/http/validation';
import { ArticleFieldRules } from './article-fields';

export class CreateArticleFields {
  @ApiProperty({ example: 'How to train your dragon' })
  @ArticleFieldRules.title()
  title: string;

  @ApiProperty({ example: 'Ever wonder how?' })
  @ArticleFieldRules.description()
  description: string;

  @ApiProperty({ example: 'You have to believe' })
  @ArticleFieldRules.body()
  body: string;

  @ApiPropertyOptional({ type: [String], example: ['dragons', 'training'] })
  @IsOptional()
  @ArticleFieldRules.tagList()
  tagList?: string[];

  /** `draft` keeps it private to its author; omitted (RealWorld clients): published at once. */
  @ApiPropertyOptional({ enum: ['draft', 'published'] })
  @IsOptional()
  @IsIn(['draft', 'published'])
  status?: 'draft' | 'published';

  /** A future time: the article is scheduled and published then. */
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  publishAt?: string;
}

export class CreateArticleBody {
  @ApiProperty({ type: CreateArticleFields })
  @Envelope(() => CreateArticleFields)
  article: CreateArticleFields;
}

/** Every field optional, same rules (PartialType keeps validators and OpenAPI metadata). */
export class UpdateArticleFields extends PartialType(CreateArticleFields) {}

/**
 * What RealWorld frontends send on edit: the editable fields plus read-only ones echoed back from
 * the article they loaded (the Angular client sends `slug`). Those are validated for type and
 * then ignored — the slug follows the title.
 */
export class EditArticleFields extends UpdateArticleFields {
  /** Read-only, ignored. */
  @ApiPropertyOptional({ readOnly: true })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  slug?: string;

  /** Read-only, ignored. */
  @ApiPropertyOptional({ readOnly: true })
  @IsOptional()
  @IsBoolean()
  favorited?: boolean;

  /** Read-only, ignored. */
  @ApiPropertyOptional({ readOnly: true })
  @IsOptional()
  @IsInt()
  favoritesCount?: number;

  /** Read-only, ignored. */
  @ApiPropertyOptional({ readOnly: true, format: 'date-time' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  createdAt?: string;

  /** Read-only, ignored. */
  @ApiPropertyOptional({ readOnly: true, format: 'date-time' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  updatedAt?: string;

  /** Read-only, ignored. */
  @ApiPropertyOptional({ readOnly: true })
  @IsOptional()
  @IsString()
  bodyHtml?: string;

  /** Read-only, ignored. */
  @ApiPropertyOptional({ readOnly: true, type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  author?: object;
}

/** The fields of an edit that change the article (echoed read-only ones and nulls dropped). */
export function articleChanges(fields: EditArticleFields): UpdateArticleFields {
  const { title, description, body, tagList, status, publishAt } = fields;
  const changes: UpdateArticleFields = { title, description, body, tagList, status, publishAt };
  return Object.fromEntries(
    Object.entries(changes).filter(([, v]) => v !== undefined && v !== null),
  );
}

export class UpdateArticleBody {
  @ApiProperty({ type: EditArticleFields })
  @Envelope(() => EditArticleFields)
  article: EditArticleFields;
}

/** RealWorld paging: `limit` (default 20, at most 100) and `offset`. */
export class FeedQuery extends OffsetPaginationQuery {}

export class SearchArticlesQuery extends FeedQuery {
  /** Web-search syntax: words, "quoted phrases", -excluded, or. */
  @ApiProperty({ example: 'refresh tokens -jwt' })
  @IsString()
  @Matches(/\S/, { message: 'must not be blank' })
  @MaxLength(200)
  q: string;
}

export class ListArticlesQuery extends FeedQuery {
  /** `draft` or `scheduled`: the caller's own unpublished articles (needs a token). */
  @ApiPropertyOptional({ enum: ['published', 'draft', 'scheduled'], default: 'published' })
  @IsOptional()
  @IsIn(['published', 'draft', 'scheduled'])
  status?: 'published' | 'draft' | 'scheduled';

  @ApiPropertyOptional({ description: 'Only articles with this tag' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  tag?: string;

  @ApiPropertyOptional({ description: 'Only articles by this username' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  author?: string;

  @ApiPropertyOptional({ description: 'Only articles favorited by this username' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  favorited?: string;
}

export class ArticleAuthorDto {
  @ApiProperty()
  username: string;

  @ApiProperty({ type: String, nullable: true })
  bio: string | null;

  @ApiProperty({ type: String, nullable: true })
  image: string | null;

  @ApiProperty()
  following: boolean;
}

export class ArticleDto {
  @ApiProperty()
  slug: string;

  @ApiProperty()
  title: string;

  @ApiProperty()
  description: string;

  /** Absent in list responses (RealWorld's newer spec keeps lists light). */
  @ApiPropertyOptional()
  body?: string;

  /** `body` rendered from Markdown and sanitized (single-article responses only). */
  @ApiPropertyOptional()
  bodyHtml?: string;

  @ApiProperty({ type: [String] })
  tagList: string[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty()
  favorited: boolean;

  @ApiProperty()
  favoritesCount: number;

  /** `published`, or (for its author) `draft` / `scheduled`. */
  @ApiProperty({ enum: ['draft', 'scheduled', 'published'] })
  status: 'draft' | 'scheduled' | 'published';

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  publishAt: string | null;

  /** Search results only: matching text in context, HTML-escaped, matches in `<mark>`. */
  @ApiPropertyOptional()
  snippet?: string;

  @ApiProperty({ type: ArticleAuthorDto })
  author: ArticleAuthorDto;
}

export class ArticleResponse {
  @ApiProperty({ type: ArticleDto })
  article: ArticleDto;
}

export class ArticleListResponse {
  @ApiProperty({ type: [ArticleDto] })
  articles: ArticleDto[];

  /** Total matching articles before paging. */
  @ApiProperty()
  articlesCount: number;
}

export class TagsResponse {
  @ApiProperty({ type: [String] })
  tags: string[];
}

export class RevisionDto {
  @ApiProperty()
  version: number;

  /** `created`, or the fields this save changed. */
  @ApiProperty({ type: [String] })
  changedFields: string[];

  @ApiProperty()
  title: string;

  @ApiProperty()
  description: string;

  @ApiProperty()
  body: string;

  @ApiProperty({ type: [String] })
  tagList: string[];

  @ApiProperty()
  status: string;

  /** Username of who saved it (null if that account was deleted). */
  @ApiProperty({ type: String, nullable: true })
  editor: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class RevisionListResponse {
  @ApiProperty({ type: [RevisionDto] })
  revisions: RevisionDto[];
}
