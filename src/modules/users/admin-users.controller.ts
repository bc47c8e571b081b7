import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Permission } from '@/core/auth/permissions';
import { RequirePermissions } from '@/core/auth/auth.decorators';
import { ErrorBody } from '@/core/http/error-body';
import {
  ChangeRoleBody,
  ListUsersQuery,
  toAdminUserDto,
  AdminUserDto,
  AdminUserListResponse,
} from './dto/admin-user.dto';
import { UsersService } from './users.service';

@ApiTags('admin')
@Controller({ path: 'admin/users', version: '1' })
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  /** Lists accounts, paginated and sorted by a whitelisted field. */
  @RequirePermissions(Permission.UsersRead)
  @Get()
  @ApiOkResponse({ type: AdminUserListResponse })
  async listUsers(@Query() query: ListUsersQuery): Promise<AdminUserListResponse> {
    const [users, total] = await this.users.list(query);
    return { users: users.map(toAdminUserDto), total };
  }

  /**
   * Changes a user's role. Effective at once: their access tokens become stale (they refresh and
   * get the new role), and cookie-session pages re-read the role on every request.
   */
  @RequirePermissions(Permission.UsersManage)
  @Patch(':id/role')
  @ApiOkResponse({ type: AdminUserDto })
  @ApiNotFoundResponse({ type: ErrorBody })
  async changeRole(
    @Param('id', new ParseUUIDPipe({ version: '4', errorHttpStatusCode: 404 })) id: string,
    @Body() body: ChangeRoleBody,
  ): Promise<AdminUserDto> {
    return toAdminUserDto(await this.users.changeRole(id, body.role));
  }
}
