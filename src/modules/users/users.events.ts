/** Events of the users module, emitted after commit. */
export enum UserEvent {
  Registered = 'users.registered',
  RoleChanged = 'users.roleChanged',
}

export interface UserRegisteredEvent {
  userId: string;
}

export interface UserRoleChangedEvent {
  userId: string;
  role: string;
}
