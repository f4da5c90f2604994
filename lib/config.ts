import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const GIB = 1024 ** 3;

const csv = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', ''])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');

/** Every environment variable the service reads; nothing else in the project reads process.env. */
export const ConfigSchema = z.object({
  AWS_REGION: z.string().default('us-east-1'),
  RUNS_TABLE: z.string().min(3).default('retriever-runs'),
  KEYS_TABLE: z.string().min(3).default('retriever-keys'),
  CODES_TABLE: z.string().min(3).default('retriever-codes'),
  SESSIONS_TABLE: z.string().min(3).default('retriever-sessions'),
  ARTIFACTS_BUCKET: z.string().min(3).default('retriever-artifacts'),
  STATE_MACHINE_ARN: z.string().default(''),
  EVENT_BUS_NAME: z.string().default('default'),
  DYNAMODB_ENDPOINT: z.string().default(''),
  S3_ENDPOINT: z.string().default(''),
  MAX_STEPS_LIMIT: int(50, 1),
  RUN_TIMEOUT_S: int(1800, 10),
  /** Seconds of work per browser-step invocation where no Lambda deadline applies (local mode). */
  BROWSER_STEP_BUDGET_S: int(840, 20),
  DOWNLOAD_URL_TTL_S: int(86_400, 60),
  MAX_FILE_BYTES: int(GIB, 1),
  MAX_RUN_FILES: int(64, 1),
  MAX_RUN_BYTES: int(4 * GIB, 1),
  ALLOWED_PRIVATE_HOSTS: csv,
  INSECURE_TLS_HOSTS: csv,
  ALLOW_LOOPBACK: bool(false),
  PROXY_URLS: z
    .string()
    .default('{}')
    .transform((value, ctx) => {
      try {
        return z.record(z.string(), z.url()).parse(JSON.parse(value));
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'PROXY_URLS must be a JSON object of proxy location to proxy URL',
        });
        return z.NEVER;
      }
    }),
  WEBHOOK_SECRET: z.string().default(''),
  /** The model planner: none (deterministic planner only), Amazon Bedrock, or OpenAI-compatible. */
  MODEL_PROVIDER: z.enum(['none', 'bedrock', 'openai']).default('none'),
  MODEL_ID: z.string().default(''),
  MODEL_BASE_URL: z.string().default(''),
  /** Secrets Manager ARN of the OpenAI-compatible endpoint's API key. */
  MODEL_API_KEY_SECRET_ARN: z.string().default(''),
  APP_URL_BASE: z.string().default(''),
  CHROMIUM_PATH: z.string().default(''),
  CHROMIUM_BIN_DIR: z.string().default(''),
  WORK_DIR: z.string().default(''),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('INFO'),
  PORT: int(8080, 0),
  DATA_DIR: z.string().default('.data'),
});

export type Config = Readonly<z.infer<typeof ConfigSchema>> & { readonly workDir: string };

/** Parses an environment into a frozen config, failing with the names of the bad variables. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  const workDir = parsed.data.WORK_DIR || path.join(os.tmpdir(), 'retriever');

  return Object.freeze({ ...parsed.data, workDir });
}
