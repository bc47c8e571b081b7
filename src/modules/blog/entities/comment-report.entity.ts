import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Comment } from './comment.entity';

@Entity('comment_reports')
@Unique('comment_reports_once_key', ['commentId', 'reporterId'])
@Index('comment_reports_created_at_idx', { synchronize: false })
export class CommentReport {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column({ type: 'integer' })
  commentId: number;

  @Column({ type: 'uuid' })
  reporterId: string;

  @Column({ type: 'varchar', length: 500 })
  reason: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => Comment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'comment_id', foreignKeyConstraintName: 'comment_reports_comment_id_fkey' })
  comment?: never;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'reporter_id', foreignKeyConstraintName: 'comment_reports_reporter_id_fkey' })
  reporter?: never;
}
