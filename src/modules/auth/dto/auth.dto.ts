import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { Envelope } from '@/core/http/validation';
import { UserFieldRules } from '@/modules/users';

export class RegisterFields {
  @ApiProperty({ example: 'jake' })
  @UserFieldRules.username()
  username: string;

  @ApiProperty({ example: 'jake@jake.jake' })
  @UserFieldRules.email()
  email: string;

  @ApiProperty({ example: 'jakejake', minLength: 8 })
  @UserFieldRules.password()
  password: string;
}

/** RealWorld `POST /users` body. */
export class RegisterBody {
  @ApiProperty({ type: RegisterFields })
  @Envelope(() => RegisterFields)
  user: RegisterFields;
}

export class LoginFields {
  @ApiProperty({ example: 'jake@jake.jake' })
  @IsString()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'jakejake' })
  @IsString()
  @MaxLength(256)
  password: string;
}

/** RealWorld `POST /users/login` body. */
export class LoginBody {
  @ApiProperty({ type: LoginFields })
  @Envelope(() => LoginFields)
  user: LoginFields;
}

/**
 * A blank string means "unchanged": RealWorld settings forms send every field, `""` for those
 * the user left empty. (A blank email, username or password is never a valid new value.)
 */
const BlankMeansUnchanged = () =>
  Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value));

export class UpdateUserFields {
  @ApiPropertyOptional({ description: 'Blank: unchanged' })
  @BlankMeansUnchanged()
  @IsOptional()
  @UserFieldRules.email()
  email?: string;

  @ApiPropertyOptional({ description: 'Blank: unchanged' })
  @BlankMeansUnchanged()
  @IsOptional()
  @UserFieldRules.username()
  username?: string;

  /** Changing it here ends every other session (RealWorld sends no current password). */
  @ApiPropertyOptional({ minLength: 8, description: 'Blank: unchanged' })
  @BlankMeansUnchanged()
  @IsOptional()
  @UserFieldRules.password()
  password?: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @UserFieldRules.bio()
  bio?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @UserFieldRules.image()
  image?: string | null;
}

/** RealWorld `PUT /user` body. */
export class UpdateUserBody {
  @ApiProperty({ type: UpdateUserFields })
  @Envelope(() => UpdateUserFields)
  user: UpdateUserFields;
}

export class RefreshBody {
  /** Optional when the `stoa_refresh` cookie is sent instead. */
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(512)
  refreshToken?: string;
}

export class ChangePasswordBody {
  @ApiProperty()
  @IsString()
  @MaxLength(256)
  currentPassword: string;

  @ApiProperty({ minLength: 8 })
  @UserFieldRules.password()
  newPassword: string;
}

export class TokenPairResponse {
  @ApiProperty()
  accessToken: string;

  /** Only when the refresh token came in the body; cookie clients keep it in the cookie. */
  @ApiPropertyOptional({
    description: '`<session id>.<secret>`; single use, rotated on every refresh',
  })
  refreshToken?: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType: 'Bearer';

  @ApiProperty({ description: 'Access token lifetime in seconds' })
  expiresIn: number;
}

export class SessionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: String, nullable: true })
  userAgent: string | null;

  @ApiProperty({ type: String, nullable: true })
  ip: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  lastUsedAt: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;

  /** True for the session of the token making this request. */
  @ApiProperty()
  current: boolean;
}

export class SessionListResponse {
  @ApiProperty({ type: [SessionDto] })
  sessions: SessionDto[];
}

/** RFC 6749 §4.3 / §6 token request, form-encoded. */
export class OAuthTokenBody {
  @ApiProperty({ enum: ['password', 'refresh_token'] })
  @IsIn(['password', 'refresh_token'])
  grant_type: 'password' | 'refresh_token';

  @ApiPropertyOptional({ description: 'The account email (password grant)' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  username?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(256)
  password?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(512)
  refresh_token?: string;

  /** Accepted and ignored: Stoa grants no scopes beyond the role's permissions. */
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(512)
  scope?: string;

  /** Swagger UI sends these for public clients; no client authentication is required. */
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(256)
  client_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(256)
  client_secret?: string;
}

export class OAuthTokenResponse {
  @ApiProperty()
  access_token: string;

  @ApiProperty({ example: 'bearer' })
  token_type: 'bearer';

  @ApiProperty()
  expires_in: number;

  @ApiProperty()
  refresh_token: string;
}
