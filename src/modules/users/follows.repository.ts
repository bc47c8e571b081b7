import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Follow } from './entities/follow.entity';

@Injectable()
export class FollowsRepository {
  constructor(@InjectRepository(Follow) private readonly repo: Repository<Follow>) {}

  /** Idempotent: following twice is one follow. */
  async follow(followerId: string, followeeId: string): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .insert()
      .into(Follow)
      .values({ followerId, followeeId })
      .orIgnore()
      .execute();
  }

  async unfollow(followerId: string, followeeId: string): Promise<void> {
    await this.repo.delete({ followerId, followeeId });
  }

  /** Who follows `userId` (bounded; fan-out beyond this needs paging through the queue). */
  async followerIds(userId: string, limit = 10_000): Promise<string[]> {
    const rows = await this.repo.find({
      select: { followerId: true },
      where: { followeeId: userId },
      take: limit,
    });
    return rows.map((r) => r.followerId);
  }

  async isFollowing(followerId: string, followeeId: string): Promise<boolean> {
    return this.repo.existsBy({ followerId, followeeId });
  }
}
