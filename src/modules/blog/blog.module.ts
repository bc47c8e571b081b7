import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  ArticlesController,
  CommentReportsController,
  TagsController,
} from './articles.controller';
import { ArticlesRepository } from './articles.repository';
import { ArticlesService } from './articles.service';
import { AuthorProfileListener } from './author-profile.listener';
import { BlogSeeder } from './blog.seed';
import { UsersModule } from '@/modules/users';
import { BlogWritesRepository } from './blog-writes.repository';
import { FeedsController } from './feeds.controller';
import { BlogResolver } from './blog.resolver';
import { MarkdownRenderer } from './markdown.renderer';
import { ArticleTag } from './entities/article-tag.entity';
import { ArticleRevision } from './entities/article-revision.entity';
import { ArticleSlug } from './entities/article-slug.entity';
import { Article } from './entities/article.entity';
import { CommentReport } from './entities/comment-report.entity';
import { Comment } from './entities/comment.entity';
import { Favorite } from './entities/favorite.entity';
import { Tag } from './entities/tag.entity';

/** The RealWorld blog (issue 4); drafts, search, feeds and more build on this. */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      Article,
      ArticleSlug,
      ArticleRevision,
      Tag,
      ArticleTag,
      Favorite,
      Comment,
      CommentReport,
    ]),
    UsersModule,
  ],
  controllers: [ArticlesController, TagsController, FeedsController, CommentReportsController],
  providers: [
    ArticlesService,
    ArticlesRepository,
    BlogWritesRepository,
    MarkdownRenderer,
    BlogSeeder,
    BlogResolver,
    AuthorProfileListener,
  ],
  exports: [ArticlesService, BlogSeeder],
})
export class BlogModule {}
