import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentUser, RequirePermissions } from '@/core/auth/auth.decorators';
import { Permission, type AuthUser } from '@/core/auth/permissions';
import { AccountModel, toAccountModel } from './dto/user.model';
import { UpdateProfileInput } from './dto/update-profile.input';
import { UsersService } from './users.service';

@Resolver(() => AccountModel)
export class UsersResolver {
  constructor(private readonly users: UsersService) {}

  /** The authenticated caller's account. */
  @RequirePermissions(Permission.AccountSelf)
  @Query(() => AccountModel)
  async me(@CurrentUser() user: AuthUser): Promise<AccountModel> {
    return toAccountModel(await this.users.getById(user.id));
  }

  /** Changes the caller's email, username, bio or image (passwords change over REST). */
  @RequirePermissions(Permission.AccountSelf)
  @Mutation(() => AccountModel)
  async updateProfile(
    @CurrentUser() user: AuthUser,
    @Args('input') input: UpdateProfileInput,
  ): Promise<AccountModel> {
    return toAccountModel(await this.users.updateProfile(user.id, input));
  }
}
