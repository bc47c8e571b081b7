import { Module } from '@nestjs/common';
import { BlogModule } from './blog.module';
import { BlogProcessor, BlogPublishingSweep } from './blog.processor';

/** The blog's background work (scheduled publishing), loaded by worker roles only. */
@Module({ imports: [BlogModule], providers: [BlogProcessor, BlogPublishingSweep] })
export class BlogWorkerModule {}
