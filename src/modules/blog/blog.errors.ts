import { DomainError, ErrorKind } from '@/core/http/domain-error';

export class ArticleNotFoundError extends DomainError {
  constructor() {
    super('BLOG.ARTICLE_NOT_FOUND', 'article not found', ErrorKind.NotFound, {
      article: ['not found'],
    });
  }
}

export class CommentNotFoundError extends DomainError {
  constructor() {
    super('BLOG.COMMENT_NOT_FOUND', 'comment not found', ErrorKind.NotFound, {
      comment: ['not found'],
    });
  }
}

export class NotTheAuthorError extends DomainError {
  constructor(what: 'article' | 'comment') {
    super('BLOG.NOT_THE_AUTHOR', `only the author may change this ${what}`, ErrorKind.Forbidden, {
      [what]: ['forbidden'],
    });
  }
}

export class StaleArticleError extends DomainError {
  constructor() {
    super(
      'BLOG.STALE_ARTICLE',
      'the article changed since you loaded it; reload and reapply your edit',
      ErrorKind.PreconditionFailed,
      { article: ['was changed by someone else'] },
    );
  }
}
