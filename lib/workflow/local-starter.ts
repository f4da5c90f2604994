import path from 'node:path';
import { createCodePlanner } from '../agent/code-planner.ts';
import type { Config } from '../config.ts';
import type { ArtifactStore } from '../files/artifact-store.ts';
import type { Logger } from '../log.ts';
import { createAddressPolicyFromConfig } from '../net/address-policy.ts';
import { createSigner } from '../notify/webhook.ts';
import type { WebhookSender } from '../notify/webhook-sender.ts';
import { createCodeSource } from '../otp/code-source.ts';
import type { CodeStore } from '../otp/code-store.ts';
import type { RunStore } from '../runs/run-store.ts';
import type { SessionStore } from '../sessions/session-store.ts';
import { createSessionOpener } from './browser-sessions.ts';
import type { LocalRunner } from './local-runner.ts';
import { createLocalWorkflow } from './local-workflow.ts';
import { RunJournal } from './run-journal.ts';

export interface LocalStarterParts {
  runs: RunStore;
  artifacts: ArtifactStore;
  config: Config;
  logger: Logger;
  sender: WebhookSender;
  /** Codes pushed through the API, for runs with a totp_identifier. */
  codes: CodeStore;
  /** Browser sessions, for runs in one. */
  sessions?: SessionStore;
  /** The local webhook secret, which also signs totp_url requests. */
  webhookSecret: string;
}

/**
 * The local mode's run starter: the deployed state machine definition run in this process, with
 * Chromium behind the network rules and the code planner. Runs under way are journalled in
 * DATA_DIR so that a restart resumes them.
 */
export function createLocalStarter(parts: LocalStarterParts): LocalRunner {
  const { config, logger, artifacts } = parts;
  const policy = createAddressPolicyFromConfig(config);
  const { runner } = createLocalWorkflow({
    config,
    store: parts.runs,
    artifacts,
    sessions: parts.sessions,
    logger,
    view: { downloadUrlTtlS: config.DOWNLOAD_URL_TTL_S, appUrlBase: config.APP_URL_BASE },
    sender: parts.sender,
    openSession: createSessionOpener({ artifacts, config, logger, policy }),
    createPlanner: () => createCodePlanner(),
    oneTimeCodes: (run) =>
      createCodeSource(
        {
          codes: parts.codes,
          policy,
          sign: createSigner(parts.webhookSecret),
          clock: Date.now,
          logger,
        },
        run,
      ),
    journal: new RunJournal(path.join(config.DATA_DIR, 'runs-under-way.json')),
  });

  return runner;
}
