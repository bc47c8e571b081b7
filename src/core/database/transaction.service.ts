import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';

type AfterCommit = () => void | Promise<void>;

/** What a use case receives inside `TransactionService.run`. */
export interface TransactionContext {
  manager: EntityManager;
  /** Runs after a successful commit (enqueue a job, emit an event); skipped on rollback. */
  afterCommit: (fn: AfterCommit) => void;
}

/**
 * One explicit transaction per use case. Repositories take the `manager`; side effects that
 * must not happen for rolled-back work are deferred with `afterCommit`.
 *
 * @example
 * await this.tx.run(async ({ manager, afterCommit }) => {
 *   const user = await this.users.insert(manager, data);
 *   afterCommit(() => this.events.emit(UserEvent.Registered, { userId: user.id }));
 *   return user;
 * });
 */
@Injectable()
export class TransactionService {
  constructor(private readonly dataSource: DataSource) {}

  async run<T>(
    work: (ctx: TransactionContext) => Promise<T>,
    isolation: IsolationLevel = 'READ COMMITTED',
  ): Promise<T> {
    const hooks: AfterCommit[] = [];
    const body = (manager: EntityManager) => work({ manager, afterCommit: (fn) => hooks.push(fn) });
    // TypeORM sends `SET TRANSACTION ISOLATION LEVEL …` as a round trip of its own after
    // `START TRANSACTION`. Every app session already defaults to READ COMMITTED (pinned in
    // typeorm-options.ts), so that level needs no SET.
    const result = await (isolation === 'READ COMMITTED'
      ? this.dataSource.transaction(body)
      : this.dataSource.transaction(isolation, body));
    for (const hook of hooks) await hook();
    return result;
  }
}
