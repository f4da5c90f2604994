import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ulid } from 'ulid';
import type { Logger } from '../log.ts';
import { newDeliveryId } from '../notify/webhook.ts';
import type { RunRecord } from '../runs/run-record.ts';
import type { RunStore } from '../runs/run-store.ts';
import { type ExecutionInput, executionInput } from './payloads.ts';
import type { WorkflowStarter } from './starter.ts';

export interface SfnRunStarterOptions {
  sfn: SFNClient;
  stateMachineArn: string;
  store: RunStore;
  logger: Logger;
}

/** The ARN of the execution named `name` of a state machine. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/**
 * Starts runs as Step Functions executions named after the run, so a repeated start of the same
 * run is refused by Step Functions instead of running twice.
 */
export class SfnRunStarter implements WorkflowStarter {
  readonly #options: SfnRunStarterOptions;

  constructor(options: SfnRunStarterOptions) {
    this.#options = options;
  }

  async start(run: RunRecord): Promise<void> {
    const arn = await this.#startExecution(run.run_id, executionInput(run.run_id, 'run'));
    await this.#options.store.transition(run.run_id, ['created'], 'queued', {
      execution_arn: arn,
    });
  }

  /**
   * The run is already `canceled`. A running execution sees that before its next step, then
   * finalizes and sends the terminal webhook, so it is left to end by itself: StopExecution would
   * end it before the webhook. An execution that is no longer running gets a short `finish`
   * execution so that the cancel is still announced.
   */
  async stop(run: RunRecord, reason: string): Promise<void> {
    const arn = run.execution_arn ?? executionArnOf(this.#options.stateMachineArn, run.run_id);
    const status = await this.#statusOf(arn);
    this.#options.logger.info('run stop requested', { run_id: run.run_id, reason, status });
    if (status === 'RUNNING') return;
    await this.#startExecution(`${run.run_id}-finish`, executionInput(run.run_id, 'finish'));
  }

  async notify(run: RunRecord, webhookUrl: string): Promise<void> {
    const webhook = { url: webhookUrl, delivery_id: newDeliveryId() };
    await this.#startExecution(
      `${run.run_id}-webhook-${ulid()}`,
      executionInput(run.run_id, 'webhook', { run: null, webhook }),
    );
  }

  async #statusOf(executionArn: string): Promise<string | null> {
    try {
      const { status } = await this.#options.sfn.send(
        new DescribeExecutionCommand({ executionArn }),
      );
      return status ?? null;
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return null;
      throw error;
    }
  }

  async #startExecution(name: string, input: ExecutionInput): Promise<string> {
    try {
      const { executionArn } = await this.#options.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.#options.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );
      return executionArn ?? executionArnOf(this.#options.stateMachineArn, name);
    } catch (error) {
      // A start that is repeated (a retried request) finds its execution already there.
      if (error instanceof ExecutionAlreadyExists) {
        return executionArnOf(this.#options.stateMachineArn, name);
      }
      throw error;
    }
  }
}
