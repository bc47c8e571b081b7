import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Article } from './article.entity';
import { Tag } from './tag.entity';

@Entity('article_tags')
// ?tag=: the tag's article ids from the index alone (migration AddBlogListIndexes).
@Index('article_tags_tag_id_article_id_idx', ['tagId', 'articleId'])
export class ArticleTag {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'article_tags_pkey' })
  articleId: string;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'article_tags_pkey' })
  tagId: number;

  @ManyToOne(() => Article, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'article_tags_article_id_fkey' })
  article?: never;

  @ManyToOne(() => Tag, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tag_id', foreignKeyConstraintName: 'article_tags_tag_id_fkey' })
  tag?: never;
}
