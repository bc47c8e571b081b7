import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository, type EntityManager } from 'typeorm';
import { sortWhitelist } from '@/core/http/pagination.dto';
import type { Role } from '@/core/auth/permissions';
import { User } from './entities/user.entity';
import { EmailTakenError, UsernameTakenError } from './users.errors';

/**
 * One canonical form for every email written or looked up: Unicode NFKC (so a composed "é" and
 * "e" + combining accent, or fullwidth letters, are one address), trimmed, lower-cased.
 */
export function normalizeEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

export const USER_SORT = sortWhitelist({
  createdAt: 'u.created_at',
  username: 'u.username',
  email: 'u.email',
});

export type NewUser = Pick<User, 'email' | 'username' | 'passwordHash'> &
  Partial<Pick<User, 'role' | 'bio' | 'image'>>;
export type UserChanges = Partial<
  Pick<User, 'email' | 'username' | 'passwordHash' | 'bio' | 'image' | 'role'>
>;

/**
 * Unique violations become domain errors: the database, not a racy pre-check, is what
 * guarantees uniqueness.
 */
function mapUniqueViolation(error: unknown): never {
  if (error instanceof QueryFailedError) {
    const { code, constraint } = error.driverError as { code?: string; constraint?: string };
    if (code === '23505' && constraint === 'users_email_lower_key') throw new EmailTakenError();
    if (code === '23505' && constraint === 'users_username_lower_key')
      throw new UsernameTakenError();
  }
  throw error;
}

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly repo: Repository<User>) {}

  private on(manager?: EntityManager): Repository<User> {
    return manager ? manager.getRepository(User) : this.repo;
  }

  findById(id: string, manager?: EntityManager): Promise<User | null> {
    return this.on(manager).findOneBy({ id });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.repo
      .createQueryBuilder('u')
      .where('lower(u.email) = :email', { email: normalizeEmail(email) })
      .getOne();
  }

  /** Usernames are unique case-insensitively, so the lookup is too (and uses that index). */
  findByUsername(username: string): Promise<User | null> {
    return this.repo
      .createQueryBuilder('u')
      .where('lower(u.username) = lower(:username)', { username })
      .getOne();
  }

  async insert(data: NewUser, manager?: EntityManager): Promise<User> {
    const repo = this.on(manager);
    try {
      return await repo.save(repo.create({ ...data, email: normalizeEmail(data.email) }));
    } catch (error) {
      mapUniqueViolation(error);
    }
  }

  async update(id: string, changes: UserChanges, manager?: EntityManager): Promise<void> {
    const normalized = changes.email
      ? { ...changes, email: normalizeEmail(changes.email) }
      : changes;
    try {
      await this.on(manager).update({ id }, normalized);
    } catch (error) {
      mapUniqueViolation(error);
    }
  }

  async list(page: {
    limit: number;
    offset: number;
    sort: string;
    role?: Role;
  }): Promise<[User[], number]> {
    const { column, direction } = USER_SORT.parse(page.sort);
    const qb = this.repo
      .createQueryBuilder('u')
      .orderBy(column, direction)
      .addOrderBy('u.id', 'ASC')
      .limit(page.limit)
      .offset(page.offset);
    if (page.role) qb.where('u.role = :role', { role: page.role });
    return qb.getManyAndCount();
  }

  async countByRole(role: Role): Promise<number> {
    return this.repo.countBy({ role });
  }
}
