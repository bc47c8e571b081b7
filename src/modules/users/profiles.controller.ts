import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@/core/auth/auth.decorators';
import { ErrorBody } from '@/core/http/error-body';
import { ProfileResponse, toProfileDto } from './dto/user-response.dto';
import { UsersService } from './users.service';

@ApiTags('profiles')
@Controller({ path: 'profiles', version: '1' })
export class ProfilesController {
  constructor(private readonly users: UsersService) {}

  /** Public profile of a user (RealWorld `GET /profiles/:username`). */
  @Public()
  @Get(':username')
  @ApiOkResponse({ type: ProfileResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  async getProfile(@Param('username') username: string): Promise<ProfileResponse> {
    // `following` becomes viewer-relative once the blog module adds follows.
    return { profile: toProfileDto(await this.users.getByUsername(username)) };
  }
}
