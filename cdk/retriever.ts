import path from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ServiceAlarms } from './alarms.ts';
import { BrowserLayer, CHROMIUM_BIN_DIR } from './browser-layer.ts';
import { baseEnvironment, compact, plannerEnvironment } from './environment.ts';
import { suppressServiceFindings } from './nag-suppressions.ts';
import { type DefinitionBuilder, RunWorkflow } from './run-workflow.ts';
import { ServiceApi } from './service-api.ts';
import { ServiceFunction } from './service-function.ts';
import {
  type FunctionName,
  type RetrieverProps,
  resolveSettings,
  type Settings,
} from './settings.ts';
import { Storage } from './storage.ts';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');
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

export interface RetrieverConstructProps extends RetrieverProps {
  /** Builds the run's state machine definition; lib/workflow's buildDefinition. */
  readonly definition: DefinitionBuilder;
  /**
   * Folder with package-lock.json and node_modules, for bundling.
   * @default this project's root
   */
  readonly projectRoot?: string;
}

/**
 * The whole service in one construct: tables, bucket, functions, the run state machine, the API
 * and its alarms, wired with least-privilege grants.
 */
export class Retriever extends Construct {
  readonly settings: Settings;
  readonly storage: Storage;
  readonly functions: Record<FunctionName, IFunction>;
  readonly stateMachine: StateMachine;
  readonly api: RestApi;
  readonly eventBus: IEventBus;
  readonly webhookSecret: ISecret;
  readonly alarms: ServiceAlarms;
  /** The OpenAI-compatible endpoint's key, when that is the model. */
  readonly modelApiKey?: ISecret;

  constructor(scope: Construct, id: string, props: RetrieverConstructProps) {
    super(scope, id);
    const settings = resolveSettings(props);
    const projectRoot = props.projectRoot ?? PROJECT_ROOT;
    this.settings = settings;
    this.storage = new Storage(this, 'Storage', settings);
    this.eventBus =
      settings.eventBus === 'create'
        ? new EventBus(this, 'EventBus')
        : EventBus.fromEventBusName(this, 'EventBus', settings.eventBus);
    this.webhookSecret = new Secret(this, 'WebhookSecret', {
      description: 'Signs webhooks and one-time-code requests (Standard Webhooks, base64 key)',
      // Letters and digits only, 48 of them: a valid base64 key of 36 bytes.
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: settings.destroyData ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });

    const apiKey = settings.model?.provider === 'openai' ? settings.model.apiKeySecret : undefined;
    this.modelApiKey =
      typeof apiKey === 'string' ? Secret.fromSecretNameV2(this, 'ModelApiKey', apiKey) : apiKey;
    this.functions = this.#createFunctions(settings, projectRoot, props.entries ?? {});
    this.stateMachine = new RunWorkflow(this, 'Workflow', {
      definition: props.definition,
      prepare: this.functions.prepare,
      browserStep: this.functions['browser-step'],
      finalize: this.functions.finalize,
      webhook: this.functions.webhook,
      eventBus: this.eventBus,
      timeoutSeconds: settings.runTimeout.toSeconds(),
      logRetentionDays: settings.logRetentionDays,
      destroyLogs: settings.destroyData,
    }).stateMachine;
    this.api = new ServiceApi(this, 'Api', {
      handler: this.functions.api,
      rateLimit: settings.apiRateLimit,
      burstLimit: settings.apiBurstLimit,
      cloudWatchRole: settings.apiCloudWatchRole,
      webAclArn: settings.webAclArn,
      logRetentionDays: settings.logRetentionDays,
      destroyLogs: settings.destroyData,
    }).api;
    this.#grant();
    this.alarms = new ServiceAlarms(this, 'Alarms', {
      stateMachine: this.stateMachine,
      functions: this.functions,
      api: this.api,
      actions: settings.alarmActions,
    });
    suppressServiceFindings(this, {
      functions: Object.values(this.functions),
      functionRoles: Object.values(this.functions).flatMap((fn) => (fn.role ? [fn.role] : [])),
      apiMethods: this.api.methods,
      api: this.api,
      apiCloudWatchRole: this.api.node.tryFindChild('CloudWatchRole'),
      hasWebAcl: Boolean(settings.webAclArn),
      webhookSecret: this.webhookSecret,
    });
  }

