import { MarkdownRenderer } from './markdown.renderer';

const renderer = new MarkdownRenderer();

/** Classic XSS vectors (OWASP cheat sheet style): none may survive as markup or script URL. */
const PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](&#106;avascript:alert(1))',
  '[click](vbscript:msgbox(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '![x](javascript:alert(1))',
  '![x](x" onerror="alert(1))',
  '<iframe src="https://evil.example"></iframe>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<form action="javascript:alert(1)"><button>x</button></form>',
  '`<script>alert(1)</script>`',
];

describe(MarkdownRenderer.name, () => {
  describe('render', () => {
    it('should render Markdown with code blocks, tables and links', () => {
      const html = renderer.render(
        '# Title\n\nSome *em* and **strong**.\n\n```ts\nconst a = 1 < 2;\n```\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n\n[Stoa](https://example.com)',
      );
      expect(html).toContain('<h1>Title</h1>');
      expect(html).toContain('<code class="language-ts">const a = 1 &lt; 2;\n</code>');
      expect(html).toContain('<table>');
      expect(html).toContain(
        '<a href="https://example.com" rel="nofollow noopener noreferrer">Stoa</a>',
      );
    });

    it.each(PAYLOADS)('should neutralise %s', (payload) => {
      const html = renderer.render(payload);
      // Real tags only: escaped input (`&lt;script&gt;`) is harmless text.
      const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
      for (const tag of tags) {
        expect(tag).not.toMatch(
          /^<(script|iframe|svg|math|form|details|style|div|object|embed)\b/i,
        );
        expect(tag).not.toMatch(/\son\w+\s*=/i);
        expect(tag).not.toMatch(/\b(href|src)\s*=\s*"\s*(javascript|vbscript|data):/i);
      }
    });
  });
});
