import type { Candidate } from './candidates.ts';
import { listedDates, periodEnd, periodStart } from './choose.ts';
import { type DateMention, dateOrder, describeDate } from './dates.ts';
import { describeMissing } from './describe.ts';
import type { Goal } from './goal.ts';
import type { Memory } from './history.ts';
import { pageKey } from './page.ts';

/** What a dated list (newest first or oldest first, over pages) says about the goal. */
export type ListVerdict =
  | { kind: 'next'; candidate: Candidate; reason: string }
  | { kind: 'absent'; reason: string }
  | { kind: 'none' };

function orderOf(dates: DateMention[]): number[] {
  return dates.map((d) => dateOrder(d) ?? 0);
}

/** The next-page link, if it leads to a page not seen yet. */
export function nextPage(candidates: Candidate[], memory: Memory): Candidate | null {
  return (
    candidates.find(
      (c) =>
        c.kind === 'next' &&
        !(c.href && memory.visited.has(pageKey(c.href))) &&
        !(c.outcome && c.outcome.times >= 2),
    ) ?? null
  );
}

/** For "all" goals: true when later pages can still hold items of the wanted period. */
export function listGoesOn(candidates: Candidate[], goal: Goal): boolean {
  const start = periodStart(goal);
  const end = periodEnd(goal);
  const dates = orderOf(listedDates(candidates, goal));
  if (start === null || end === null || dates.length < 2) return true;
  const newestFirst = dates[0] >= dates[dates.length - 1];

  return newestFirst ? Math.min(...dates) >= start : Math.max(...dates) <= end;
}

/**
 * For a goal naming one dated document that this page does not list: go to the next page when
 * the list may still reach the date, or say it is not there.
 */
export function readList(candidates: Candidate[], goal: Goal, memory: Memory): ListVerdict {
  const next = nextPage(candidates, memory);
  const listed = listedDates(candidates, goal);
  const start = periodStart(goal);
  const wanted = describeMissing(goal);
  if (start === null || listed.length === 0) {
    return next
      ? { kind: 'next', candidate: next, reason: `${wanted} is not on this page` }
      : { kind: 'none' };
  }
  const dates = orderOf(listed);
  const newest = listed[dates.indexOf(Math.max(...dates))];
  const oldest = listed[dates.indexOf(Math.min(...dates))];
  const range = `${describeDate(oldest)} to ${describeDate(newest)}`;
  const ascending = dates[0] < dates[dates.length - 1];
  if (next && start > Math.max(...dates) && ascending) {
    return {
      kind: 'next',
      candidate: next,
      reason: `${wanted} is newer than this page (${range})`,
    };
  }
  if (next && start < Math.min(...dates) && !ascending) {
    return {
      kind: 'next',
      candidate: next,
      reason: `${wanted} is older than this page (${range})`,
    };
  }
  if (start > Math.max(...dates)) {
    return {
      kind: 'absent',
      reason: `No ${wanted} is listed: the newest listed is ${describeDate(newest)}.`,
    };
  }

  return { kind: 'absent', reason: `No ${wanted} is listed (the list shows ${range}).` };
}
