/** Events of the blog module, published through the outbox (after commit, at least once). */
export enum BlogEvent {
  ArticlePublished = 'blog.articlePublished',
}

export interface ArticlePublishedEvent {
  articleId: string;
  authorId: string;
}
