import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '@/modules/users';
import { MailDelivery } from './entities/mail-delivery.entity';
import { MailDeliveriesRepository } from './mail-deliveries.repository';
import { NotificationsListener } from './notifications.listener';
import { NotificationsService } from './notifications.service';

@Module({
  imports: [TypeOrmModule.forFeature([MailDelivery]), UsersModule],
  providers: [NotificationsService, NotificationsListener, MailDeliveriesRepository],
  exports: [NotificationsService],
})
export class NotificationsModule {}
