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
  const local = await startLocalMode({ config, ...options });
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

/** A valid body for creating a download run. */
export const VALID_TASK = {
  url: 'https://example.com/invoices',
  navigation_goal: 'Download the latest invoice as PDF',
};
