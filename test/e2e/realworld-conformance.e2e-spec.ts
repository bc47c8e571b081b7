import type { AddressInfo } from 'node:net';
import { run, type NewmanRunFailure, type NewmanRunSummary } from 'newman';
import { fromRoot } from '@/core/paths';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** Vendored unmodified; source and commit in test/conformance/realworld/README.md. */
const COLLECTION = fromRoot('test', 'conformance', 'realworld', 'Conduit.postman_collection.json');

/**
 * Assertions of the official collection we fail on purpose, as `request › assertion`.
 *
 * The current RealWorld spec leaves `body` out of article list items ("Multiple Articles",
 * https://www.realworld.how/specifications/backend/api-response-format/#multiple-articles) and so
 * do we, but the collection (commit cb63cd8f) still asserts `body` on the first article of every
 * list it reads. Single-article responses keep `body` and pass that assertion. Anything not
 * listed here fails the test; an entry that starts passing fails it too, so the list cannot rot.
 */
const SPEC_DEVIATIONS = [
  'All Articles',
  'All Articles with auth',
  'Articles by Author',
  'Articles by Author with auth',
  'Articles by Tag',
  'Articles Favorited by Username',
  'Articles Favorited by Username with auth',
].map((request) => `${request} › Article has "body" property`);

const describeFailure = (f: NewmanRunFailure): string =>
  `${f.source?.name ?? '(collection)'} › ${f.error.test ?? `${f.at}: ${f.error.name}: ${f.error.message}`}`;

/** Runs the collection the way upstream `api/run-api-tests.sh` does, minus the CLI. */
function runCollection(apiUrl: string): Promise<NewmanRunSummary> {
  const username = `u${Date.now()}`;
  return new Promise((resolve, reject) => {
    run(
      {
        collection: COLLECTION,
        // The script passes these four with --global-var; the collection stores token, slug and
        // commentId as globals as it goes.
        globalVar: [
          { key: 'APIURL', value: apiUrl },
          { key: 'USERNAME', value: username },
          { key: 'EMAIL', value: `${username}@mail.com` },
          { key: 'PASSWORD', value: 'password' },
        ],
        // The script waits 500 ms between requests to spare the shared public demo server. This app
        // is private to the test file and createTestApp already lifts the rate limits (auth
        // included) far above the collection's 32 requests, so no delay is needed.
        delayRequest: 0,
        timeoutRequest: 10_000,
        reporters: [],
      },
      (error, summary) => (error ? reject(error) : resolve(summary)),
    );
  });
}

describe('RealWorld conformance — official Postman collection via newman (e2e)', () => {
  let t: TestApp;
  let summary: NewmanRunSummary;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    summary = await runCollection(`http://127.0.0.1:${port}/api/v1`);
  });

  afterAll(async () => {
    await t?.close();
  });

  const assertionFailures = () =>
    summary.run.failures.filter((f) => f.error.name === 'AssertionError').map(describeFailure);

  it('should send every request of the collection without a request or script error', () => {
    expect(summary.run.stats.requests).toMatchObject({ total: 32, failed: 0 });
    expect(
      summary.run.failures.filter((f) => f.error.name !== 'AssertionError').map(describeFailure),
    ).toEqual([]);
  });

  it('should answer every request with a 2xx status', () => {
    // The two DELETE requests carry no assertions in the collection; this covers them.
    const statuses = summary.run.executions.map((e) => `${e.item.name} ${e.response?.code}`);
    expect(statuses.filter((s) => !/ 2\d\d$/.test(s))).toEqual([]);
  });

  it('should pass every assertion except the listed spec deviations', () => {
    expect(summary.run.stats.assertions.total).toBeGreaterThan(300);
    expect(assertionFailures().filter((f) => !SPEC_DEVIATIONS.includes(f))).toEqual([]);
  });

  it('should still fail each listed spec deviation (drop an entry once it passes)', () => {
    expect(
      assertionFailures()
        .filter((f) => SPEC_DEVIATIONS.includes(f))
        .sort(),
    ).toEqual([...SPEC_DEVIATIONS].sort());
  });
});
