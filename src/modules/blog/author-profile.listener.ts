import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { UserEvent, type UserProfileUpdatedEvent } from '@/modules/users';
import { ArticlesService } from './articles.service';

/** Cached articles carry their author's profile: a profile change refreshes them. */
@Injectable()
export class AuthorProfileListener {
  constructor(private readonly articles: ArticlesService) {}

  @OnEvent(UserEvent.ProfileUpdated, { promisify: true, suppressErrors: false })
  async onProfileUpdated(event: UserProfileUpdatedEvent): Promise<void> {
    await this.articles.authorProfileChanged(event.userId);
  }
}
