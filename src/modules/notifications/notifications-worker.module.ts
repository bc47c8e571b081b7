import { Module } from '@nestjs/common';
import { NotificationsModule } from './notifications.module';
import { NotificationsProcessor } from './notifications.processor';

/** The `mail` queue's processor, loaded by worker roles only. */
@Module({ imports: [NotificationsModule], providers: [NotificationsProcessor] })
export class NotificationsWorkerModule {}
