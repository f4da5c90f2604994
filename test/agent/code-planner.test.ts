import { describe, expect, it } from 'vitest';
import { createCodePlanner } from '../../lib/agent/code-planner.ts';
import type { Decision, PlannerInput } from '../../lib/agent/planner.ts';
import type { Action } from '../../lib/browser/types.ts';
import { clicked, element, observation, storedFile } from './support/observations.ts';

const decide = (input: Partial<PlannerInput> & Pick<PlannerInput, 'goal' | 'observation'>) =>
  createCodePlanner({ now: () => new Date('2026-12-03T12:00:00Z') }).decide({
    history: [],
    files: [],
    ...input,
  });

function actions(decision: Decision): Action[] {
  if (decision.kind !== 'act') throw new Error(`expected act, got ${JSON.stringify(decision)}`);

  return decision.actions;
}

describe('createCodePlanner', () => {
  it('prefers the HTTPS mirror to an insecure link on a secure page', async () => {
    const insecure = element({
      text: 'Download tool 3.14',
      href: 'http://dl.test:8080/tool-3.14.zip',
    });
    const mirror = element({
      text: 'Mirror (HTTPS)',
      href: 'https://mirror.test:8444/tool-3.14.zip',
    });
    const page = observation({
      url: 'https://secure.test:8443/releases',
      elements: [insecure, mirror],
    });

    const decision = await decide({ goal: 'Download tool 3.14.', observation: page });

    expect(actions(decision)).toEqual([
      { kind: 'click', element: mirror.id, expectDownload: true },
    ]);
    expect(decision.kind === 'act' && decision.reason).toMatch(/Mirror \(HTTPS\)/);
    expect(decision.kind === 'act' && decision.reason).toMatch(
      /not 'Download tool 3.14': http link/,
    );
  });

  it('tries the next link when the browser blocked the first download', async () => {
    const redirect = element({ text: 'Download tool 3.14', href: 'https://secure.test/go/tool' });
    const mirror = element({ text: 'Mirror (HTTPS)', href: 'https://mirror.test/tool-3.14.zip' });
    const page = observation({ url: 'https://secure.test/releases', elements: [redirect, mirror] });
    const first = actions(await decide({ goal: 'get tool 3.14', observation: page }))[0];
    const tried = first.kind === 'click' && first.element === mirror.id ? mirror : redirect;
    const other = tried === mirror ? redirect : mirror;
    const blocked = clicked(1, page.url, tried, {
      ok: false,
      error: 'The download was blocked as insecure content (mixed content)',
    });

    const decision = await decide({ goal: 'get tool 3.14', observation: page, history: [blocked] });

    expect(actions(decision)).toEqual([{ kind: 'click', element: other.id, expectDownload: true }]);
  });

  it('opens a link of a sandboxed frame top-level instead of clicking it', async () => {
    const link = element({ text: 'Q2 report', href: '/widget/reports/q2.pdf', frame: 'f1' });
    const page = observation({
      url: 'http://app.test/dashboard',
      elements: [link],
      frames: [
        { path: 'f0', url: 'http://app.test/dashboard', sandbox: null },
        { path: 'f1', url: 'http://app.test/widget/reports', sandbox: 'allow-scripts allow-forms' },
      ],
    });

    const decision = await decide({ goal: 'Download the Q2 report', observation: page });

    expect(actions(decision)).toEqual([
      { kind: 'navigate', url: 'http://app.test/widget/reports/q2.pdf', expectDownload: true },
    ]);
    expect(decision.kind === 'act' && decision.reason).toMatch(/sandboxed frame/);
  });

  it('never clicks "click here" for a file already stored, and finishes', async () => {
    const again = element({ text: 'click here', href: 'http://app.test/files/report.pdf' });
    const page = observation({
      url: 'http://app.test/thanks',
      text: 'Your download will start shortly. If it does not, click here.',
      elements: [again],
    });
    const file = storedFile('report.pdf', 'http://app.test/files/report.pdf');

    const decision = await decide({
      goal: 'download all reports',
      observation: page,
      files: [file],
    });

    expect(decision.kind).toBe('done');
  });

  it('waits for a download in flight rather than clicking the export again', async () => {
    const exportButton = element({ text: 'Exporting…', disabled: true });
    const page = observation({ url: 'http://app.test/users', elements: [exportButton] });
    const history = [
      clicked(1, page.url, element({ text: 'Export to Excel' }), { pendingDownloads: 1 }),
    ];

    const decision = await decide({
      goal: 'Export the user list to Excel.',
      observation: page,
      history,
    });

    expect(actions(decision)).toEqual([{ kind: 'wait', ms: 5000 }]);
  });

  it('is done at once when the start URL itself was the file', async () => {
    const page = observation({ url: 'about:blank' });
    const file = storedFile('customers.csv', 'http://app.test/exports/customers.csv');

    const decision = await decide({
      goal: 'Download the customer list',
      observation: page,
      files: [file],
    });

    expect(decision).toMatchObject({
      kind: 'done',
      summary: expect.stringContaining('customers.csv'),
    });
  });

  it('closes a cookie banner in the same step as the download', async () => {
    const accept = element({ text: 'Accept all' });
    const link = element({
      text: 'Download the extract',
      href: 'http://app.test/data/extract.csv.gz',
    });
    const page = observation({
      url: 'http://app.test/data',
      text: 'We use cookies to improve the site. Accept all',
      elements: [link, accept],
    });

    const decision = await decide({ goal: 'grab the data extract', observation: page });

    expect(actions(decision).map((a) => a.kind)).toEqual(['click', 'click']);
    expect(actions(decision)[0]).toEqual({ kind: 'click', element: accept.id });
  });

  it('types a one-time code from the code source, as a secret', async () => {
    const field = element({ text: '', tag: 'input', type: 'text', name: 'Verification code' });
    const submit = element({ text: 'Verify', type: 'submit' });
    const page = observation({
      url: 'http://app.test/2fa',
      text: 'Enter the verification code from your authenticator app.',
      elements: [field, submit],
    });

    const decision = await decide({
      goal: 'download the latest invoice',
      observation: page,
      oneTimeCode: async () => '492039',
    });

    expect(actions(decision)).toEqual([
      { kind: 'fill', element: field.id, value: '492039', secret: true },
      { kind: 'click', element: submit.id },
    ]);
    expect(JSON.stringify(decision.kind === 'act' && decision.reason)).not.toContain('492039');
  });

  it('ends terminated when a code is asked for and no code source is configured', async () => {
    const field = element({ text: '', tag: 'input', type: 'text', name: 'One-time code' });
    const page = observation({
      url: 'http://app.test/2fa',
      text: 'Enter your one-time code',
      elements: [field],
    });

    const decision = await decide({ goal: 'download the latest invoice', observation: page });

    expect(decision).toMatchObject({ kind: 'impossible', reason: expect.stringMatching(/totp/) });
  });

  it('ends terminated when a login is required and the goal gives no credentials', async () => {
    const user = element({ text: '', tag: 'input', type: 'text', name: 'Email' });
    const password = element({ text: '', tag: 'input', type: 'password', name: 'Password' });
    const page = observation({ url: 'http://app.test/login', elements: [user, password] });

    const decision = await decide({ goal: 'download contract 77', observation: page });

    expect(decision).toMatchObject({
      kind: 'impossible',
      reason: expect.stringMatching(/log in.*contract 77/),
    });
  });

  it('ends terminated with the site words when access is denied', async () => {
    const page = observation({
      url: 'http://app.test/docs/77',
      title: 'Forbidden',
      text: 'Access denied. You do not have permission to view this document.',
      elements: [element({ text: 'Home', href: 'http://app.test/' })],
    });

    const decision = await decide({ goal: 'download contract 77', observation: page });

    expect(decision).toMatchObject({
      kind: 'impossible',
      reason: expect.stringMatching(/contract 77 is denied.*Access denied/),
    });
  });

  it('opens one by one the downloads the browser cancelled', async () => {
    const page = observation({ url: 'http://app.test/files', text: '3 files selected' });
    const history = [
      clicked(1, page.url, element({ text: 'Download selected' }), {
        files: ['a.csv'],
        abandonedUrls: ['http://app.test/file/b.pdf', 'http://app.test/file/c.png'],
      }),
    ];
    const files = [storedFile('a.csv', 'http://app.test/file/a.csv')];

    const decision = await decide({
      goal: 'Download all three selected files.',
      observation: page,
      history,
      files,
    });

    expect(actions(decision)).toEqual([
      { kind: 'navigate', url: 'http://app.test/file/b.pdf', expectDownload: true },
      { kind: 'navigate', url: 'http://app.test/file/c.png', expectDownload: true },
    ]);
  });

  it('prints the page to PDF when the page asked to be printed', async () => {
    const page = observation({
      url: 'http://app.test/orders/ORD-1/receipt',
      printRequested: true,
      text: 'Receipt',
    });

    const decision = await decide({ goal: 'save my receipt as PDF', observation: page });

    expect(actions(decision)).toEqual([{ kind: 'print_pdf', filename: 'receipt.pdf' }]);
  });

  it('picks the newest item for "latest" whatever the order of the list', async () => {
    const old = element({ text: 'Statement March 2024', href: 'http://app.test/s/2024-03.pdf' });
    const newest = element({
      text: 'Statement January 2025',
      href: 'http://app.test/s/2025-01.pdf',
    });
    const middle = element({ text: 'Statement July 2024', href: 'http://app.test/s/2024-07.pdf' });
    const page = observation({
      url: 'http://app.test/statements',
      elements: [old, newest, middle],
    });

    const decision = await decide({ goal: 'baixar o extrato mais recente', observation: page });

    expect(actions(decision)).toEqual([
      { kind: 'click', element: newest.id, expectDownload: true },
    ]);
  });

  it('keeps the password out of every reason', async () => {
    const user = element({ text: '', tag: 'input', type: 'text', name: 'Username' });
    const password = element({ text: '', tag: 'input', type: 'password', name: 'Password' });
    const submit = element({ text: 'Sign in', type: 'submit' });
    const page = observation({ url: 'http://app.test/login', elements: [user, password, submit] });
    const goal = 'log in as ana with password S3cret-Pa55 and get the latest bill';

    const first = await decide({ goal, observation: page });
    const refused = observation({ ...page, text: 'Incorrect password for ana.' });
    const history = actions(first).map((action) => ({
      ...clicked(1, page.url, submit),
      action: action.kind === 'fill' && action.secret ? { ...action, value: '***' } : action,
    }));
    const second = await decide({ goal, observation: refused, history });

    expect(actions(first)[1]).toEqual({
      kind: 'fill',
      element: password.id,
      value: 'S3cret-Pa55',
      secret: true,
    });
    expect(second).toMatchObject({
      kind: 'impossible',
      reason: expect.stringMatching(/refused.*Incorrect password/),
    });
    expect(JSON.stringify([first.kind === 'act' && first.reason, second])).not.toContain('S3cret');
  });
});

describe('createCodePlanner on a package registry', () => {
  const goal = 'Download version 1.0.0 of acme-widgets';

  it('opens the tab toward the wanted version instead of downloading the latest', async () => {
    const latest = element({ text: '', name: 'Download tarball' });
    const versions = element({ text: 'VERSIONS', role: 'tab' });
    const readme = element({ text: 'README', role: 'tab' });
    const page = observation({
      url: 'http://registry.test/-/web/detail/acme-widgets',
      text: 'acme-widgets Latest v1.1.0',
      elements: [latest, readme, versions],
    });

    const decision = await decide({ goal, observation: page });

    expect(actions(decision)).toEqual([{ kind: 'click', element: versions.id }]);
  });

  it("takes the page's own download on the page of the wanted version", async () => {
    const tarball = element({ text: '', name: 'Download tarball' });
    const page = observation({
      url: 'http://registry.test/-/web/detail/acme-widgets/v/1.0.0',
      text: 'acme-widgets v1.0.0',
      elements: [tarball],
    });

    const decision = await decide({ goal, observation: page });

    expect(actions(decision)).toEqual([
      { kind: 'click', element: tarball.id, expectDownload: true },
    ]);
  });
});
