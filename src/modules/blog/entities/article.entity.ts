import {
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

@Entity('articles')
@Unique('articles_slug_key', ['slug'])
@Index('articles_created_at_idx', { synchronize: false })
@Index('articles_author_id_created_at_idx', { synchronize: false })
export class Article {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 300 })
  slug: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'varchar', length: 500 })
  description: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'uuid' })
  authorId: string;

  /** FK declared by entity name: the users module's entity stays private to it. */
  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'articles_author_id_fkey' })
  author?: never;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
