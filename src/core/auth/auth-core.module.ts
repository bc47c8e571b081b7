import { createSecretKey } from 'node:crypto';
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
        // A KeyObject, not the string: given a string, jsonwebtoken first tries to parse it as a
        // public key on every sign/verify (a thrown-and-caught error, ≈ 300 µs) — measured as
        // 37% of CPU time on authenticated requests (bench/README.md). With a KeyObject: ≈ 6 µs.
        secret: createSecretKey(Buffer.from(auth.jwtSecret)),
        signOptions: { algorithm: 'HS256', issuer: 'stoa' },
        verifyOptions: { algorithms: ['HS256'], issuer: 'stoa' },
      }),
    }),
  ],
  providers: [AccessTokenService],
  exports: [AccessTokenService],
})
export class AuthCoreModule {}
