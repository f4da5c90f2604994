import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildDefinition } from '../../lib/workflow/definition.ts';
import { parseContext, propsFromContext } from '../context-props.ts';
import { RetrieverStack } from '../retriever-stack.ts';

const app = new App();
const context = parseContext(app.node.tryGetContext('retriever'));

new RetrieverStack(app, context.stackName, {
  // No env: the stack deploys to the account and region of the credentials in use.
  description: 'Retriever: downloads files from websites with a browser agent',
  alarmEmail: context.alarmEmail,
  service: { ...propsFromContext(context), definition: buildDefinition },
});
// Synthesis fails on any AwsSolutions finding that the stack does not acknowledge with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
