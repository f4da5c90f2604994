import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { type BrowserSessionDeps, openBrowserSession } from '../../lib/browser/index.ts';
import type { BrowserSession, SessionOptions } from '../../lib/browser/types.ts';
import type { Config } from '../../lib/config.ts';
import type { StoredFile } from '../../lib/contracts/run.ts';
import { S3ArtifactStore } from '../../lib/files/s3-artifact-store.ts';
import { createLogger } from '../../lib/log.ts';
import { newRunId } from '../../lib/runs/ids.ts';
import { newRunRecord } from '../../lib/runs/run-record.ts';
import { DynamoRunStore } from '../../lib/runs/run-store.ts';
import { startTestEnvironment, type TestEnvironment } from './embedded.ts';

/** A file of a run as a caller sees it: name, size and the SHA-256 of the bytes in the bucket. */
export interface FetchedFile {
  filename: string;
  size: number;
  sha256: string;
}

export interface BrowserHarness {
  env: TestEnvironment;
  artifacts: S3ArtifactStore;
  runs: DynamoRunStore;
  config: Config;
  /** Creates a run record and opens a session for it. */
  open(options?: Partial<SessionOptions>): Promise<{ runId: string; session: BrowserSession }>;
  /** The run's files, with the bytes read back from the bucket and hashed. */
  files(runId: string): Promise<FetchedFile[]>;
  close(): Promise<void>;
}

/** Embedded S3 and DynamoDB plus a way to open real browser sessions against them. */
export async function startBrowserHarness(
  env: Record<string, string> = {},
): Promise<BrowserHarness> {
  const testEnv = await startTestEnvironment(env);
  const { config, clients } = testEnv;
  const artifacts = new S3ArtifactStore(clients.s3, config.ARTIFACTS_BUCKET);
  const runs = new DynamoRunStore(clients.dynamodb, config.RUNS_TABLE);
  const logger = createLogger('retriever-test', 'SILENT');
  const sessions: BrowserSession[] = [];

  return {
    env: testEnv,
    artifacts,
    runs,
    config,
    async open(options = {}) {
      const runId = newRunId();
      await runs.create(
        newRunRecord({
          runId,
          owner: 'test-owner',
          request: testRequest(options),
          now: new Date(),
          aiFallback: false,
        }),
      );
      const deps: BrowserSessionDeps = {
        artifacts,
        recordFile: (file: StoredFile) => runs.addFile(runId, file),
        config,
        logger,
      };
      const session = await openBrowserSession(
        {
          runId,
          deadline: Date.now() + 5 * 60_000,
          downloadTimeoutS: 120,
          downloadSuffix: null,
          extraHttpHeaders: null,
          headersOrigin: null,
          browserAddress: null,
          proxyUrl: null,
          existingFiles: [],
          storageState: null,
          ...options,
        },
        deps,
      );
      sessions.push(session);
      return { runId, session };
    },
    async files(runId) {
      const run = await runs.get(runId);
      const out: FetchedFile[] = [];
      for (const file of run?.files ?? []) {
        out.push({ filename: file.filename, ...(await hashObject(testEnv, file.key)) });
      }
      return out;
    },
    async close() {
      for (const session of sessions) await session.close().catch(() => undefined);
      await testEnv.close();
    },
  };
}

/** Size and SHA-256 of an object, read as a stream so that large files stay out of memory. */
async function hashObject(env: TestEnvironment, key: string) {
  const object = await env.clients.s3.send(
    new GetObjectCommand({ Bucket: env.config.ARTIFACTS_BUCKET, Key: key }),
  );
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of object.Body as Readable) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}

function testRequest(options: Partial<SessionOptions>) {
  return {
    navigation_goal: 'test',
    url: options.startUrl ?? null,
    webhook_url: null,
    proxy_location: 'NONE' as const,
    totp_identifier: null,
    totp_url: null,
    browser_session_id: null,
    browser_profile_id: null,
    browser_address: options.browserAddress ?? null,
    extra_http_headers: null,
    max_screenshot_scrolling_times: 3,
    download_suffix: options.downloadSuffix ?? null,
    download_timeout: options.downloadTimeoutS ?? 120,
    max_steps_per_run: 10,
  };
}
