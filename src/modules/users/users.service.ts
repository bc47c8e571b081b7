import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { EntityManager } from 'typeorm';
import { PasswordHasher } from '@/core/security/password-hasher';
import { Role } from '@/core/auth/permissions';
import type { User } from './entities/user.entity';
import { UserEvent, type UserProfileUpdatedEvent, type UserRoleChangedEvent } from './users.events';
import {
  CannotFollowSelfError,
  EmailTakenError,
  UserNotFoundError,
  UsernameTakenError,
} from './users.errors';
import { FollowsRepository } from './follows.repository';
import { UsersRepository, type UserChanges } from './users.repository';

export interface ProfileChanges {
  email?: string;
  username?: string;
  bio?: string | null;
  image?: string | null;
}

/** Accounts: creation, lookup, profile changes, roles. Sessions and tokens live in AuthModule. */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly events: EventEmitter2,
    private readonly follows: FollowsRepository,
  ) {}

  async create(
    data: { email: string; username: string; password: string; role?: Role },
    manager?: EntityManager,
  ): Promise<User> {
    const passwordHash = await this.hasher.hash(data.password);
    return this.users.insert(
      { email: data.email, username: data.username, passwordHash, role: data.role ?? Role.Author },
      manager,
    );
  }

  /** The user if the password matches; `null` otherwise (same answer for an unknown email). */
  async verifyCredentials(email: string, password: string): Promise<User | null> {
    const user = await this.users.findByEmail(email);
    if (!user) {
      // Hash anyway so response time does not reveal whether the email exists.
      await this.hasher.hash(password);
      return null;
    }
    if (!(await this.hasher.verify(user.passwordHash, password))) return null;
    if (this.hasher.needsRehash(user.passwordHash)) {
      await this.users.update(user.id, { passwordHash: await this.hasher.hash(password) });
    }
    return user;
  }

  async verifyPassword(user: User, password: string): Promise<boolean> {
    return this.hasher.verify(user.passwordHash, password);
  }

  async getById(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new UserNotFoundError();
    return user;
  }

  /** A public profile with `following` relative to the viewer (false without one). */
  async getProfile(
    username: string,
    viewerId?: string,
  ): Promise<{ user: User; following: boolean }> {
    const user = await this.getByUsername(username);
    const following = viewerId ? await this.follows.isFollowing(viewerId, user.id) : false;
    return { user, following };
  }

  followerIds(userId: string): Promise<string[]> {
    return this.follows.followerIds(userId);
  }

  async follow(viewerId: string, username: string): Promise<User> {
    const user = await this.getByUsername(username);
    if (user.id === viewerId) throw new CannotFollowSelfError();
    await this.follows.follow(viewerId, user.id);
    return user;
  }

  async unfollow(viewerId: string, username: string): Promise<User> {
    const user = await this.getByUsername(username);
    await this.follows.unfollow(viewerId, user.id);
    return user;
  }

  async getByUsername(username: string): Promise<User> {
    const user = await this.users.findByUsername(username);
    if (!user) throw new UserNotFoundError('profile');
    return user;
  }

  /** Updates the account; subscribers refresh their copies of the public profile after it. */
  async updateProfile(id: string, changes: ProfileChanges): Promise<User> {
    const patch: UserChanges = {};
    if (changes.email !== undefined) patch.email = changes.email;
    if (changes.username !== undefined) patch.username = changes.username;
    if (changes.bio !== undefined) patch.bio = changes.bio;
    // An empty string clears the image, as RealWorld clients send "" for "no image".
    if (changes.image !== undefined) patch.image = changes.image === '' ? null : changes.image;
    if (Object.keys(patch).length) await this.users.update(id, patch);
    const user = await this.users.findById(id);
    if (!user) throw new UserNotFoundError();
    if (patch.username !== undefined || patch.bio !== undefined || patch.image !== undefined) {
      const event: UserProfileUpdatedEvent = { userId: id };
      await this.events.emitAsync(UserEvent.ProfileUpdated, event);
    }
    return user;
  }

  async setPassword(id: string, password: string, manager?: EntityManager): Promise<void> {
    await this.users.update(id, { passwordHash: await this.hasher.hash(password) }, manager);
  }

  async list(query: { limit: number; offset: number; sort: string; role?: Role }) {
    return this.users.list(query);
  }

  /**
   * Changes a role. Subscribers (the auth module) make the user's outstanding access tokens
   * stale, so the new role applies on their next request, not after a token lifetime.
   */
  async changeRole(id: string, role: Role): Promise<User> {
    await this.getById(id);
    await this.users.update(id, { role });
    const event: UserRoleChangedEvent = { userId: id, role };
    await this.events.emitAsync(UserEvent.RoleChanged, event);
    return this.getById(id);
  }

  /**
   * CLI `create-admin`: creates an admin. An existing account with that email is only promoted
   * when asked explicitly (`promote`), and then gets the operator's password — never keep a
   * password chosen by whoever registered the address.
   */
  async createAdmin(
    email: string,
    password: string,
    username: string,
    promote: boolean,
  ): Promise<{ user: User; promoted: boolean }> {
    const existing = await this.users.findByEmail(email);
    if (!existing) {
      return {
        user: await this.create({ email, username, password, role: Role.Admin }),
        promoted: false,
      };
    }
    if (!promote) throw new EmailTakenError();
    await this.setPassword(existing.id, password);
    return { user: await this.changeRole(existing.id, Role.Admin), promoted: true };
  }

  /**
   * First start: creates an admin account when there is no admin at all. It never promotes an
   * existing account (anyone could have registered that address). Replicas booting together may
   * race here: the loser's unique violation means "done".
   */
  async ensureAdmin(email: string, password: string): Promise<User | null> {
    if ((await this.users.countByRole(Role.Admin)) > 0) return null;
    try {
      return await this.create({ email, username: 'admin', password, role: Role.Admin });
    } catch (error) {
      if (error instanceof EmailTakenError || error instanceof UsernameTakenError) return null;
      throw error;
    }
  }
}
