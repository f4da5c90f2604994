import { ulid } from 'ulid';
import { z } from 'zod';
import { type Run, RunSchema } from '../contracts/run.ts';
import type { Logger } from '../log.ts';

/** The parameters of the PublishEvent state: one PutEvents entry carrying the finished run. */
const PutEventsInputSchema = z.strictObject({
  Entries: z.array(
    z.strictObject({
      Detail: RunSchema,
      DetailType: z.string(),
      Source: z.string(),
      EventBusName: z.string(),
    }),
  ),
});

/** A run-finished event as the local mode keeps it. */
export interface RunFinishedEvent {
  id: string;
  source: string;
  detailType: string;
  eventBusName: string;
  detail: Run;
}

/**
 * Stands in for EventBridge in the local mode: takes the PublishEvent state's PutEvents
 * parameters, logs each event and keeps it, and answers like PutEvents.
 */
export class LocalEventBus {
  readonly events: RunFinishedEvent[] = [];
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** The local handler of the PublishEvent state. */
  readonly putEvents = async (input: unknown) => {
    const { Entries } = PutEventsInputSchema.parse(input);
    const ids = Entries.map((entry) => {
      const event = {
        id: ulid(),
        source: entry.Source,
        detailType: entry.DetailType,
        eventBusName: entry.EventBusName,
        detail: entry.Detail,
      };
      this.events.push(event);
      this.#logger.info('run finished event', {
        run_id: event.detail.run_id,
        status: event.detail.status,
        detail_type: event.detailType,
      });
      return { EventId: event.id };
    });

    return { Entries: ids, FailedEntryCount: 0 };
  };
}
