import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';

export type ArticleStatus = 'draft' | 'scheduled' | 'published';

@Entity('articles')
@Check('articles_status_check', `status IN ('draft', 'scheduled', 'published')`)
@Check('articles_scheduled_check', `status <> 'scheduled' OR publish_at IS NOT NULL`)
@Index('articles_publish_at_idx', { synchronize: false })
@Unique('articles_slug_key', ['slug'])
// The lists: published articles newest first (count and page), per author for the feed and
// ?author= (migration AddBlogListIndexes has the EXPLAIN behind them).
@Index('articles_status_created_at_idx', ['status', 'createdAt', 'id'])
@Index('articles_author_id_status_created_at_idx', ['authorId', 'status', 'createdAt', 'id'])
@Index('articles_search_idx', { synchronize: false })
export class Article {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 300 })
  slug: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'varchar', length: 500 })
  description: string;

  /** Markdown, as the author wrote it. */
  @Column({ type: 'text' })
  body: string;

  /** `body` rendered and sanitized once, on write (reads are far more frequent). */
  @Column({ type: 'text' })
  bodyHtml: string;

  @Column({ type: 'uuid' })
  authorId: string;

  /** Only `published` articles are visible to anyone but their author. */
  @Column({ type: 'varchar', length: 16, default: 'published' })
  status: ArticleStatus;

  /** When a `scheduled` article goes live. */
  @Column({ type: 'timestamptz', nullable: true })
  publishAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  /** Bumped by every update; the article's ETag, checked against `If-Match` (lost updates). */
  @Column({ type: 'integer', default: 1 })
  version: number;

  /** FK declared by entity name: the users module's entity stays private to it. */
  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'articles_author_id_fkey' })
  author?: never;

  /** Maintained by a trigger (migration AddArticleSearch); never written by the app. */
  @Column({ type: 'tsvector', nullable: true, select: false, insert: false, update: false })
  searchVector?: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
