import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository, type EntityManager } from 'typeorm';
import { Session } from './entities/session.entity';

@Injectable()
export class SessionsRepository {
  constructor(@InjectRepository(Session) private readonly repo: Repository<Session>) {}

  private on(manager?: EntityManager): Repository<Session> {
    return manager ? manager.getRepository(Session) : this.repo;
  }

  insert(
    data: Pick<Session, 'userId' | 'tokenHash' | 'userAgent' | 'ip' | 'expiresAt'>,
    manager?: EntityManager,
  ) {
    const repo = this.on(manager);
    return repo.save(repo.create({ ...data, lastUsedAt: new Date() }));
  }

  /** Locks the row so two concurrent refreshes of one token cannot both rotate it. */
  findForUpdate(id: string, manager: EntityManager): Promise<Session | null> {
    return manager
      .getRepository(Session)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async rotate(
    id: string,
    tokenHash: string,
    expiresAt: Date,
    manager: EntityManager,
  ): Promise<void> {
    await manager
      .getRepository(Session)
      .createQueryBuilder()
      .update()
      .set({
        previousTokenHash: () => 'token_hash',
        rotatedAt: () => 'now()',
        tokenHash,
        expiresAt,
        lastUsedAt: () => 'now()',
        generation: () => 'generation + 1',
      })
      .where('id = :id', { id })
      .execute();
  }

  findActive(id: string): Promise<Session | null> {
    return this.repo
      .createQueryBuilder('s')
      .where('s.id = :id AND s.revoked_at IS NULL AND s.expires_at > now()', { id })
      .getOne();
  }

  listActive(userId: string): Promise<Session[]> {
    return this.repo
      .createQueryBuilder('s')
      .where('s.user_id = :userId AND s.revoked_at IS NULL AND s.expires_at > now()', { userId })
      .orderBy('s.last_used_at', 'DESC')
      .limit(100)
      .getMany();
  }

  /** Revokes the matching active sessions and returns their ids. */
  async revoke(
    where: { userId: string; id?: string; exceptId?: string },
    reason: string,
    manager?: EntityManager,
  ): Promise<string[]> {
    const qb = this.on(manager)
      .createQueryBuilder()
      .update(Session)
      .set({ revokedAt: () => 'now()', revokedReason: reason })
      .where('user_id = :userId AND revoked_at IS NULL', { userId: where.userId })
      .returning(['id']);
    if (where.id) qb.andWhere('id = :id', { id: where.id });
    if (where.exceptId) qb.andWhere('id <> :exceptId', { exceptId: where.exceptId });
    const result = await qb.execute();
    return (result.raw as { id: string }[]).map((r) => r.id);
  }

  async revokeById(id: string, reason: string, manager: EntityManager): Promise<void> {
    await manager
      .getRepository(Session)
      .update({ id, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
  }

  /** Deletes sessions expired, or revoked, longer ago than `graceDays`; bounded per call. */
  async deleteStale(graceDays: number, batch = 5_000): Promise<number> {
    const result = await this.repo.query<[unknown, number]>(
      `DELETE FROM sessions WHERE id IN (
         SELECT id FROM sessions
         WHERE expires_at < now() - make_interval(days => $1)
            OR revoked_at < now() - make_interval(days => $1)
         LIMIT $2)`,
      [graceDays, batch],
    );
    return result[1];
  }
}
