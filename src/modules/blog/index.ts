export { BlogModule } from './blog.module';
export { ArticlesService } from './articles.service';
export { BlogSeeder } from './blog.seed';
export { BlogWorkerModule } from './blog-worker.module';
export { BlogPublishingSweep } from './blog.processor';
export { BlogEvent, type ArticlePublishedEvent } from './blog.events';
