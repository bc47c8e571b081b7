import {
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  Column,
} from 'typeorm';
import { Article } from './article.entity';

/** A slug an article had before its title changed. */
@Entity('article_slugs')
@Index('article_slugs_article_id_idx', ['articleId'])
export class ArticleSlug {
  @PrimaryColumn({ type: 'varchar', length: 300 })
  slug: string;

  @Column({ type: 'uuid' })
  articleId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => Article, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'article_slugs_article_id_fkey' })
  article?: never;
}
