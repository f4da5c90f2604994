import { act, downloadAction, explain, printName, quote } from './actions.ts';
import { linkExtension } from './candidates.ts';
import { listedDates, onlyDownload } from './choose.ts';
import { type Context, summarize } from './context.ts';
import { describeMissing } from './describe.ts';
import { openBlockedFrame, printPage, selectOneByOne } from './fallbacks.ts';
import { findLoginForm, findSignInLink } from './forms.ts';
import { outcomeOf } from './history.ts';
import { listGoesOn, nextPage, readList } from './listing.ts';
import { pageKey } from './page.ts';
import type { Decision } from './planner.ts';
import { pageRefusal } from './refusals.ts';

/**
 * What the planner tries when no download on the page fits the goal, in order: each move
 * returns a decision, or null to let the next one try.
 */
type Move = (ctx: Context) => Decision | null;

/** Wait for a download that a click may have started late (a slow server, a JS redirect). */
const LATE_DOWNLOAD_WAIT_MS = 5_000;

const click = (ctx: Context, element: string, reason: string): Decision =>
  act([{ kind: 'click', element }], reason, ctx.dismiss);

/** "Download selected" delivered fewer files than selected: one item at a time. */
const recoverSelection: Move = (ctx) => {
  if (ctx.progress.stored === 0) return null;
  const selection = selectOneByOne(
    ctx.observation,
    ctx.candidates,
    ctx.input.files,
    ctx.input.history,
  );

  return selection ? act(selection.actions, selection.reason, ctx.dismiss) : null;
};

/** The page says the thing does not exist, or that access is denied. */
const pageSaysNo: Move = (ctx) => {
  const refusal = pageRefusal(`${ctx.observation.title}\n${ctx.observation.text}`, ctx.asked);

  return refusal ? { kind: 'impossible', reason: refusal } : null;
};

function printMove(ctx: Context): Decision | null {
  const { asked: goal, observation } = ctx;
  const labels = goal.targets.map((t) => t.label);
  const name = printName(labels, goal.concepts[0] ?? null, observation);
  const print = printPage(observation, goal, name, ctx.memory);

  return print ? act(print.actions, print.reason, ctx.dismiss) : null;
}

/** The page shows the very item the goal names (its id) and has no file: print it. */
const printShownTarget: Move = (ctx) =>
  ctx.asked.targets.length > 0 || ctx.observation.printRequested ? printMove(ctx) : null;

/** One dated document: turn the pages of a dated list, or say it is not listed. */
const walkDatedList: Move = (ctx) => {
  if (!ctx.goal.period || ctx.goal.count.kind !== 'one') return null;
  const verdict = readList(ctx.candidates, ctx.goal, ctx.memory);
  if (verdict.kind === 'absent') return { kind: 'impossible', reason: verdict.reason };
  if (verdict.kind === 'next') {
    return click(ctx, verdict.candidate.element.id, `${verdict.reason}: next page`);
  }

  return null;
};

/** Several documents: the next page of the list while it can hold more of them. */
const nextPageOfAll: Move = (ctx) => {
  const { goal, candidates, memory } = ctx;
  if (goal.count.kind === 'one') return null;
  const listing = ctx.progress.stored > 0 || listedDates(candidates, goal).length > 0;
  const more = listing ? nextPage(candidates, memory) : null;
  if (!more || !listGoesOn(candidates, goal)) return null;

  return click(ctx, more.element.id, `No more fitting items here; next page ${quote(more.label)}`);
};

const openSandboxedFrame: Move = (ctx) => {
  const frame = openBlockedFrame(ctx.observation, ctx.memory);

  return frame ? act(frame.actions, frame.reason, ctx.dismiss) : null;
};

/**
 * The goal gives a login, none was made yet, and nothing on the page fits: the sign-in link
 * (a document may have answered with a login page under its own name).
 */
