export { UsersModule } from './users.module';
export { UsersService, type ProfileChanges } from './users.service';
export {
  UserEvent,
  type UserProfileUpdatedEvent,
  type UserRegisteredEvent,
  type UserRoleChangedEvent,
} from './users.events';
export type { User } from './entities/user.entity';
export { toUserDto, UserResponse, UserDto } from './dto/user-response.dto';
export { UserFieldRules } from './dto/user-fields';
export { EmailTakenError, UserNotFoundError, UsernameTakenError } from './users.errors';
export { AccountModel } from './dto/user.model';
