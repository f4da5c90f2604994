import { RemovalPolicy } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** What the state machine definition is built from; matches lib/workflow's buildDefinition. */
export interface DefinitionRefs {
  prepareArn: string;
  browserStepArn: string;
  finalizeArn: string;
  webhookArn: string;
  eventBusName: string;
  timeoutSeconds: number;
}

/** Builds the Amazon States Language document of a run. */
export type DefinitionBuilder = (refs: DefinitionRefs) => object;

export interface RunWorkflowProps {
  /** Known before the state machine exists, so functions it invokes can start executions. */
  readonly stateMachineName: string;
  readonly definition: DefinitionBuilder;
  readonly prepare: IFunction;
  readonly browserStep: IFunction;
  readonly finalize: IFunction;
  readonly webhook: IFunction;
  readonly eventBus: IEventBus;
  /** The run's time limit (RUN_TIMEOUT_S); the definition adds its own grace for the backstop. */
  readonly timeoutSeconds: number;
  readonly logRetentionDays: number;
  readonly destroyLogs: boolean;
}

/**
 * The state machine that drives a run: the same definition the local mode executes, with the
 * function ARNs of this deployment filled in.
 */
export class RunWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: RunWorkflowProps) {
    super(scope, id);
    const definition = props.definition({
      prepareArn: props.prepare.functionArn,
      browserStepArn: props.browserStep.functionArn,
      finalizeArn: props.finalize.functionArn,
      webhookArn: props.webhook.functionArn,
      eventBusName: props.eventBus.eventBusName,
      timeoutSeconds: props.timeoutSeconds,
    });
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetentionDays,
      removalPolicy: props.destroyLogs ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      definitionBody: DefinitionBody.fromString(JSON.stringify(definition)),
      tracingEnabled: true,
      // Every state transition is logged; state inputs are not, because a run's request can
      // carry header values and other secrets.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });

    // A definition given as a document names its tasks by ARN, so the grants are explicit, and
    // on the unqualified ARNs it invokes rather than grantInvoke's every-version wildcard.
    Grant.addToPrincipal({
      grantee: this.stateMachine,
      actions: ['lambda:InvokeFunction'],
      resourceArns: [props.prepare, props.browserStep, props.finalize, props.webhook].map(
        (fn) => fn.functionArn,
      ),
    });
    props.eventBus.grantPutEventsTo(this.stateMachine);
  }
}