const signIn: Move = (ctx) => {
  if (!ctx.goal.credentials || ctx.memory.loginAttempts > 0) return null;
  if (findLoginForm(ctx.observation)) return null;
  const link = findSignInLink(ctx.observation);
  if (!link || outcomeOf(ctx.memory, [link.text, link.name], link.href)) return null;

  return click(ctx, link.id, `The goal gives a login: opening ${quote(link.text || link.name)}`);
};

/** A link or tab that names the goal's documents or their section. */
const followSection: Move = (ctx) => {
  const section = ctx.candidates.find((c) => c.kind === 'navigate' && c.score >= 3 && !c.outcome);

  return section
    ? click(ctx, section.element.id, `Toward ${ctx.wanted}: ${explain(section)}`)
    : null;
};

/** The last click was meant to download and nothing came yet: give it a moment once. */
const awaitLateDownload: Move = (ctx) => {
  const last = ctx.memory.lastStep;
  if (last.some((r) => r.action.kind === 'wait' || r.files.length > 0 || r.error)) return null;
  const expected = last.some((r) => 'expectDownload' in r.action && r.action.expectDownload);
  if (!expected) return null;
  const reason = 'The last click was to start a download and none has arrived yet: waiting once';

  return act([{ kind: 'wait', ms: LATE_DOWNLOAD_WAIT_MS }], reason, null);
};

/**
 * A download click ended on an error page at a file's own URL (a cookie the page set in script
 * arrived after the request): ask for that URL once more.
 */
const retryFileUrl: Move = (ctx) => {
  const url = ctx.observation.url;
  const last = ctx.memory.lastStep;
  const clicked = last.some((r) => 'expectDownload' in r.action && r.action.expectDownload);
  if (!clicked || last.some((r) => r.files.length > 0) || !linkExtension(url)) return null;
  if (ctx.memory.hrefs.has(pageKey(url))) return null;
  const reason = `The download click ended on ${url} without a file; requesting it once more`;

  return act([{ kind: 'navigate', url, expectDownload: true }], reason, null);
};

/** No file exists but the goal allows a page saved as PDF. */
const printAsLastResort: Move = (ctx) => (ctx.progress.stored === 0 ? printMove(ctx) : null);

/** Some files are stored and nothing more is left to find. */
const finishWithFiles: Move = (ctx) =>
  ctx.progress.stored > 0 ? { kind: 'done', summary: summarize(ctx) } : null;

/** Nothing names the goal, but the page has a download of its own (its only file). */
const pageOwnDownload: Move = (ctx) => {
  const fallback = onlyDownload(ctx.candidates, ctx.memory);
  if (!fallback) return null;
  const reason = `Nothing names ${ctx.wanted}; the page's own download: ${explain(fallback)}`;

  return act([downloadAction(fallback)], reason, ctx.dismiss);
};

const followWeakLink: Move = (ctx) => {
  const weak = ctx.candidates.find((c) => c.kind === 'navigate' && !c.outcome);

  return weak ? click(ctx, weak.element.id, `Toward ${ctx.wanted}: ${explain(weak)}`) : null;
};

/** A dated list without the wanted date. */
const concludeAbsent: Move = (ctx) => {
  if (!ctx.goal.period || !ctx.candidates.some((c) => c.fit.dateFit === 'conflict')) return null;
  const reason = `No ${describeMissing(ctx.goal)} is listed on ${ctx.observation.url}.`;

  return { kind: 'impossible', reason };
};

const MOVES: Move[] = [
  recoverSelection,
  pageSaysNo,
  printShownTarget,
  walkDatedList,
  nextPageOfAll,
  openSandboxedFrame,
  signIn,
  followSection,
  retryFileUrl,
  awaitLateDownload,
  printAsLastResort,
  finishWithFiles,
  pageOwnDownload,
  followWeakLink,
  concludeAbsent,
];

/** No download fits: recover, turn the page, follow a section, print, or conclude. */
export function explore(ctx: Context): Decision {
  for (const move of MOVES) {
    const decision = move(ctx);
    if (decision) return decision;
  }
  const reason = `Nothing on ${ctx.observation.url} leads to ${ctx.wanted}: no download, export or section fits it.`;

  return { kind: 'stuck', reason };
}
