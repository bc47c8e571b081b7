import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PasswordHasher } from '@/core/security/password-hasher';
import { AdminUsersController } from './admin-users.controller';
import { Follow } from './entities/follow.entity';
import { User } from './entities/user.entity';
import { FollowsRepository } from './follows.repository';
import { ProfilesController } from './profiles.controller';
import { UsersRepository } from './users.repository';
import { UsersResolver } from './users.resolver';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User, Follow])],
  controllers: [ProfilesController, AdminUsersController],
  providers: [UsersRepository, FollowsRepository, UsersService, UsersResolver, PasswordHasher],
  exports: [UsersService],
})
export class UsersModule {}
