import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAGIC, seededStream } from '../fixtures/bytes.ts';
import { html, type Site, startSite } from '../fixtures/site.ts';
import { send, throttle } from '../fixtures/stream-body.ts';
import { type LocalApi, startLocalApi } from '../support/local-api.ts';

/** 40 MB at 1 MB/s: the transfer would take 40 s if nothing stopped it. */
const BYTES = 40 * 1024 * 1024;
const RATE = 1024 * 1024;

let api: LocalApi;
let site: Site;
/** How the transfer ended: `finish` when every byte went out, `close` when the client left. */
let transfer: Promise<'finish' | 'close'>;
let started: Promise<void>;

beforeAll(async () => {
  api = await startLocalApi();
  let began!: () => void;
  started = new Promise((resolve) => {
    began = resolve;
  });
  let ended!: (how: 'finish' | 'close') => void;
  transfer = new Promise((resolve) => {
    ended = resolve;
  });
  site = await startSite({
    'GET /': html('<h1>Backups</h1><a href="/backup.7z">Download backup.7z</a>'),
    'GET /backup.7z': async (_req, res: ServerResponse) => {
      res.writeHead(200, {
        'content-type': 'application/x-7z-compressed',
        'content-disposition': 'attachment; filename="backup.7z"',
        'content-length': String(BYTES),
      });
      res.once('finish', () => ended('finish'));
      res.once('close', () => {
        if (!res.writableFinished) ended('close');
      });
      began();
      await send(res, throttle(seededStream(7, BYTES, MAGIC.sevenZip), RATE));
    },
  });
});
afterAll(async () => {
  await site?.close();
  await api?.close();
});

describe('a run cancelled while its file downloads', () => {
  it('stops the transfer and stores nothing', async () => {
    const created = await api.call('POST', '/v1/run/tasks/download_files', {
      url: `${site.origin}/`,
      navigation_goal: 'Download backup.7z',
    });
    const runId = created.json.run_id;
    await started;
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const canceled = await api.call('POST', `/v1/runs/${runId}/cancel`);
    const how = await transfer;
    const run = (await api.call('GET', `/v1/runs/${runId}`)).json;

    expect(canceled.status).toBe(200);
    expect(how).toBe('close');
    expect(run.status).toBe('canceled');
    expect(run.downloaded_files).toEqual([]);
  }, 90_000);
});
