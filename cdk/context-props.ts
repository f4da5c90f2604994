import { Duration } from 'aws-cdk-lib';
import { z } from 'zod';
import type { ModelSettings, RetrieverProps } from './settings.ts';

const positive = z.number().int().positive();

/**
 * The deployment settings a `cdk.json` or `-c retriever='{...}'` can carry: the construct's
 * props in JSON, with durations in seconds or days.
 */
export const ContextSchema = z.strictObject({
  stackName: z.string().default('Retriever'),
  alarmEmail: z.email().optional(),
  browserStepMemoryMiB: positive.optional(),
  maxConcurrentBrowsers: positive.optional(),
  serviceMemoryMiB: positive.optional(),
  runTimeoutSeconds: positive.optional(),
  maxStepsLimit: positive.optional(),
  downloadUrlTtlSeconds: positive.optional(),
  maxFileBytes: positive.optional(),
  maxRunFiles: positive.optional(),
  maxRunBytes: positive.optional(),
  artifactRetentionDays: positive.optional(),
  allowedPrivateHosts: z.array(z.string()).optional(),
  insecureTlsHosts: z.array(z.string()).optional(),
  proxyUrls: z.record(z.string(), z.string()).optional(),
  bedrockModelId: z.string().optional(),
  openai: z
    .strictObject({ baseUrl: z.url(), modelId: z.string(), apiKeySecretName: z.string() })
    .optional(),
  eventBus: z.string().optional(),
  apiRateLimit: positive.optional(),
  apiBurstLimit: positive.optional(),
  apiCloudWatchRole: z.boolean().optional(),
  webAclArn: z.string().optional(),
  appUrlBase: z.string().optional(),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).optional(),
  logRetentionDays: positive.optional(),
  destroyData: z.boolean().optional(),
});

export type DeploymentContext = z.infer<typeof ContextSchema>;

/** Parses the `retriever` context value (an object, or JSON text from the command line). */
export function parseContext(value: unknown): DeploymentContext {
  const raw = typeof value === 'string' ? JSON.parse(value) : (value ?? {});
  const parsed = ContextSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new Error(`Invalid "retriever" context: ${problems.join('; ')}`);
  }

  return parsed.data;
}

/** Turns the context into construct props. */
export function propsFromContext(context: DeploymentContext): RetrieverProps {
  const {
    stackName: _stackName,
    alarmEmail: _alarmEmail,
    runTimeoutSeconds,
    downloadUrlTtlSeconds,
    artifactRetentionDays,
    bedrockModelId,
    openai,
    ...settings
  } = context;
  const seconds = (value?: number) => (value === undefined ? undefined : Duration.seconds(value));

  return {
    ...settings,
    runTimeout: seconds(runTimeoutSeconds),
    downloadUrlTtl: seconds(downloadUrlTtlSeconds),
    artifactRetention:
      artifactRetentionDays === undefined ? undefined : Duration.days(artifactRetentionDays),
    model: modelOf(bedrockModelId, openai),
  };
}

function modelOf(
  bedrockModelId: string | undefined,
  openai: DeploymentContext['openai'],
): ModelSettings | undefined {
  if (openai) {
    const { baseUrl, modelId, apiKeySecretName } = openai;
    return { provider: 'openai', baseUrl, modelId, apiKeySecret: apiKeySecretName };
  }

  return bedrockModelId ? { provider: 'bedrock', modelId: bedrockModelId } : undefined;
}
