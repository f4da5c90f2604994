import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startC32Site } from '../fixtures/cases/c32.ts';
import { type BrowserHarness, startBrowserHarness } from '../support/browser-harness.ts';
import { clickByText, expectExactFiles, findElement } from '../support/case-assertions.ts';

let harness: BrowserHarness;
beforeAll(async () => {
  harness = await startBrowserHarness();
});
afterAll(() => harness.close());

describe('C32: a download that needs the browser session', () => {
  it('signs in through the form and stores the contract PDF', async () => {
    const site = await startC32Site();
    const { runId, session } = await harness.open({ startUrl: site.startUrl });
    await session.open(site.startUrl);

    await clickByText(session, 'Sign in');
    const form = await session.observe();
    const user = findElement(form, (e) => e.name.includes('User'));
    const password = findElement(form, (e) => e.type === 'password');
    await session.act({ kind: 'fill', element: user.id, value: 'demo' }, 10_000);
    await session.act(
      { kind: 'fill', element: password.id, value: 'demo-pass-123', secret: true },
      10_000,
    );
    await clickByText(session, 'Sign in');
    const result = await clickByText(session, 'Contract 77');
    await session.close();

    expect(result.errors).toEqual([]);
    expectExactFiles(await harness.files(runId), site.expected);
    await site.close();
  });

  it('refuses a login page that arrives under the document name', async () => {
    const site = await startC32Site({ misnamed: true });
    const { runId, session } = await harness.open({ startUrl: site.startUrl });
    await session.open(site.startUrl);

    const result = await clickByText(session, 'Contract 77');
    await session.close();

    expect(result.files).toHaveLength(1);
    expect(result.files[0].stored).toBeNull();
    expect(result.files[0].rejected).toMatch(/HTML page/);
    // the refusal is the file's, not an error of its own (the run records it once); on a busy
    // machine the transfer may be cut and fetched again, which is reported and allowed
    const ownErrors = result.errors.filter((e) => e.code !== 'download_interrupted');
    expect(ownErrors).toEqual([]);
    expect(await harness.files(runId)).toEqual([]);
    await site.close();
  });
});
