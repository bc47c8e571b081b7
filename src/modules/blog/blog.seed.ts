import { Injectable, Logger } from '@nestjs/common';
import type { AuthUser } from '@/core/auth/permissions';
import { UsersService } from '@/modules/users';
import { ArticlesService } from './articles.service';

const ARTICLES = [
  {
    title: 'Transactions without tears',
    description: 'One use case, one transaction, side effects after commit.',
    tagList: ['postgresql', 'nestjs'],
    body: [
      '## Why one transaction per use case',
      '',
      'Registering a user writes the account, the first session and an outbox message.',
      '',
      '```ts',
      'await this.tx.run(async ({ manager }) => {',
      '  const user = await this.users.create(data, manager);',
      '  await this.outbox.add(manager, "users.registered", { userId: user.id });',
      '});',
      '```',
    ].join('\n'),
  },
  {
    title: 'Rotating refresh tokens',
    description: 'Detecting a stolen token by the one that comes back.',
    tagList: ['security', 'auth'],
    body: 'Each refresh returns a **new** token; the previous one, replayed later, revokes the family.',
  },
  {
    title: 'One query per list',
    description: 'Let PostgreSQL build the JSON.',
    tagList: ['postgresql', 'performance'],
    body: 'Use `json_build_object` and `json_agg` to return a page with its total in one round trip.',
  },
];

/** Demo content for `npm run seed`: idempotent (skips authors who already have articles). */
@Injectable()
export class BlogSeeder {
  private readonly logger = new Logger(BlogSeeder.name);

  constructor(
    private readonly articles: ArticlesService,
    private readonly users: UsersService,
  ) {}

  async seed(authors: readonly string[], readers: readonly string[]): Promise<void> {
    for (const [i, username] of authors.entries()) {
      const { total } = await this.articles.list({ author: username, limit: 1, offset: 0 });
      if (total > 0) continue;
      const author = await this.users.getByUsername(username);
      const actor: AuthUser = { id: author.id, role: author.role, sessionId: 'seed' };
      for (const article of ARTICLES.slice(i % 2, (i % 2) + 2)) {
        const created = await this.articles.create(actor, article);
        for (const readerName of readers) {
          const reader = await this.users.getByUsername(readerName);
          const readerActor: AuthUser = { id: reader.id, role: reader.role, sessionId: 'seed' };
          await this.articles.addComment(readerActor, created.slug, `Thanks, ${username}!`);
          await this.articles.favorite(readerActor, created.slug, true);
          await this.users.follow(reader.id, username);
        }
      }
      this.logger.log(`seeded articles by ${username}`);
    }
  }
}
