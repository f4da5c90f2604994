import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { createAwsClients } from '../../lib/aws.ts';
import { loadConfig } from '../../lib/config.ts';
import {
  type LocalMode,
  type LocalModeOptions,
  startLocalMode,
} from '../../lib/local/local-mode.ts';
import type { Resolver } from '../../lib/net/resolve.ts';
import { QueueOnlyRunStarter } from '../../lib/runs/run-starter.ts';

/**
 * Local-mode options for tests of the API alone: runs are queued and stay queued, instead of
 * being run by the local state machine.
 */
export const QUEUE_ONLY: Omit<LocalModeOptions, 'config'> = {
  createStarter: ({ runs }) => new QueueOnlyRunStarter(runs),
};

export interface LocalApi {
  local: LocalMode;
  url: string;
  devKey: string;
  /** fetch against the API with the development key, JSON in and out. */
  call(
    method: string,
    pathAndQuery: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{
    status: number;
    headers: Headers;
    // biome-ignore lint/suspicious/noExplicitAny: tests read whichever fields an answer has
    json: any;
  }>;
  countRuns(): Promise<number>;
  close(): Promise<void>;
}

/** The real local mode (embedded DynamoDB and S3, HTTP server on a free port) in a temp folder. */
export async function startLocalApi(
  env: Record<string, string> = {},
  options: Omit<LocalModeOptions, 'config'> = {},
): Promise<LocalApi> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'retriever-api-'));
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'SILENT', ...env });
  const local = await startLocalMode({ config, resolver: offlineResolver, ...options });
  const { dynamodb } = createAwsClients(local.config);

  return {
    local,
    url: local.url,
    devKey: local.devKey,
    async call(method, pathAndQuery, body, headers = {}) {
      const response = await fetch(`${local.url}${pathAndQuery}`, {
        method,
        headers: {
          'x-api-key': local.devKey,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body:
          body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, json: JSON.parse(text) };
    },
    async countRuns() {
      const { Count } = await dynamodb.send(
        new ScanCommand({ TableName: local.config.RUNS_TABLE, Select: 'COUNT' }),
      );
      return Count ?? 0;
    },
    async close() {
      dynamodb.destroy();
      await local.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Answers name lookups without DNS, so tests send nothing off the machine: `localhost` is
 * loopback, names under `.invalid` do not exist, names under `.internal` are private, and any
 * other name is a public address.
 */
export const offlineResolver: Resolver = async (host) => {
  if (host === 'localhost') return ['127.0.0.1'];
  if (host.endsWith('.invalid')) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  if (host.endsWith('.internal')) return ['10.1.2.3'];

  return ['93.184.215.14'];
};

/** A valid body for creating a download run. */
export const VALID_TASK = {
  url: 'https://example.com/invoices',
  navigation_goal: 'Download the latest invoice as PDF',
};
