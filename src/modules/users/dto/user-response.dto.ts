import { ApiProperty } from '@nestjs/swagger';
import type { User } from '../entities/user.entity';

/** The RealWorld `User` object: the caller's own account plus their token. */
export class UserDto {
  @ApiProperty({ example: 'jake@jake.jake' })
  email: string;

  @ApiProperty({
    description: 'Access JWT; send it as `Authorization: Token <jwt>` or `Bearer <jwt>`',
  })
  token: string;

  @ApiProperty({ example: 'jake' })
  username: string;

  @ApiProperty({ type: String, nullable: true, example: 'I work at statefarm' })
  bio: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  image: string | null;

  @ApiProperty({ enum: ['admin', 'editor', 'author', 'customer'] })
  role: string;
}

export class UserResponse {
  @ApiProperty({ type: UserDto })
  user: UserDto;
}

export function toUserDto(user: User, token: string): UserDto {
  return {
    email: user.email,
    token,
    username: user.username,
    bio: user.bio,
    image: user.image,
    role: user.role,
  };
}

/** The RealWorld `Profile` object; `following` is relative to the viewer. */
export class ProfileDto {
  @ApiProperty({ example: 'jake' })
  username: string;

  @ApiProperty({ type: String, nullable: true })
  bio: string | null;

  @ApiProperty({ type: String, nullable: true })
  image: string | null;

  @ApiProperty()
  following: boolean;
}

export class ProfileResponse {
  @ApiProperty({ type: ProfileDto })
  profile: ProfileDto;
}

export function toProfileDto(user: User, following = false): ProfileDto {
  return { username: user.username, bio: user.bio, image: user.image, following };
}
