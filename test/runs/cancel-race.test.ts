import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TERMINAL_STATUSES } from '../../lib/contracts/run.ts';
import { type LocalApi, QUEUE_ONLY, startLocalApi, VALID_TASK } from '../support/local-api.ts';

const RUNS = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let api: LocalApi;

beforeAll(async () => {
  api = await startLocalApi({}, QUEUE_ONLY);
});
afterAll(() => api.close());

const OUTPUT = {
  downloaded_file_count: 1,
  final_url: null,
  final_title: null,
  summary: 'Stored it',
};

describe('a cancel racing the run’s own completion', () => {
  it('leaves each of 50 runs in exactly one terminal status that later writes cannot change', async () => {
    const ids: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      ids.push((await api.call('POST', '/v1/run/tasks/download_files', VALID_TASK)).json.run_id);
    }
    await Promise.all(ids.map((id) => api.local.runs.transition(id, ['queued'], 'running')));

    const outcomes = await Promise.all(
      ids.map(async (id, index) => {
        const [cancel, completion] = await Promise.all([
          api.call('POST', `/v1/runs/${id}/cancel`),
          sleep(index * 40).then(() => api.local.runs.finish(id, 'completed', { output: OUTPUT })),
        ]);
        return { id, cancel, completion };
      }),
    );

    const winners = { canceled: 0, completed: 0 };
    for (const { id, cancel, completion } of outcomes) {
      const cancelWon = cancel.status === 200;
      expect(cancelWon).toBe(completion === null);
      expect(cancel.status).toBe(cancelWon ? 200 : 409);
      const expected = cancelWon ? 'canceled' : 'completed';
      winners[expected]++;

      await api.local.runs.finish(id, 'failed', { failure_reason: 'late' });
      await api.local.runs.finish(id, cancelWon ? 'completed' : 'canceled');
      await api.local.runs.transition(id, ['created', 'queued', 'running'], 'running');
      const again = await api.call('POST', `/v1/runs/${id}/cancel`);

      const final = await api.call('GET', `/v1/runs/${id}`);
      expect(again.status).toBe(409);
      expect(final.json.status).toBe(expected);
      expect(TERMINAL_STATUSES).toContain(final.json.status);
      expect(final.json.failure_reason).toBeNull();
      expect(final.json.output).toEqual(cancelWon ? null : OUTPUT);
    }
    expect(winners.canceled + winners.completed).toBe(RUNS);
    // The completion is delayed by 0-2 s across the runs, so that both sides win some of the races.
    console.log(`cancel won ${winners.canceled} races, completion won ${winners.completed}`);
  });

  it('lets exactly one of two simultaneous terminal writes win for each of 50 runs', async () => {
    const ids: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      ids.push((await api.call('POST', '/v1/run/tasks/download_files', VALID_TASK)).json.run_id);
    }

    const results = await Promise.all(
      ids.map((id) =>
        Promise.all([
          api.local.runs.finish(id, 'canceled'),
          api.local.runs.finish(id, 'completed', { output: OUTPUT }),
        ]),
      ),
    );

    for (const [index, [canceled, completed]] of results.entries()) {
      const winner = canceled ?? completed;
      expect([canceled, completed].filter(Boolean)).toHaveLength(1);
      expect((await api.local.runs.get(ids[index]))?.status).toBe(winner?.status);
    }
  });
});
