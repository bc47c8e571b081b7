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

  async isFollowing(followerId: string, followeeId: string): Promise<boolean> {
    return this.repo.existsBy({ followerId, followeeId });
  }
}
