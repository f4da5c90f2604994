import type { Logger } from '@aws-lambda-powertools/logger';
import type { Config } from '../config.ts';
import type { ArtifactStore } from '../files/artifact-store.ts';
import type { WebhookSender } from '../notify/webhook-sender.ts';
import type { CodeStore } from '../otp/code-store.ts';
import type { TargetCheck } from '../runs/create-run.ts';
import type { KeyStore } from '../runs/key-store.ts';
import type { RunStarter } from '../runs/run-starter.ts';
import type { RunStore } from '../runs/run-store.ts';
import type { SessionStore } from '../sessions/session-store.ts';

/** The deployment settings the API applies. */
export interface ApiSettings {
  maxStepsLimit: number;
  /** Proxy locations with a configured proxy URL. */
  proxyLocations: readonly string[];
  downloadUrlTtlS: number;
  appUrlBase: string;
  /** Whether new runs may fall back to a language model (true where one is configured). */
  aiFallback: boolean;
}

/** Everything the API needs; the Lambda and the local mode build it from real clients. */
export interface ApiDeps {
  runs: RunStore;
  keys: KeyStore;
  codes: CodeStore;
  sessions: SessionStore;
  artifacts: ArtifactStore;
  starter: RunStarter;
  webhooks: WebhookSender;
  logger: Logger;
  clock: () => Date;
  settings: ApiSettings;
  /** The network rules (section 9) for addresses the service will contact for a request. */
  checkTargets?: TargetCheck;
}

/** The API settings of a deployment's configuration. */
export function apiSettingsOf(config: Config): ApiSettings {
  return {
    maxStepsLimit: config.MAX_STEPS_LIMIT,
    proxyLocations: Object.keys(config.PROXY_URLS),
    downloadUrlTtlS: config.DOWNLOAD_URL_TTL_S,
    appUrlBase: config.APP_URL_BASE,
    // Limitation: no model planner exists yet, so no run can fall back to one whatever
    // MODEL_PROVIDER says; runs report ai_fallback false until a model planner is added.
    aiFallback: false,
  };
}
