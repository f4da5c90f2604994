import type { Candidate } from './candidates.ts';
import type { Progress } from './completion.ts';
import { type DateMention, dateOrder } from './dates.ts';
import type { Goal } from './goal.ts';
import type { Memory } from './history.ts';
import { pageKey } from './page.ts';

/** Picks which download candidates to act on now, and reads what a dated list tells. */

const SANDBOX_BLOCK = /blocked \(sandboxed frame/i;

/** A candidate still worth trying: not the source of a stored file, not failed, not another item. */
export function isOpen(candidate: Candidate, memory: Memory): boolean {
  const outcome = candidate.outcome;
  if (candidate.fit.conflict) return false;
  // the element's own href counts too: a blob: link the page made for a file already stored
  const source = candidate.href ?? candidate.element.href;
  if (source && memory.fileSources.has(pageKey(source))) return false;
  if (!outcome) return true;
  if (outcome.producedFile) return false;
  // What failed before a login (a login page served under the document's name) may work now.
  if (outcome.lastStep < memory.lastLoginStep) return true;
  // What a sandboxed frame blocked may work on the frame's own page, opened top-level.
  if (
    outcome.times < 2 &&
    SANDBOX_BLOCK.test(outcome.error ?? '') &&
    outcome.lastUrl !== memory.currentUrl
  ) {
    return true;
  }
  if (outcome.error) return false;

  return outcome.times < 2;
}

function newest(candidates: Candidate[]): Candidate[] {
  const order = (c: Candidate) => Math.max(...c.fit.dates.map((d) => dateOrder(d) ?? -1), -1);

  return [...candidates].sort((a, b) => order(b) - order(a) || a.order - b.order);
}

/** Open download candidates, best first; tried-but-empty ones last. */
function openDownloads(candidates: Candidate[], memory: Memory): Candidate[] {
  const open = candidates.filter((c) => c.kind === 'download' && isOpen(c, memory));

  return open.sort((a, b) => Number(Boolean(a.outcome)) - Number(Boolean(b.outcome)));
}

/** True when the goal says anything that can tell one document from another. */
function discriminates(goal: Goal): boolean {
  return goal.concepts.length + goal.keywords.length + goal.targets.length > 0 || !!goal.period;
}

/** The download candidates to act on in this step (several for "all", N and named lists). */
export function chooseDownloads(
  candidates: Candidate[],
  goal: Goal,
  memory: Memory,
  progress: Progress,
): Candidate[] {
  const open = openDownloads(candidates, memory);
  if (goal.targets.length >= 2) {
    return progress.missingTargets
      .flatMap((index) => {
        const best = open.find((c) => c.fit.targets.includes(index));

        return best ? [best] : [];
      })
      .filter((c, i, all) => all.indexOf(c) === i);
  }
  const relevant = open.filter((c) => c.fit.points > 0);
  // "the latest" of a list whose items differ only by date (every link says "Download")
  const dated = goal.latest ? open.filter((c) => c.fit.dates.length > 0) : [];
  const named = relevant.length > 0 ? relevant : dated;
  const pool = named.length > 0 || discriminates(goal) ? named : open;
  const fitting = goal.period ? byPeriod(pool, candidates, goal) : pool;
  if (goal.count.kind === 'one') {
    const best =
      goal.latest && fitting.some((c) => c.fit.dates.length > 0) ? newest(fitting) : fitting;

    return best.slice(0, 1);
  }
  const ordered = goal.latest ? newest(fitting) : [...fitting].sort((a, b) => a.order - b.order);

  return progress.remaining === null ? ordered : ordered.slice(0, progress.remaining);
}

/** Items of the wanted period; none when the page lists dated items and none is of that period. */
function byPeriod(pool: Candidate[], all: Candidate[], goal: Goal): Candidate[] {
  const matching = pool.filter((c) => c.fit.dateFit === 'match');
  if (matching.length > 0) return matching;
  const datedList = all.some((c) => c.fit.dateFit === 'conflict');

  return datedList || goal.count.kind !== 'one' ? [] : pool;
}

/** Fallback when nothing on the page fits the goal's words: the page's only kind of download. */
export function onlyDownload(candidates: Candidate[], memory: Memory): Candidate | null {
  const open = openDownloads(candidates, memory).filter((c) => c.fit.points >= 0);

  return open[0] ?? null;
}

/** Dates of the documents the page lists, in page order. */
export function listedDates(candidates: Candidate[], goal: Goal): DateMention[] {
  return candidates
    .filter((c) => c.kind === 'download' && (c.fit.namesConcept || goal.concepts.length === 0))
    .sort((a, b) => a.order - b.order)
    .flatMap((c) => c.fit.dates.filter((d) => dateOrder(d) !== null).slice(0, 1));
}

/** The first month the goal's period covers, as a `dateOrder` number. */
export function periodStart(goal: Goal): number | null {
  const p = goal.period;
  if (!p || p.year === null) return null;
  if (p.month !== null) return p.year * 12 + p.month;
  if (p.quarter !== null) return p.year * 12 + (p.quarter - 1) * 3 + 1;

  return p.year * 12 + 1;
}

/** The last month the goal's period covers. */
export function periodEnd(goal: Goal): number | null {
  const p = goal.period;
  if (!p || p.year === null) return null;

  return dateOrder(p);
}
