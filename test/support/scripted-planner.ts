import type { Decision, Planner } from '../../lib/agent/planner.ts';

// Limitation: a stand-in for the code planner until it is on this branch; it follows a fixed
// list of link texts on the real observation instead of reading the goal.

const PATH = [/download pdf/i, /next page/i, /^invoices$/i, /^billing$/i];

/** Follows Billing, Invoices, Next page and Download PDF, then is done once a file is stored. */
export function pathPlanner(options: { waitSteps?: number } = {}) {
  return (): Planner => ({
    name: 'code',
    async decide({ observation, history, files }): Promise<Decision> {
      if (files.length > 0) return { kind: 'done', summary: 'Downloaded the May 2024 invoice.' };
      if (history.length < (options.waitSteps ?? 0)) {
        return { kind: 'act', actions: [{ kind: 'wait', ms: 10 }], reason: 'waiting' };
      }
      for (const pattern of PATH) {
        const element = observation.elements.find((candidate) => pattern.test(candidate.text));
        if (element) {
          return {
            kind: 'act',
            actions: [{ kind: 'click', element: element.id }],
            reason: `follow ${element.text}`,
          };
        }
      }
      return { kind: 'stuck', reason: 'No link leads closer to the invoice.' };
    },
  });
}
