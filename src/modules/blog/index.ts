export { BlogModule } from './blog.module';
export { ArticlesService } from './articles.service';
export { BlogSeeder } from './blog.seed';
