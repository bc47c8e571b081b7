import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { Envelope } from '@/core/http/validation';
import { ArticleFieldRules } from './article-fields';
import { ArticleAuthorDto } from './article.dto';

export class CreateCommentFields {
  @ApiProperty({ example: 'It takes a Jacobian' })
  @ArticleFieldRules.commentBody()
  body: string;
}

export class CreateCommentBody {
  @ApiProperty({ type: CreateCommentFields })
  @Envelope(() => CreateCommentFields)
  comment: CreateCommentFields;
}

export class CommentDto {
  @ApiProperty()
  id: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty()
  body: string;

  @ApiProperty({ type: ArticleAuthorDto })
  author: ArticleAuthorDto;
}

export class CommentResponse {
  @ApiProperty({ type: CommentDto })
  comment: CommentDto;
}

export class CommentListResponse {
  @ApiProperty({ type: [CommentDto] })
  comments: CommentDto[];
}

export class ReportCommentBody {
  @ApiProperty({ example: 'spam' })
  @IsString()
  @Matches(/\S/, { message: 'must not be blank' })
  @MaxLength(500)
  reason: string;
}

export class CommentReportDto {
  @ApiProperty()
  id: number;

  @ApiProperty()
  reason: string;

  @ApiProperty()
  reporter: string;

  @ApiProperty()
  commentId: number;

  @ApiProperty()
  commentBody: string;

  @ApiProperty()
  commentAuthor: string;

  @ApiProperty()
  articleSlug: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class CommentReportListResponse {
  @ApiProperty({ type: [CommentReportDto] })
  reports: CommentReportDto[];
}
