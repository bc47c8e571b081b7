import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isoTimestamp } from '@/core/database/sql';

export interface InboxRow {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  read: boolean;
  createdAt: string;
}

@Injectable()
export class InboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One notification per recipient (idempotent: the unique key absorbs redeliveries). */
  async addForUsers(
    userIds: readonly string[],
    type: string,
    subjectId: string,
    payload: object,
  ): Promise<void> {
    if (!userIds.length) return;
    await this.dataSource.query(
      `INSERT INTO notifications (user_id, type, subject_id, payload)
       SELECT unnest($1::uuid[]), $2, $3, $4::jsonb
       ON CONFLICT (user_id, type, subject_id) DO NOTHING`,
      [userIds, type, subjectId, JSON.stringify(payload)],
    );
  }

  /** Newest first, keyset-paginated on id (stable while new notifications arrive). */
  page(userId: string, limit: number, beforeId?: string): Promise<InboxRow[]> {
    return this.dataSource.query<InboxRow[]>(
      `SELECT id::text, type, payload, read_at IS NOT NULL AS read,
              ${isoTimestamp('created_at')} AS "createdAt"
       FROM notifications
       WHERE user_id = $1 AND ($2::bigint IS NULL OR id < $2::bigint)
       ORDER BY id DESC LIMIT $3`,
      [userId, beforeId ?? null, limit],
    );
  }

  async unreadCount(userId: string): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL',
      [userId],
    );
    return row.n;
  }

  /** Marks one (or all, without `id`) of the user's notifications read; returns how many. */
  async markRead(userId: string, id?: string): Promise<number> {
    const [, affected] = await this.dataSource.query<[unknown, number]>(
      `UPDATE notifications SET read_at = now()
       WHERE user_id = $1 AND read_at IS NULL AND ($2::bigint IS NULL OR id = $2::bigint)`,
      [userId, id ?? null],
    );
    return affected;
  }
}