  #createFunctions(
    settings: Settings,
    projectRoot: string,
    entries: Partial<Record<FunctionName, string>>,
  ): Record<FunctionName, IFunction> {
    const base = baseEnvironment(settings, {
      runsTable: this.storage.runs.tableName,
      keysTable: this.storage.keys.tableName,
      codesTable: this.storage.codes.tableName,
      artifactsBucket: this.storage.artifacts.bucketName,
      eventBusName: this.eventBus.eventBusName,
      webhookSecretArn: this.webhookSecret.secretArn,
    });
    const layer = new BrowserLayer(this, 'BrowserLayer', { projectRoot }).layer;
    const create = (name: FunctionName, extra: Record<string, string>) =>
      new ServiceFunction(this, `${pascal(name)}Function`, {
        entry: entries[name] ?? path.join(projectRoot, 'functions', name, 'handler.ts'),
        projectRoot,
        memoryMiB:
          name === 'browser-step' ? settings.browserStepMemoryMiB : settings.serviceMemoryMiB,
        timeout: timeoutOf(name, settings),
        environment: compact({ ...base, ...extra }),
        logRetentionDays: settings.logRetentionDays,
        destroyLogs: settings.destroyData,
        browser:
          name === 'browser-step'
            ? { layer, ephemeralStorageMiB: settings.browserStepStorageMiB }
            : undefined,
        reservedConcurrency: name === 'browser-step' ? settings.maxConcurrentBrowsers : undefined,
      }).function;

    const planner = plannerEnvironment(settings, this.modelApiKey?.secretArn);
    return {
      api: create('api', compact(planner)),
      prepare: create('prepare', {}),
      'browser-step': create('browser-step', {
        ...compact(planner),
        CHROMIUM_BIN_DIR,
      }),
      finalize: create('finalize', {}),
      webhook: create('webhook', {}),
    };
  }

  /** Each function gets the data it touches, and no more. */
  #grant(): void {
    const { runs, keys, codes, artifacts } = this.storage;
    const fns = this.functions;

    for (const fn of Object.values(fns)) runs.grantReadWriteData(fn);
    keys.grantReadData(fns.api);
    codes.grantWriteData(fns.api);
    codes.grantReadWriteData(fns['browser-step']);
    // Reading lets a function sign download URLs; writing is for files, checkpoints, profiles.
    for (const fn of [fns.api, fns.prepare, fns['browser-step'], fns.finalize, fns.webhook]) {
      artifacts.grantRead(fn);
    }
    for (const fn of [fns.api, fns.prepare, fns['browser-step']]) artifacts.grantPut(fn);
    artifacts.grantDelete(fns.api);
    this.stateMachine.grantStartExecution(fns.api);
    this.stateMachine.grantExecution(fns.api, 'states:StopExecution');
    for (const fn of [fns.api, fns['browser-step'], fns.webhook]) this.webhookSecret.grantRead(fn);
    this.#grantModel(fns['browser-step']);
  }

  #grantModel(fn: IFunction): void {
    const model = this.settings.model;
    if (model?.provider === 'openai') this.modelApiKey?.grantRead(fn);
    if (model?.provider !== 'bedrock') return;

    const stack = Stack.of(this);
    const profile = /^(us|eu|apac|global)\.(.+)$/.exec(model.modelId);
    const resourceArns = profile
      ? [
          stack.formatArn({
            service: 'bedrock',
            resource: 'inference-profile',
            resourceName: model.modelId,
          }),
          // A cross-region profile routes each call to one of several regions.
          `arn:${stack.partition}:bedrock:*::foundation-model/${profile[2]}`,
        ]
      : [`arn:${stack.partition}:bedrock:${stack.region}::foundation-model/${model.modelId}`];
    Grant.addToPrincipal({
      grantee: fn,
      actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      resourceArns,
    });
  }
}

function timeoutOf(name: FunctionName, settings: Settings): Duration {
  return name === 'browser-step' ? settings.browserStepTimeout : TIMEOUTS[name];
}

function pascal(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());
}
