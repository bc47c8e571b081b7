import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Article } from './article.entity';

/** A saved version of an article (written in the same transaction as the change). */
@Entity('article_revisions')
@Unique('article_revisions_version_key', ['articleId', 'version'])
export class ArticleRevision {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column({ type: 'uuid' })
  articleId: string;

  @Column({ type: 'integer' })
  version: number;

  /** Null once the editor's account is deleted; the history stays. */
  @Column({ type: 'uuid', nullable: true })
  editorId: string | null;

  @Column({ type: 'text', array: true })
  changedFields: string[];

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'varchar', length: 500 })
  description: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'text', array: true })
  tagList: string[];

  @Column({ type: 'varchar', length: 16 })
  status: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => Article, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'article_revisions_article_id_fkey' })
  article?: never;

  @ManyToOne('User', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'editor_id', foreignKeyConstraintName: 'article_revisions_editor_id_fkey' })
  editor?: never;
}
