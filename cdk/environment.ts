import type { Config } from '../lib/config.ts';
import type { Settings } from './settings.ts';

/** An environment for the functions; the names are checked against lib/config.ts. */
export type FunctionEnvironment = Partial<Record<keyof Config, string>>;

export interface EnvironmentRefs {
  runsTable: string;
  keysTable: string;
  codesTable: string;
  sessionsTable: string;
  artifactsBucket: string;
  eventBusName: string;
}

/** What every function reads: where the data lives and the deployment's limits and rules. */
export function baseEnvironment(settings: Settings, refs: EnvironmentRefs): FunctionEnvironment {
  return {
    RUNS_TABLE: refs.runsTable,
    KEYS_TABLE: refs.keysTable,
    CODES_TABLE: refs.codesTable,
    SESSIONS_TABLE: refs.sessionsTable,
    ARTIFACTS_BUCKET: refs.artifactsBucket,
    EVENT_BUS_NAME: refs.eventBusName,
    MAX_STEPS_LIMIT: String(settings.maxStepsLimit),
    RUN_TIMEOUT_S: String(settings.runTimeout.toSeconds()),
    DOWNLOAD_URL_TTL_S: String(settings.downloadUrlTtl.toSeconds()),
    MAX_FILE_BYTES: String(settings.maxFileBytes),
    MAX_RUN_FILES: String(settings.maxRunFiles),
    MAX_RUN_BYTES: String(settings.maxRunBytes),
    ALLOWED_PRIVATE_HOSTS: settings.allowedPrivateHosts.join(','),
    INSECURE_TLS_HOSTS: settings.insecureTlsHosts.join(','),
    APP_URL_BASE: settings.appUrlBase ?? '',
    LOG_LEVEL: settings.logLevel,
    WORK_DIR: '/tmp/retriever',
  };
}

/**
 * What the api function and the browser step add: the proxies (the api refuses a location that
 * has none) and the model (the api decides `ai_fallback`; the browser step calls it).
 */
export function plannerEnvironment(settings: Settings, apiKeyArn?: string): FunctionEnvironment {
  const model = settings.model;

  return {
    // Limitation: proxy URLs, credentials included, sit in the functions' environment (encrypted
    // at rest, readable by whoever may read the function's configuration), because the service
    // reads PROXY_URLS at start; a secret ARN read at start would lift it.
    PROXY_URLS: JSON.stringify(settings.proxyUrls),
    MODEL_PROVIDER: model?.provider ?? 'none',
    MODEL_ID: model?.modelId ?? '',
    MODEL_BASE_URL: model?.provider === 'openai' ? model.baseUrl : '',
    MODEL_API_KEY_SECRET_ARN: apiKeyArn ?? '',
  };
}

/** Drops the names left empty, so that the functions see their config defaults. */
export function compact(environment: FunctionEnvironment): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).filter((entry): entry is [string, string] => Boolean(entry[1])),
  );
}
