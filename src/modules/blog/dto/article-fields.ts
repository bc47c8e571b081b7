import { applyDecorators } from '@nestjs/common';
import { Trim } from '@/core/http/validation';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

/** One set of article field rules for REST bodies and GraphQL inputs alike. */
export const ArticleFieldRules = {
  title: () => applyDecorators(Trim(), IsString(), IsNotEmpty(), MaxLength(200)),
  description: () => applyDecorators(Trim(), IsString(), IsNotEmpty(), MaxLength(500)),
  body: () => applyDecorators(IsString(), IsNotEmpty(), MaxLength(100_000)),
  tagList: () =>
    applyDecorators(
      IsArray(),
      ArrayMaxSize(20),
      IsString({ each: true }),
      MaxLength(60, { each: true }),
      Matches(/\S/, { each: true, message: 'tags must not be blank' }),
    ),
  commentBody: () => applyDecorators(IsString(), IsNotEmpty(), MaxLength(10_000)),
};
