import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetrieverStack, type RetrieverStackProps } from '../../cdk/retriever-stack.ts';
import type { DefinitionBuilder } from '../../cdk/run-workflow.ts';
import type { RetrieverProps } from '../../cdk/settings.ts';
import { fixtureDefinition } from './fixtures/definition.ts';

const FIXTURE_ENTRY = path.join(import.meta.dirname, 'fixtures', 'handler.ts');

/**
 * The first synthesis in a process loads most of aws-cdk-lib: about 3 s on an idle machine, and
 * over a minute on a loaded one.
 */
export const FIRST_SYNTH_TIMEOUT_MS = 240_000;

export const TEST_ENV = { account: '123456789012', region: 'us-east-1' };

export interface BuiltStack {
  stack: RetrieverStack;
  template: Template;
}

/**
 * Synthesizes the stack without bundling: the template, not the code, is under test.
 */
export interface BuildOptions {
  definition?: DefinitionBuilder;
  /** @default TEST_ENV; null for a stack that takes its account and region at deploy time */
  env?: typeof TEST_ENV | null;
  stackProps?: Omit<RetrieverStackProps, 'service'>;
  /** Changes the stack before it is synthesized. */
  customize?: (stack: RetrieverStack) => void;
}

export function buildStack(props: RetrieverProps = {}, options: BuildOptions = {}): BuiltStack {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const entries = {
    api: FIXTURE_ENTRY,
    prepare: FIXTURE_ENTRY,
    'browser-step': FIXTURE_ENTRY,
    finalize: FIXTURE_ENTRY,
    webhook: FIXTURE_ENTRY,
  };
  const stack = new RetrieverStack(app, 'Retriever', {
    env: options.env === null ? undefined : (options.env ?? TEST_ENV),
    ...options.stackProps,
    service: { entries, ...props, definition: options.definition ?? fixtureDefinition },
  });
  options.customize?.(stack);

  return { stack, template: Template.fromStack(stack) };
}

/** A resource of a synthesized template; its properties are free-form JSON. */
export interface CfnResourceJson {
  logicalId: string;
  // biome-ignore lint/suspicious/noExplicitAny: template JSON has no static shape; tests assert it.
  Properties: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above, for DeletionPolicy, DependsOn and Type.
  [attribute: string]: any;
}

/** Every resource of one CloudFormation type, with its logical id. */
export function resourcesOfType(template: Template, type: string): CfnResourceJson[] {
  return Object.entries(template.findResources(type)).map(([logicalId, resource]) => ({
    logicalId,
    ...resource,
    Properties: resource.Properties ?? {},
  }));
}

/** The function of one service part: 'Api', 'Prepare', 'BrowserStep', 'Finalize', 'Webhook'. */
export function functionNamed(template: Template, name: string): CfnResourceJson {
  const pattern = new RegExp(`^Retriever${name}Function[0-9A-F]{8}$`);
  const found = resourcesOfType(template, 'AWS::Lambda::Function').find((fn) =>
    pattern.test(fn.logicalId),
  );
  if (!found) throw new Error(`No function ${name} in the template`);

  return found;
}
