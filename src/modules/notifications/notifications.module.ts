import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BlogModule } from '@/modules/blog';
import { ShopModule } from '@/modules/shop';
import { UsersModule } from '@/modules/users';
import { MailDelivery } from './entities/mail-delivery.entity';
import { Notification } from './entities/notification.entity';
import { InboxRepository } from './inbox.repository';
import { NotificationsController } from './notifications.controller';
import { MailDeliveriesRepository } from './mail-deliveries.repository';
import { NotificationsListener } from './notifications.listener';
import { NotificationsService } from './notifications.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([MailDelivery, Notification]),
    UsersModule,
    BlogModule,
    ShopModule,
  ],
  controllers: [NotificationsController],
  providers: [
    NotificationsService,
    NotificationsListener,
    MailDeliveriesRepository,
    InboxRepository,
  ],
  exports: [NotificationsService],
})
export class NotificationsModule {}
