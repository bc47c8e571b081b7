import { Controller, Get, Header, Inject, Param, Res, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { appConfig, type AppConfig } from '@/config';
import { Public } from '@/core/auth/auth.decorators';
import type { ArticleRow } from './articles.repository';
import { ArticlesService } from './articles.service';

const escapeXml = (s: string) =>
  s.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );

const FEED_SIZE = 20;

/**
 * RSS 2.0 for readers and a sitemap for crawlers, outside `/api`. Responses carry
 * `Last-Modified` (newest update) and an ETag; Express answers a matching conditional GET with
 * 304 and no body, so polling readers cost almost nothing.
 */
@ApiTags('feeds')
@Controller({ version: VERSION_NEUTRAL })
export class FeedsController {
  constructor(
    private readonly articles: ArticlesService,
    @Inject(appConfig.KEY) private readonly app: AppConfig,
  ) {}

  /** The whole blog, newest first. */
  @Public({ readToken: false })
  @Get('feeds/articles.rss')
  @ApiProduces('application/rss+xml')
  @ApiOkResponse({ description: 'RSS 2.0' })
  async blogFeed(@Res({ passthrough: true }) res: Response): Promise<string> {
    const { articles } = await this.articles.list({ limit: FEED_SIZE, offset: 0 });
    return this.rss(res, 'Stoa', '/', articles);
  }

  /** One author's articles. */
  @Public({ readToken: false })
  @Get('feeds/authors/:username/articles.rss')
  @ApiProduces('application/rss+xml')
  async authorFeed(
    @Param('username') username: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const { articles } = await this.articles.list({
      author: username,
      limit: FEED_SIZE,
      offset: 0,
    });
    return this.rss(
      res,
      `Stoa — ${username}`,
      `/profile/${encodeURIComponent(username)}`,
      articles,
    );
  }

  /** Articles with one tag. */
  @Public({ readToken: false })
  @Get('feeds/tags/:tag/articles.rss')
  @ApiProduces('application/rss+xml')
  async tagFeed(
    @Param('tag') tag: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const { articles } = await this.articles.list({ tag, limit: FEED_SIZE, offset: 0 });
    return this.rss(res, `Stoa — #${tag}`, `/?tag=${encodeURIComponent(tag)}`, articles);
  }

  /** Every article's canonical URL, for search engines. */
  @Public({ readToken: false })
  @Get('sitemap.xml')
  @Header('Content-Type', 'application/xml; charset=utf-8')
  @ApiProduces('application/xml')
  async sitemap(@Res({ passthrough: true }) res: Response): Promise<string> {
    const entries = await this.articles.sitemapEntries();
    this.cacheHeaders(res, entries[0]?.updatedAt);
    const urls = entries
      .map(
        (e) =>
          `  <url><loc>${escapeXml(this.url(`/article/${e.slug}`))}</loc><lastmod>${e.updatedAt}</lastmod></url>`,
      )
      .join('\n');
    return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls}\n</urlset>\n`;
  }

  private url(path: string): string {
    return `${this.app.publicUrl.replace(/\/$/, '')}${path}`;
  }

  private cacheHeaders(res: Response, newest: string | undefined): void {
    if (newest) res.setHeader('Last-Modified', new Date(newest).toUTCString());
    res.setHeader('Cache-Control', 'public, max-age=300');
  }

  private rss(res: Response, title: string, path: string, articles: ArticleRow[]): string {
    const newest = articles.reduce<string | undefined>(
      (max, a) => (!max || a.updatedAt > max ? a.updatedAt : max),
      undefined,
    );
    this.cacheHeaders(res, newest);
    res.type('application/rss+xml; charset=utf-8');
    const items = articles
      .map((a) => {
        const link = escapeXml(this.url(`/article/${a.slug}`));
        const categories = a.tagList.map((t) => `<category>${escapeXml(t)}</category>`).join('');
        return [
          '    <item>',
          `      <title>${escapeXml(a.title)}</title>`,
          `      <link>${link}</link>`,
          `      <guid isPermaLink="true">${link}</guid>`,
          `      <description>${escapeXml(a.description)}</description>`,
          `      <author>${escapeXml(a.author.username)}</author>`,
          `      <pubDate>${new Date(a.createdAt).toUTCString()}</pubDate>`,
          categories ? `      ${categories}` : '',
          '    </item>',
        ]
          .filter(Boolean)
          .join('\n');
      })
      .join('\n');
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<rss version="2.0">',
      '  <channel>',
      `    <title>${escapeXml(title)}</title>`,
      `    <link>${escapeXml(this.url(path))}</link>`,
      `    <description>${escapeXml(title)}: latest articles</description>`,
      newest ? `    <lastBuildDate>${new Date(newest).toUTCString()}</lastBuildDate>` : '',
      items,
      '  </channel>',
      '</rss>',
      '',
    ]
      .filter((line) => line !== '')
      .join('\n');
  }
}
