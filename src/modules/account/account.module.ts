import { Module } from '@nestjs/common';
import { CsrfService } from '@/core/security/csrf';
import { AuthModule } from '@/modules/auth';
import { UsersModule } from '@/modules/users';
import { AccountController } from './account.controller';

@Module({
  imports: [AuthModule, UsersModule],
  controllers: [AccountController],
  providers: [CsrfService],
})
export class AccountModule {}
