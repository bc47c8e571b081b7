import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const DOCS_DIR = path.join(ROOT, 'docs');
const DOC = path.join(DOCS_DIR, 'roadmap.md');

const TOPIC_COUNT = 105;
const CHAPTER_COUNT = 27;
const STATUSES = ['done', 'partial', 'planned', 'n/a'] as const;
type Status = (typeof STATUSES)[number];

/** What each status cell must look like (see the legend at the top of the document). */
const STATUS_FORMS: Record<Status, RegExp> = {
  done: /^done$/,
  partial: /^partial — \S.*$/,
  planned: /^planned \(issue: \S.*\)$/,
  'n/a': /^n\/a \(Python-only; \S.*\)$/,
};

const TEST_FILE = /\.(e2e-spec|int-spec|spec)\.ts$/;

interface Row {
  line: number;
  chapter: number | undefined;
  number: number;
  topic: string;
  where: string;
  proof: string;
  status: string;
}

/** Splits a Markdown table row on unescaped pipes. */
function cellsOf(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** Relative link targets (`[text](target)`), without `#fragment`; absolute URLs are skipped. */
function linksOf(markdown: string): string[] {
  return [...markdown.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((target) => !/^([a-z][a-z\d+.-]*:|#)/i.test(target))
    .map((target) => target.split('#')[0]);
}

const fromDocs = (target: string): string => path.resolve(DOCS_DIR, target);

function statusOf(row: Row): Status | undefined {
  return STATUSES.find((s) => row.status === s || row.status.startsWith(`${s} `));
}

describe('docs/roadmap.md', () => {
  const text = readFileSync(DOC, 'utf8');
  const lines = text.split('\n');
  const chapters: number[] = [];
  const rows: Row[] = [];
  const badRows: string[] = [];

  let chapter: number | undefined;
  lines.forEach((line, index) => {
    const heading = /^### Chapter (\d+):/.exec(line);
    if (heading) {
      chapter = Number(heading[1]);
      chapters.push(chapter);
      return;
    }
    if (!/^\|\s*\d+\s*\|/.test(line)) return;
    const cells = cellsOf(line);
    if (cells.length !== 5) {
      badRows.push(`line ${index + 1}: ${cells.length} cells`);
      return;
    }
    const [number, topic, where, proof, status] = cells;
    rows.push({ line: index + 1, chapter, number: Number(number), topic, where, proof, status });
  });

  it('should list the chapters 1..27 in order', () => {
    expect(chapters).toEqual(Array.from({ length: CHAPTER_COUNT }, (_, i) => i + 1));
  });

  it('should have exactly 105 topic rows, numbered 1..105 in order, each under a chapter', () => {
    expect(badRows).toEqual([]);
    expect(rows.map((r) => r.number)).toEqual(Array.from({ length: TOPIC_COUNT }, (_, i) => i + 1));
    expect(rows.filter((r) => r.chapter === undefined).map((r) => r.number)).toEqual([]);
  });

  it('should name every topic once', () => {
    const topics = rows.map((r) => r.topic);
    expect(topics.filter((t) => t.length === 0)).toEqual([]);
    expect(topics.filter((t, i) => topics.indexOf(t) !== i)).toEqual([]);
  });

  it('should give every row a status in one of the documented forms', () => {
    const invalid = rows
      .filter((r) => {
        const status = statusOf(r);
        return !status || !STATUS_FORMS[status].test(r.status);
      })
      .map((r) => `#${r.number}: ${r.status}`);
    expect(invalid).toEqual([]);
  });

  it('should only link to files and folders that exist', () => {
    const missing = [...new Set(linksOf(text))].filter((target) => !existsSync(fromDocs(target)));
    expect(missing).toEqual([]);
  });

  it('should name at least one existing test file in every done row', () => {
    const unproved = rows
      .filter((r) => statusOf(r) === 'done')
      .filter(
        (r) =>
          !linksOf(r.proof).some(
            (target) => TEST_FILE.test(target) && existsSync(fromDocs(target)),
          ),
      )
      .map((r) => `#${r.number} ${r.topic}`);
    expect(unproved).toEqual([]);
  });

  it('should quote only test titles that exist in the test files linked beside them', () => {
    const unknown: string[] = [];
    for (const row of rows) {
      const sources = linksOf(row.proof)
        .filter((target) => TEST_FILE.test(target) && existsSync(fromDocs(target)))
        .map((target) => readFileSync(fromDocs(target), 'utf8'));
      for (const [, title] of row.proof.matchAll(/"([^"]+)"/g)) {
        if (!sources.some((source) => source.includes(title))) {
          unknown.push(`#${row.number}: "${title}"`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });

  it('should end with a summary that matches the table', () => {
    const summary = text.slice(text.indexOf('## Summary'));
    expect(summary).not.toBe(text);
    const counted = Object.fromEntries(
      STATUSES.map((s) => [s, rows.filter((r) => statusOf(r) === s).length]),
    );
    const stated = Object.fromEntries(
      STATUSES.map((s) => {
        const match = new RegExp(
          `^\\|\\s*\`${s.replace('/', '\\/')}\`\\s*\\|\\s*(\\d+)\\s*\\|`,
          'm',
        ).exec(summary);
        return [s, match ? Number(match[1]) : undefined];
      }),
    );
    expect(stated).toEqual(counted);
    expect(/^\|\s*Total\s*\|\s*(\d+)\s*\|/m.exec(summary)?.[1]).toBe(String(TOPIC_COUNT));
  });
});
