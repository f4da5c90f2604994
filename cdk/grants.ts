import { ArnFormat, Stack } from 'aws-cdk-lib';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { FunctionName, ModelSettings } from './settings.ts';
import type { Storage } from './storage.ts';

export interface ServiceAccess {
  readonly storage: Storage;
  readonly functions: Record<FunctionName, IFunction>;
  /** The run state machine's name; its ARN is built from it (see Retriever). */
  readonly stateMachineName: string;
  readonly model?: ModelSettings;
  readonly modelApiKey?: ISecret;
}

/** Gives each function the data and actions it uses, and no more. */
export function grantServiceAccess(scope: Construct, access: ServiceAccess): void {
  const { runs, keys, codes, sessions, artifacts } = access.storage;
  const fns = access.functions;

  for (const fn of Object.values(fns)) runs.grantReadWriteData(fn);
  keys.grantReadData(fns.api);
  codes.grantWriteData(fns.api);
  codes.grantReadWriteData(fns['browser-step']);
  // the api creates sessions and gives them to runs; prepare reads where a run starts; finalize
  // lets go of a session when its run ends
  sessions.grantReadWriteData(fns.api);
  sessions.grantReadData(fns.prepare);
  sessions.grantReadWriteData(fns.finalize);
  // Reading lets a function sign download URLs; writing is for files, checkpoints, profiles.
  for (const fn of Object.values(fns)) artifacts.grantRead(fn);
  for (const fn of [fns.api, fns.prepare, fns['browser-step']]) artifacts.grantPut(fn);
  artifacts.grantDelete(fns.api);
  // The api starts runs and webhook resends; finalize starts the short `finish` execution of a
  // run whose own execution ended without it. Both look an execution up first.
  for (const fn of [fns.api, fns.finalize]) grantRunExecutions(scope, fn, access.stateMachineName);
  grantModel(scope, fns['browser-step'], access);
}

/** The state machine's ARN, from its name, so functions it invokes can carry it without a loop. */
export function stateMachineArnOf(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: name,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

function grantRunExecutions(scope: Construct, fn: IFunction, name: string): void {
  const executions = Stack.of(scope).formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${name}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  Grant.addToPrincipal({
    grantee: fn,
    actions: ['states:StartExecution'],
    resourceArns: [stateMachineArnOf(scope, name)],
  });
  Grant.addToPrincipal({
    grantee: fn,
    actions: ['states:DescribeExecution'],
    resourceArns: [executions],
  });
}

function grantModel(scope: Construct, fn: IFunction, access: ServiceAccess): void {
  const model = access.model;
  if (model?.provider === 'openai') access.modelApiKey?.grantRead(fn);
  if (model?.provider !== 'bedrock') return;

  const stack = Stack.of(scope);
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
