import { Duration } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

/** Lambda's ceiling for ephemeral storage (/tmp). */
const MAX_EPHEMERAL_MIB = 10_240;
/** Room in /tmp for the unpacked Chromium (about 500 MB), its profile and the screenshots. */
const BROWSER_TMP_MIB = 1024;

/** The language model that plans steps when the deterministic planner needs help. */
export type ModelSettings =
  | {
      readonly provider: 'bedrock';
      /** A Bedrock model id, or an inference profile id such as `us.anthropic.…`. */
      readonly modelId: string;
    }
  | {
      readonly provider: 'openai';
      /** Base URL of an OpenAI-compatible endpoint, e.g. `https://api.openai.com/v1`. */
      readonly baseUrl: string;
      readonly modelId: string;
      /** The API key in Secrets Manager (the secret, or its name); read at start. */
      readonly apiKeySecret: ISecret | string;
    };

/** Everything a deployment can tune. Every prop is optional; the defaults suit a small team. */
export interface RetrieverProps {
  /**
   * Memory of the browser-step function, in MiB; CPU grows with it, and Chromium is CPU-bound.
   * @default 2048
   */
  readonly browserStepMemoryMiB?: number;
  /**
   * How long one browser-step invocation may run; a run longer than this resumes from its
   * checkpoint in the next invocation.
   * @default 15 minutes (the Lambda maximum)
   */
  readonly browserStepTimeout?: Duration;
  /**
   * How many browsers may run at once (reserved concurrency of the browser-step function);
   * extra runs wait in their state machine's retry.
   * @default no reservation: the account's unreserved concurrency
   */
  readonly maxConcurrentBrowsers?: number;
  /**
   * Memory of the api, prepare, finalize and webhook functions, in MiB.
   * @default 512
   */
  readonly serviceMemoryMiB?: number;
  /**
   * Longest a run may take, from start to terminal status (RUN_TIMEOUT_S).
   * @default 30 minutes
   */
  readonly runTimeout?: Duration;
  /**
   * Highest `max_steps_per_run` a request may ask for (MAX_STEPS_LIMIT).
   * @default 50
   */
  readonly maxStepsLimit?: number;
  /**
   * Lifetime of the signed download URLs minted on each read (DOWNLOAD_URL_TTL_S).
   * @default 24 hours
   */
  readonly downloadUrlTtl?: Duration;
  /** @default 1 GiB per stored file (MAX_FILE_BYTES) */
  readonly maxFileBytes?: number;
  /** @default 64 files per run (MAX_RUN_FILES) */
  readonly maxRunFiles?: number;
  /** @default 4 GiB per run (MAX_RUN_BYTES) */
  readonly maxRunBytes?: number;
  /**
   * How long downloaded files, screenshots and checkpoints stay in the bucket; saved browser
   * profiles are kept until deleted.
   * @default 30 days
   */
  readonly artifactRetention?: Duration;
  /**
   * Private hosts or CIDR ranges the browser and webhooks may reach (ALLOWED_PRIVATE_HOSTS).
   * @default none: public addresses only
   */
  readonly allowedPrivateHosts?: string[];
  /**
   * Hosts whose TLS certificate errors are ignored (INSECURE_TLS_HOSTS).
   * @default none: every certificate is verified
   */
  readonly insecureTlsHosts?: string[];
  /**
   * Proxy URL per `proxy_location` (PROXY_URLS), e.g. `{ RESIDENTIAL: 'http://u:pw@host:3128' }`.
   * A location missing here is refused with a 400, never served directly.
   * @default no proxies
   */
  readonly proxyUrls?: Record<string, string>;
  /**
   * The model planner.
   * @default none: only the deterministic planner runs
   */
  readonly model?: ModelSettings;
  /**
   * Where run events go: an existing bus name, or `'create'` for a bus owned by this deployment.
   * @default 'default' (the account's default bus)
   */
  readonly eventBus?: string;
  /**
   * Steady request rate of the API per second, across all callers.
   * @default 20
   */
  readonly apiRateLimit?: number;
  /** @default 40 requests */
  readonly apiBurstLimit?: number;
  /**
   * Whether to set the account's API Gateway CloudWatch role, which execution logging needs.
   * Turn off where another stack of the account already sets it.
   * @default true
   */
  readonly apiCloudWatchRole?: boolean;
  /**
   * ARN of a WAFv2 web ACL to attach to the API stage.
   * @default none
   */
  readonly webAclArn?: string;
  /**
   * Base URL of a run viewer; `app_url` is this plus the run id (APP_URL_BASE).
   * @default none: `app_url` is null
   */
  readonly appUrlBase?: string;
  /** @default 'INFO' */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** @default 30 days */
  readonly logRetentionDays?: number;
  /**
   * What the alarms notify, e.g. an SNS topic action.
   * @default none: alarms show in the console only
   */
  readonly alarmActions?: IAlarmAction[];
  /**
   * Whether `cdk destroy` also deletes the tables and the bucket with its files.
   * @default false: data outlives the stack
   */
  readonly destroyData?: boolean;
  /**
   * Entry files of the functions, for a deployment that replaces one.
   * @default functions/<name>/handler.ts of this project
   */
  readonly entries?: Partial<Record<FunctionName, string>>;
}

