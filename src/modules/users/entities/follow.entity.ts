import {
  Check,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { User } from './user.entity';

/** `follower` follows `followee` (RealWorld profiles' `following`). */
@Entity('follows')
@Index('follows_followee_id_idx', ['followeeId'])
@Check('follows_not_self_check', 'follower_id <> followee_id')
export class Follow {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'follows_pkey' })
  followerId: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'follows_pkey' })
  followeeId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'follower_id', foreignKeyConstraintName: 'follows_follower_id_fkey' })
  follower?: never;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'followee_id', foreignKeyConstraintName: 'follows_followee_id_fkey' })
  followee?: never;
}
