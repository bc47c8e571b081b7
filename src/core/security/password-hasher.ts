import { Inject, Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { authConfig, type AuthConfig } from '@/config';

/**
 * argon2id, the OWASP first choice. Memory cost defaults to 19 MiB with 2 passes and 1 lane
 * (OWASP's minimum profile): ≈ 25–40 ms per hash on this 2-core machine, slow for an attacker's
 * GPU yet cheap enough that login is not a denial-of-service lever. Hashes carry their own
 * parameters, so raising the cost later only needs `needsRehash` on login.
 */
@Injectable()
export class PasswordHasher {
  constructor(@Inject(authConfig.KEY) private readonly auth: AuthConfig) {}

  private get options(): argon2.HashOptions & { raw?: false } {
    return {
      type: argon2.argon2id,
      memoryCost: this.auth.argon2MemoryKib,
      timeCost: 2,
      parallelism: 1,
    };
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, this.options);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, this.options);
  }
}
