import { afterAll, beforeAll, it } from 'vitest';
import { file, html, startSite } from '../fixtures/site.ts';
import { type LocalApi, startLocalApi } from '../support/local-api.ts';
import { expectCompletedWith, expected, run } from './helpers.ts';

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api?.close());
// Side finding: the same page served at /a works, at /archive the planner finds nothing.
it('side: page whose URL path names the goal word ("/archive") still follows "Generate archive"', async () => {
  const body = Buffer.alloc(1000, 1);
  const app = await startSite({
    'GET /archive': html('<a href="/b">Generate archive</a>'),
    'GET /b': file(body, {
      'content-type': 'application/x-tar',
      'content-disposition': 'attachment; filename="export.tar"',
    }),
  });
  try {
    const f = await run(api, `${app.origin}/archive`, 'Download the archive');
    expectCompletedWith(f, [expected('export.tar', body)]);
  } finally {
    await app.close();
  }
});
