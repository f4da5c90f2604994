import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, QUEUE_ONLY, startLocalApi, VALID_TASK } from '../support/local-api.ts';

const CREATE = '/v1/run/tasks/download_files';
let api: LocalApi;

beforeAll(async () => {
  api = await startLocalApi({}, QUEUE_ONLY);
});
afterAll(() => api.close());

describe('a navigation_goal of white space alone', () => {
  it.each(['   ', '\t\n ', '\u00a0\u2003'])(
    'is refused with 422 on the goal (%j)',
    async (goal) => {
      const before = await api.countRuns();
      const { status, json } = await api.call('POST', CREATE, {
        ...VALID_TASK,
        navigation_goal: goal,
      });

      expect(status).toBe(422);
      expect(json.detail.map((problem: { loc: unknown }) => problem.loc)).toEqual([
        ['body', 'navigation_goal'],
      ]);
      expect(await api.countRuns()).toBe(before);
    },
  );

  it('is refused by the OpenAPI schema too, which still accepts a goal with text', async () => {
    const { json } = await api.call('GET', '/openapi.json');
    const schemas = Object.values(json.components.schemas) as {
      properties?: Record<string, { pattern?: string }>;
    }[];
    const goal = schemas.find((schema) => schema.properties?.navigation_goal?.pattern)?.properties
      ?.navigation_goal;

    expect(goal?.pattern).toBeDefined();
    const pattern = new RegExp(goal?.pattern ?? '', 'u');
    expect(pattern.test('   ')).toBe(false);
    expect(pattern.test('  get the invoice ')).toBe(true);
  });

  it('with text around it is accepted', async () => {
    const { status } = await api.call('POST', CREATE, { ...VALID_TASK, navigation_goal: ' x ' });

    expect(status).toBe(200);
  });
});
