import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Public, RequirePermissions } from '@/core/auth/auth.decorators';
import { Permission, type AuthUser } from '@/core/auth/permissions';
import { ErrorBody } from '@/core/http/error-body';
import { ProfileResponse, toProfileDto } from './dto/user-response.dto';
import { UsersService } from './users.service';

/** RealWorld profiles: read (optional auth), follow and unfollow. */
@ApiTags('profiles')
@Controller({ path: 'profiles', version: '1' })
export class ProfilesController {
  constructor(private readonly users: UsersService) {}

  /** Public profile of a user; `following` is relative to the caller when a token is sent. */
  @Public()
  @Get(':username')
  @ApiOkResponse({ type: ProfileResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  async getProfile(
    @Param('username') username: string,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<ProfileResponse> {
    const { user, following } = await this.users.getProfile(username, viewer?.id);
    return { profile: toProfileDto(user, following) };
  }

  /** Follows a user (idempotent). */
  @RequirePermissions(Permission.AccountSelf)
  @Post(':username/follow')
  @HttpCode(200)
  @ApiOkResponse({ type: ProfileResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  async followUser(
    @Param('username') username: string,
    @CurrentUser() viewer: AuthUser,
  ): Promise<ProfileResponse> {
    return { profile: toProfileDto(await this.users.follow(viewer.id, username), true) };
  }

  /** Unfollows a user (idempotent). */
  @RequirePermissions(Permission.AccountSelf)
  @Delete(':username/follow')
  @ApiOkResponse({ type: ProfileResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  async unfollowUser(
    @Param('username') username: string,
    @CurrentUser() viewer: AuthUser,
  ): Promise<ProfileResponse> {
    return { profile: toProfileDto(await this.users.unfollow(viewer.id, username), false) };
  }
}
