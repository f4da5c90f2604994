import path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { BrowserLayer, CHROMIUM_BIN_DIR } from './browser-layer.ts';
import { compact, type FunctionEnvironment } from './environment.ts';
import { ServiceFunction } from './service-function.ts';
import type { FunctionName, Settings } from './settings.ts';

/**
 * Each function ends before whatever waits for it gives up, so a slow call fails with the
 * function's own error: the api within API Gateway's 29 s, the others within their Task state's
 * TimeoutSeconds in lib/workflow's definition (60 s, and 30 s for a webhook delivery).
 */
const TIMEOUTS: Record<Exclude<FunctionName, 'browser-step'>, Duration> = {
  api: Duration.seconds(28),
  prepare: Duration.seconds(50),
  finalize: Duration.seconds(50),
  webhook: Duration.seconds(25),
};

export interface ServiceFunctionsProps {
  readonly settings: Settings;
  readonly projectRoot: string;
  readonly entries: Partial<Record<FunctionName, string>>;
  /** What every function reads. */
  readonly base: FunctionEnvironment;
  /** What a function adds to the base, by name. */
  readonly extra: Partial<Record<FunctionName, FunctionEnvironment>>;
}

/** Creates the five functions of the service in a scope, and the layer that carries the browser. */
export function createServiceFunctions(
  scope: Construct,
  props: ServiceFunctionsProps,
): Record<FunctionName, IFunction> {
  const { settings, projectRoot } = props;
  const layer = new BrowserLayer(scope, 'BrowserLayer', { projectRoot }).layer;
  const create = (name: FunctionName) => {
    const browser = name === 'browser-step';
    const extra = browser ? { ...props.extra[name], CHROMIUM_BIN_DIR } : props.extra[name];

    return new ServiceFunction(scope, `${pascal(name)}Function`, {
      entry: props.entries[name] ?? path.join(projectRoot, 'functions', name, 'handler.ts'),
      projectRoot,
      memoryMiB: browser ? settings.browserStepMemoryMiB : settings.serviceMemoryMiB,
      timeout: browser ? settings.browserStepTimeout : TIMEOUTS[name as keyof typeof TIMEOUTS],
      environment: compact({ ...props.base, ...extra }),
      logRetentionDays: settings.logRetentionDays,
      destroyLogs: settings.destroyData,
      browser: browser ? { layer, ephemeralStorageMiB: settings.browserStepStorageMiB } : undefined,
      reservedConcurrency: browser ? settings.maxConcurrentBrowsers : undefined,
    }).function;
  };

  return {
    api: create('api'),
    prepare: create('prepare'),
    'browser-step': create('browser-step'),
    finalize: create('finalize'),
    webhook: create('webhook'),
  };
}

function pascal(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());
}
