import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { authConfig, type AuthConfig } from '@/config';
import { AccessTokenService } from './access-token.service';

/** Token verification and the global guard; account features live in modules/auth. */
@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [authConfig.KEY],
      useFactory: (auth: AuthConfig) => ({
        secret: auth.jwtSecret,
        signOptions: { algorithm: 'HS256', issuer: 'stoa' },
        verifyOptions: { algorithms: ['HS256'], issuer: 'stoa' },
      }),
    }),
  ],
  providers: [AccessTokenService],
  exports: [AccessTokenService],
})
export class AuthCoreModule {}
