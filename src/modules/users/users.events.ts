/** Events of the users module, emitted after commit. */
export enum UserEvent {
  Registered = 'users.registered',
  RoleChanged = 'users.roleChanged',
  /** Username, bio or image changed: copies of the public profile must be refreshed. */
  ProfileUpdated = 'users.profileUpdated',
}

export interface UserRegisteredEvent {
  userId: string;
}

export interface UserRoleChangedEvent {
  userId: string;
  role: string;
}

export interface UserProfileUpdatedEvent {
  userId: string;
}
