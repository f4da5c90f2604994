import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  type Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

const PERIOD = Duration.minutes(5);
/** Share of API answers that are 4xx (throttling included) above which callers are in trouble. */
const CLIENT_ERROR_RATE = 0.25;

export interface ServiceAlarmsProps {
  readonly stateMachine: StateMachine;
  readonly functions: Record<string, IFunction>;
  readonly api: RestApi;
  /** Status changes of abandoned runs that finalize could not take. */
  readonly deadLetters: IQueue;
  readonly actions: IAlarmAction[];
}

/**
 * Alarms on what a person must look at: runs whose execution failed or timed out (a run that
 * fails for a reason of its own, such as a missing document, ends in a successful execution),
 * such runs that finalize could not end, throttled or failing functions, and an API that refuses
 * or fails requests.
 */
export class ServiceAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const { stateMachine, api } = props;

    this.#atLeastOnce('ExecutionsFailed', stateMachine.metricFailed({ period: PERIOD }), props);
    this.#atLeastOnce('ExecutionsTimedOut', stateMachine.metricTimedOut({ period: PERIOD }), props);
    this.#atLeastOnce(
      'ExecutionsThrottled',
      stateMachine.metricThrottled({ period: PERIOD }),
      props,
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      this.#atLeastOnce(`${name}Throttles`, fn.metricThrottles({ period: PERIOD }), props);
      this.#atLeastOnce(`${name}Errors`, fn.metricErrors({ period: PERIOD }), props);
    }
    this.#atLeastOnce(
      'AbandonedRunsNotFinalized',
      props.deadLetters.metricApproximateNumberOfMessagesVisible({ period: PERIOD }),
      props,
      'Maximum',
    );
    this.#atLeastOnce('ApiServerErrors', api.metricServerError({ period: PERIOD }), props);
    this.#add(
      'ApiClientErrorRate',
      api.metricClientError({ period: PERIOD, statistic: 'Average' }),
      CLIENT_ERROR_RATE,
      3,
      props,
    );
  }

  #atLeastOnce(id: string, metric: Metric, props: ServiceAlarmsProps, statistic = 'Sum'): void {
    this.#add(id, metric.with({ statistic }), 1, 1, props);
  }

  #add(
    id: string,
    metric: Metric,
    threshold: number,
    periods: number,
    props: ServiceAlarmsProps,
  ): void {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: periods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means nothing happened, which is not a fault.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    for (const action of props.actions) alarm.addAlarmAction(action);
    this.alarms.push(alarm);
  }
}
