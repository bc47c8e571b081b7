import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsIn, IsOptional } from 'class-validator';
import { Role } from '@/core/auth/permissions';
import { OffsetPaginationQuery } from '@/core/http/pagination.dto';
import type { User } from '../entities/user.entity';
import { USER_SORT } from '../users.repository';

export class ListUsersQuery extends OffsetPaginationQuery {
  /** `field` ascending or `-field` descending. */
  @ApiPropertyOptional({ enum: USER_SORT.values, default: '-createdAt' })
  @IsOptional()
  @IsIn(USER_SORT.values)
  sort: string = '-createdAt';

  @ApiPropertyOptional({ enum: Role })
  @IsOptional()
  @IsEnum(Role)
  role?: Role;
}

export class ChangeRoleBody {
  @ApiProperty({ enum: Role })
  @IsEnum(Role)
  role: Role;
}

export class AdminUserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  email: string;

  @ApiProperty()
  username: string;

  @ApiProperty({ enum: Role })
  role: Role;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class AdminUserListResponse {
  @ApiProperty({ type: [AdminUserDto] })
  users: AdminUserDto[];

  @ApiProperty({ description: 'Total matching users before paging' })
  total: number;
}

export function toAdminUserDto(user: User): AdminUserDto {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
  };
}
