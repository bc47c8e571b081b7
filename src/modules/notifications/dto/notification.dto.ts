import { ApiProperty } from '@nestjs/swagger';

export class NotificationDto {
  @ApiProperty({ example: '42' })
  id: string;

  @ApiProperty({ example: 'article-published' })
  type: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { title: 'Hello', slug: 'hello-1a2b3c4d', author: 'jake' },
  })
  payload: Record<string, unknown>;

  @ApiProperty()
  read: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class NotificationPageResponse {
  @ApiProperty({ type: [NotificationDto] })
  notifications: NotificationDto[];

  @ApiProperty()
  unreadCount: number;

  /** Pass as `cursor` for the next (older) page; null at the end. */
  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
