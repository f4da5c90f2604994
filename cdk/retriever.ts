import path from 'node:path';
import { Fn, Names, RemovalPolicy } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AbandonedRuns } from './abandoned-runs.ts';
import { ServiceAlarms } from './alarms.ts';
import { baseEnvironment, plannerEnvironment } from './environment.ts';
import { grantServiceAccess, stateMachineArnOf } from './grants.ts';
import { suppressServiceFindings } from './nag-suppressions.ts';
import { type DefinitionBuilder, RunWorkflow } from './run-workflow.ts';
import { ServiceApi } from './service-api.ts';
import { createServiceFunctions } from './service-functions.ts';
import {
  type FunctionName,
  type RetrieverProps,
  resolveSettings,
  type Settings,
} from './settings.ts';
import { Storage } from './storage.ts';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

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
  readonly abandonedRuns: AbandonedRuns;
  readonly alarms: ServiceAlarms;
  /** The OpenAI-compatible endpoint's key, when that is the model. */
  readonly modelApiKey?: ISecret;

  constructor(scope: Construct, id: string, props: RetrieverConstructProps) {
    super(scope, id);
    const settings = resolveSettings(props);
    this.settings = settings;
    this.storage = new Storage(this, 'Storage', settings);
    this.eventBus =
      settings.eventBus === 'create'
        ? new EventBus(this, 'EventBus')
        : EventBus.fromEventBusName(this, 'EventBus', settings.eventBus);
    this.webhookSecret = new Secret(this, 'WebhookSecret', {
      description: 'Signs webhooks: the Standard Webhooks key is whsec_ and this value',
      // Letters and digits only, 48 of them: valid base64 for a key of 36 bytes.
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: settings.destroyData ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    const apiKey = settings.model?.provider === 'openai' ? settings.model.apiKeySecret : undefined;
    this.modelApiKey =
      typeof apiKey === 'string' ? Secret.fromSecretNameV2(this, 'ModelApiKey', apiKey) : apiKey;

    // Named up front: finalize and the api start executions of the state machine that invokes
    // finalize, so its ARN must not be a reference to it.
    const stateMachineName = `${Names.uniqueResourceName(this, { maxLength: 70 })}-runs`;
    const stateMachineArn = stateMachineArnOf(this, stateMachineName);
    this.functions = this.#createFunctions(props, stateMachineArn);
    this.stateMachine = new RunWorkflow(this, 'Workflow', {
      stateMachineName,
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
    this.abandonedRuns = new AbandonedRuns(this, 'AbandonedRuns', {
      stateMachineArn,
      finalize: this.functions.finalize,
    });
    this.api = new ServiceApi(this, 'Api', {
      handler: this.functions.api,
      rateLimit: settings.apiRateLimit,
      burstLimit: settings.apiBurstLimit,
      cloudWatchRole: settings.apiCloudWatchRole,
      webAclArn: settings.webAclArn,
      logRetentionDays: settings.logRetentionDays,
      destroyLogs: settings.destroyData,
    }).api;
    grantServiceAccess(this, {
      storage: this.storage,
      functions: this.functions,
      stateMachineName,
      model: settings.model,
      modelApiKey: this.modelApiKey,
    });
    this.alarms = new ServiceAlarms(this, 'Alarms', {
      stateMachine: this.stateMachine,
      functions: this.functions,
      api: this.api,
      deadLetters: this.abandonedRuns.deadLetters,
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
      deadLetters: this.abandonedRuns.deadLetters,
    });
  }

  #createFunctions(
    props: RetrieverConstructProps,
    stateMachineArn: string,
  ): Record<FunctionName, IFunction> {
    const { settings } = this;
    const planner = plannerEnvironment(settings, this.modelApiKey?.secretArn);
    // Limitation: the webhook key reaches the functions as a deploy-time reference resolved into
    // their environment (readable by whoever may read their configuration), because the service
    // reads WEBHOOK_SECRET at start; reading the secret at start would lift it.
    const signing = {
      WEBHOOK_SECRET: Fn.join('', ['whsec_', this.webhookSecret.secretValue.unsafeUnwrap()]),
    };

    return createServiceFunctions(this, {
      settings,
      projectRoot: props.projectRoot ?? PROJECT_ROOT,
      entries: props.entries ?? {},
      base: baseEnvironment(settings, {
        runsTable: this.storage.runs.tableName,
        keysTable: this.storage.keys.tableName,
        codesTable: this.storage.codes.tableName,
        sessionsTable: this.storage.sessions.tableName,
        artifactsBucket: this.storage.artifacts.bucketName,
        eventBusName: this.eventBus.eventBusName,
      }),
      extra: {
        api: { ...planner, ...signing, STATE_MACHINE_ARN: stateMachineArn },
        'browser-step': { ...planner, ...signing },
        finalize: { STATE_MACHINE_ARN: stateMachineArn },
        webhook: signing,
      },
    });
  }
}
