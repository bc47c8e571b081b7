import { CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Article } from './article.entity';

@Entity('favorites')
@Index('favorites_article_id_idx', ['articleId'])
export class Favorite {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'favorites_pkey' })
  userId: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'favorites_pkey' })
  articleId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'favorites_user_id_fkey' })
  user?: never;

  @ManyToOne(() => Article, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'favorites_article_id_fkey' })
  article?: never;
}
