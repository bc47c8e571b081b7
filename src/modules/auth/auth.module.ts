import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '@/modules/users';
import { AccountSessionsResolver } from './account-sessions.resolver';
import { AuthEventsListener } from './auth-events.listener';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { Session } from './entities/session.entity';
import { LocalStrategy } from './local.strategy';
import { OAuth2Controller } from './oauth2.controller';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

@Module({
  imports: [TypeOrmModule.forFeature([Session]), PassportModule, UsersModule],
  controllers: [AuthController, OAuth2Controller],
  providers: [
    AuthService,
    SessionsService,
    SessionsRepository,
    LocalStrategy,
    AccountSessionsResolver,
    AuthEventsListener,
  ],
  exports: [AuthService, SessionsService],
})
export class AuthModule {}
