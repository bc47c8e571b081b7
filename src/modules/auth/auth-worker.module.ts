import { Module } from '@nestjs/common';
import { AuthModule } from './auth.module';
import { SessionsCleanupTask } from './sessions-cleanup.task';

/** The auth module's background work, loaded by worker roles only. */
@Module({
  imports: [AuthModule],
  providers: [SessionsCleanupTask],
})
export class AuthWorkerModule {}
