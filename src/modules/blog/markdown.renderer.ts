import { Injectable } from '@nestjs/common';
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Markdown → safe HTML, in two independent layers:
 * 1. markdown-it with raw HTML disabled (`<script>` in a body stays text) and its link
 *    validation (no `javascript:`, `vbscript:`, `file:` or non-image `data:` URLs);
 * 2. sanitize-html on the result with an allow-list of tags and attributes, so a renderer bug or
 *    plugin can never emit an event handler or a script URL.
 * Links get `rel="nofollow noopener noreferrer"`: user content must not pass on ranking or
 * `window.opener`.
 */
@Injectable()
export class MarkdownRenderer {
  private readonly md = new MarkdownIt({ html: false, linkify: true, typographer: false });

  private readonly policy: sanitizeHtml.IOptions = {
    allowedTags: [
      'h1',
      'h2',
      'h3',
      'h4',
      'h5',
      'h6',
      'p',
      'br',
      'hr',
      'blockquote',
      'pre',
      'code',
      'em',
      'strong',
      's',
      'ul',
      'ol',
      'li',
      'a',
      'img',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
    ],
    allowedAttributes: {
      a: ['href', 'title', 'rel'],
      img: ['src', 'alt', 'title'],
      code: ['class'],
      th: ['style'],
      td: ['style'],
      ol: ['start'],
    },
    allowedClasses: { code: [/^language-[\w-]+$/] },
    allowedStyles: { '*': { 'text-align': [/^(left|right|center)$/] } },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowProtocolRelative: false,
    transformTags: {
      a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener noreferrer' }),
    },
  };

  render(markdown: string): string {
    return sanitizeHtml(this.md.render(markdown), this.policy);
  }
}
