import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BlogModule } from '@/modules/blog';
import { UsersModule } from '@/modules/users';
import { MailDelivery } from './entities/mail-delivery.entity';
import { MailDeliveriesRepository } from './mail-deliveries.repository';
import { NotificationsListener } from './notifications.listener';
import { NotificationsService } from './notifications.service';

@Module({
  imports: [TypeOrmModule.forFeature([MailDelivery]), UsersModule, BlogModule],
  providers: [NotificationsService, NotificationsListener, MailDeliveriesRepository],
  exports: [NotificationsService],
})
export class NotificationsModule {}
