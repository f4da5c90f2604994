import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../lib/config.ts';
import { buildDefinition } from '../../lib/workflow/definition.ts';
import {
  buildStack,
  type CfnResourceJson,
  FIRST_SYNTH_TIMEOUT_MS,
  functionNamed,
  resourcesOfType,
} from './support.ts';

let template: Template;

beforeAll(() => {
  template = buildStack().template;
}, FIRST_SYNTH_TIMEOUT_MS);

describe('functions', () => {
  it('runs five functions on nodejs22.x with active tracing and their own log groups', () => {
    const functions = resourcesOfType(template, 'AWS::Lambda::Function');
    const logGroups = resourcesOfType(template, 'AWS::Logs::LogGroup').map(
      (group) => group.logicalId,
    );

    expect(functions).toHaveLength(5);
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(logGroups).toContain(fn.Properties.LoggingConfig.LogGroup.Ref);
    }
  });

  it('passes only variables the service config knows, so none is silently ignored', () => {
    const known = new Set([...Object.keys(ConfigSchema.shape), 'NODE_OPTIONS']);

    for (const fn of resourcesOfType(template, 'AWS::Lambda::Function')) {
      for (const name of Object.keys(fn.Properties.Environment.Variables)) {
        expect(known, `${fn.logicalId} sets ${name}`).toContain(name);
      }
    }
  });

  it('runs the browser step on x86-64 with the browser layer, 2 GiB and 15 minutes', () => {
    const browserStep = functionNamed(template, 'BrowserStep');
    const layers = resourcesOfType(template, 'AWS::Lambda::LayerVersion');

    expect(browserStep.Properties).toMatchObject({
      Architectures: ['x86_64'],
      MemorySize: 2048,
      Timeout: 900,
      Layers: [{ Ref: layers[0].logicalId }],
    });
    expect(browserStep.Properties.Environment.Variables.CHROMIUM_BIN_DIR).toBe('/opt/chromium-bin');
    expect(layers[0].Properties).toMatchObject({
      CompatibleRuntimes: ['nodejs22.x'],
      CompatibleArchitectures: ['x86_64'],
    });
  });

  it('gives the browser step /tmp for Chromium plus every file a run may hold', () => {
    const small = buildStack({ maxFileBytes: 100 * 1024 ** 2, maxRunBytes: 500 * 1024 ** 2 });

    // 1024 MiB for Chromium, 4096 MiB for the run's files, 1024 MiB for the file being saved.
    expect(ephemeralMiB(functionNamed(template, 'BrowserStep'))).toBe(6144);
    expect(ephemeralMiB(functionNamed(small.template, 'BrowserStep'))).toBe(1624);
  });

  it('runs the other functions on arm64 with the service memory', () => {
    for (const name of ['Api', 'Prepare', 'Finalize', 'Webhook']) {
      expect(functionNamed(template, name).Properties).toMatchObject({
        Architectures: ['arm64'],
        MemorySize: 512,
      });
    }
  });

  it('ends the api within the 29 s API Gateway waits for it', () => {
    expect(functionNamed(template, 'Api').Properties.Timeout).toBeLessThan(29);
  });

  it('ends each task function before its state in the run definition times out', () => {
    const real = buildStack({}, { definition: buildDefinition }).template;
    const [machine] = resourcesOfType(real, 'AWS::StepFunctions::StateMachine');
    const [separator, parts] = machine.Properties.DefinitionString['Fn::Join'];
    const text = (parts as unknown[])
      .map((part) =>
        typeof part === 'string'
          ? part
          : `<${(part as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]}>`,
      )
      .join(separator);
    const tasks = Object.values(JSON.parse(text).States as Record<string, TaskState>).filter(
      (state) => state.Type === 'Task' && state.Resource.startsWith('<'),
    );
    const timeoutOf = (resource: string) =>
      resourcesOfType(real, 'AWS::Lambda::Function').find((fn) => `<${fn.logicalId}>` === resource)
        ?.Properties.Timeout;

    expect(tasks.length).toBeGreaterThanOrEqual(4);
    for (const task of tasks) expect(timeoutOf(task.Resource)).toBeLessThan(task.TimeoutSeconds);
  });

  it('writes the deployment limits into every function as the config expects them', () => {
    const variables = functionNamed(template, 'Finalize').Properties.Environment.Variables;
    const config = ConfigSchema.parse(
      Object.fromEntries(
        Object.entries(variables).filter(([, value]) => typeof value === 'string'),
      ),
    );

    expect(config).toMatchObject({
      MAX_STEPS_LIMIT: 50,
      RUN_TIMEOUT_S: 1800,
      DOWNLOAD_URL_TTL_S: 86_400,
      MAX_FILE_BYTES: 1024 ** 3,
      MAX_RUN_FILES: 64,
      MAX_RUN_BYTES: 4 * 1024 ** 3,
      LOG_LEVEL: 'INFO',
    });
    expect(variables.RUNS_TABLE).toHaveProperty('Ref');
    expect(variables.PROXY_URLS).toBeUndefined();
  });

  it('signs with whsec_ and the generated key, resolved at deploy, where webhooks are sent', () => {
    const [secret] = resourcesOfType(template, 'AWS::SecretsManager::Secret');
    const expected = {
      'Fn::Join': [
        '',
        ['whsec_{{resolve:secretsmanager:', { Ref: secret.logicalId }, ':SecretString:::}}'],
      ],
    };

    for (const name of ['Api', 'BrowserStep', 'Webhook']) {
      expect(functionNamed(template, name).Properties.Environment.Variables.WEBHOOK_SECRET).toEqual(
        expected,
      );
    }
    for (const name of ['Prepare', 'Finalize']) {
      const variables = functionNamed(template, name).Properties.Environment.Variables;
      expect(variables.WEBHOOK_SECRET).toBeUndefined();
    }
  });

  it('tells the api and finalize the state machine by its name, not by a reference to it', () => {
    const [machine] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
    const name = machine.Properties.StateMachineName;

    expect(name).toMatch(/^[A-Za-z0-9-]+-runs$/);
    for (const fn of ['Api', 'Finalize']) {
      const arn = functionNamed(template, fn).Properties.Environment.Variables.STATE_MACHINE_ARN;
      expect(JSON.stringify(arn)).toContain(`:states:us-east-1:123456789012:stateMachine:${name}`);
      expect(JSON.stringify(arn)).not.toContain(machine.logicalId);
    }
    for (const fn of ['Prepare', 'BrowserStep', 'Webhook']) {
      const variables = functionNamed(template, fn).Properties.Environment.Variables;
      expect(variables.STATE_MACHINE_ARN).toBeUndefined();
    }
  });

  it('gives proxies and the model to the api and the browser step only', () => {
    const { template: configured } = buildStack({
      proxyUrls: { RESIDENTIAL: 'http://user:pw@proxy.example:3128' },
      model: { provider: 'bedrock', modelId: 'anthropic.claude-v2' },
    });

    for (const name of ['Api', 'BrowserStep']) {
      expect(functionNamed(configured, name).Properties.Environment.Variables).toMatchObject({
        PROXY_URLS: '{"RESIDENTIAL":"http://user:pw@proxy.example:3128"}',
        MODEL_PROVIDER: 'bedrock',
        MODEL_ID: 'anthropic.claude-v2',
      });
    }
    for (const name of ['Prepare', 'Finalize', 'Webhook']) {
      const variables = functionNamed(configured, name).Properties.Environment.Variables;
      expect(variables.PROXY_URLS).toBeUndefined();
      expect(variables.MODEL_PROVIDER).toBeUndefined();
    }
  });

  it('reserves concurrency for browsers only when asked to', () => {
    const limited = buildStack({ maxConcurrentBrowsers: 5 }).template;

    expect(functionNamed(limited, 'BrowserStep').Properties.ReservedConcurrentExecutions).toBe(5);
    expect(functionNamed(template, 'BrowserStep').Properties.ReservedConcurrentExecutions).toBe(
      undefined,
    );
  });
});

interface TaskState {
  Type: string;
  Resource: string;
  TimeoutSeconds: number;
}

function ephemeralMiB(fn: CfnResourceJson): number {
  return fn.Properties.EphemeralStorage.Size;
}
