/** Events of the users module, emitted after commit. */
export enum UserEvent {
  Registered = 'users.registered',
}

export interface UserRegisteredEvent {
  userId: string;
}