export type FunctionName = 'api' | 'prepare' | 'browser-step' | 'finalize' | 'webhook';

export const FUNCTION_NAMES: readonly FunctionName[] = [
  'api',
  'prepare',
  'browser-step',
  'finalize',
  'webhook',
];

/** The props with every default filled in and every value checked. */
export type Settings = Required<
  Omit<RetrieverProps, 'maxConcurrentBrowsers' | 'model' | 'webAclArn' | 'appUrlBase' | 'entries'>
> &
  Pick<RetrieverProps, 'maxConcurrentBrowsers' | 'model' | 'webAclArn' | 'appUrlBase'> & {
    /** Size of /tmp for the browser step: Chromium plus every file a run may hold at once. */
    readonly browserStepStorageMiB: number;
  };

/** Fills in the defaults and fails with a message naming the prop when a value cannot work. */
export function resolveSettings(props: RetrieverProps = {}): Settings {
  const settings = {
    browserStepMemoryMiB: props.browserStepMemoryMiB ?? 2048,
    browserStepTimeout: props.browserStepTimeout ?? Duration.minutes(15),
    maxConcurrentBrowsers: props.maxConcurrentBrowsers,
    serviceMemoryMiB: props.serviceMemoryMiB ?? 512,
    runTimeout: props.runTimeout ?? Duration.minutes(30),
    maxStepsLimit: props.maxStepsLimit ?? 50,
    downloadUrlTtl: props.downloadUrlTtl ?? Duration.hours(24),
    maxFileBytes: props.maxFileBytes ?? GIB,
    maxRunFiles: props.maxRunFiles ?? 64,
    maxRunBytes: props.maxRunBytes ?? 4 * GIB,
    artifactRetention: props.artifactRetention ?? Duration.days(30),
    allowedPrivateHosts: props.allowedPrivateHosts ?? [],
    insecureTlsHosts: props.insecureTlsHosts ?? [],
    proxyUrls: props.proxyUrls ?? {},
    model: props.model,
    eventBus: props.eventBus ?? 'default',
    apiRateLimit: props.apiRateLimit ?? 20,
    apiBurstLimit: props.apiBurstLimit ?? 40,
    apiCloudWatchRole: props.apiCloudWatchRole ?? true,
    webAclArn: props.webAclArn,
    appUrlBase: props.appUrlBase,
    logLevel: props.logLevel ?? 'INFO',
    logRetentionDays: props.logRetentionDays ?? 30,
    alarmActions: props.alarmActions ?? [],
    destroyData: props.destroyData ?? false,
  };
  checkRange('browserStepMemoryMiB', settings.browserStepMemoryMiB, 1024, 10_240);
  checkRange('browserStepTimeout', settings.browserStepTimeout.toSeconds(), 60, 900);
  checkRange('serviceMemoryMiB', settings.serviceMemoryMiB, 128, 10_240);
  checkRange('runTimeout', settings.runTimeout.toSeconds(), 10, 365 * 86_400);
  checkRange('maxStepsLimit', settings.maxStepsLimit, 1, 1000);
  checkRange('downloadUrlTtl', settings.downloadUrlTtl.toSeconds(), 60, 7 * 86_400);
  checkRange('maxRunFiles', settings.maxRunFiles, 1, 10_000);
  checkRange('maxFileBytes', settings.maxFileBytes, 1, settings.maxRunBytes);
  checkProxies(settings.proxyUrls);

  return { ...settings, browserStepStorageMiB: browserStorageMiB(settings) };
}

/**
 * Playwright keeps each finished download in /tmp until the browser closes, and saving it makes a
 * second copy, so the browser step needs room for a whole run's files plus one file in flight.
 */
function browserStorageMiB(limits: { maxFileBytes: number; maxRunBytes: number }): number {
  const needed =
    BROWSER_TMP_MIB + Math.ceil(limits.maxRunBytes / MIB) + Math.ceil(limits.maxFileBytes / MIB);
  if (needed > MAX_EPHEMERAL_MIB) {
    const runLimit = (MAX_EPHEMERAL_MIB - BROWSER_TMP_MIB) * MIB - limits.maxFileBytes;
    throw new Error(
      `maxRunBytes (${limits.maxRunBytes}) plus maxFileBytes (${limits.maxFileBytes}) need ` +
        `${needed} MiB of /tmp, more than Lambda's ${MAX_EPHEMERAL_MIB} MiB; ` +
        `set maxRunBytes to at most ${runLimit}.`,
    );
  }

  return needed;
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be between ${min} and ${max}; got ${value}.`);
  }
}

/** Schemes the browser's proxy setting accepts. */
const PROXY_PROTOCOLS = new Set(['http:', 'https:', 'socks5:']);

function checkProxies(proxies: Record<string, string>): void {
  for (const [location, url] of Object.entries(proxies)) {
    // The message leaves the value out: a proxy URL often carries a password.
    if (!URL.canParse(url) || !PROXY_PROTOCOLS.has(new URL(url).protocol)) {
      throw new Error(
        `proxyUrls.${location} must be an http, https or socks5 URL such as http://host:3128.`,
      );
    }
  }
}
