import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** How an execution that never reached Finalize can end; lib/workflow/sweep.ts handles these. */
export const ABANDONING_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'];

export interface AbandonedRunsProps {
  /** The run state machine's ARN (built from its name, so no reference loop forms). */
  readonly stateMachineArn: string;
  readonly finalize: IFunction;
}

/**
 * Sends Step Functions' status changes of executions that ended without Finalize to the finalize
 * function, which gives the run its terminal status and announces it. What cannot be delivered,
 * or fails in finalize after Lambda's own retries, lands in a dead-letter queue (alarmed).
 */
export class AbandonedRuns extends Construct {
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: AbandonedRunsProps) {
    super(scope, id);
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    new Rule(this, 'ExecutionEnded', {
      description: 'Runs whose execution failed, timed out or was stopped before Finalize',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ABANDONING_STATUSES, stateMachineArn: [props.stateMachineArn] },
      },
      targets: [
        new LambdaFunction(props.finalize, {
          deadLetterQueue: this.deadLetters,
          maxEventAge: Duration.hours(6),
          retryAttempts: 8,
        }),
      ],
    });
    props.finalize.configureAsyncInvoke({
      onFailure: new SqsDestination(this.deadLetters),
      retryAttempts: 2,
    });
  }
}
