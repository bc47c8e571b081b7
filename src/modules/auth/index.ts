export { AuthModule } from './auth.module';
export { AuthWorkerModule } from './auth-worker.module';
export { AuthService, type IssuedTokens } from './auth.service';
export { SessionsService, type ClientInfo } from './sessions.service';
export { SessionsCleanupTask } from './sessions-cleanup.task';
export { InvalidCredentialsError } from './auth.errors';
