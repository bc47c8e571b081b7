export { NotificationsModule } from './notifications.module';
export { NotificationsWorkerModule } from './notifications-worker.module';
export { NotificationsService } from './notifications.service';
