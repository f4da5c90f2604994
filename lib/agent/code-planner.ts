import type { Action, Observation, PageElement } from '../browser/types.ts';
import { act, downloadAction, explain, orderActions, printName, quote } from './actions.ts';
import { type Candidate, findCandidates } from './candidates.ts';
import { chooseDownloads, listedDates, onlyDownload } from './choose.ts';
import { type Progress, progressOf } from './completion.ts';
import { describeMissing, describeWanted } from './describe.ts';
import { openBlockedFrame, printPage, selectOneByOne } from './fallbacks.ts';
import {
  findCodeField,
  findDismissButton,
  findLoginForm,
  type LoginForm,
  loginRefusal,
} from './forms.ts';
import { type Goal, parseGoal } from './goal.ts';
import { type Memory, outcomeOf, remember } from './history.ts';
import { listGoesOn, nextPage, readList } from './listing.ts';
import { elementLabel } from './page.ts';
import type { Decision, Planner, PlannerInput } from './planner.ts';
import { pageRefusal } from './refusals.ts';

/** Options of the deterministic planner. */
export interface CodePlannerOptions {
  /** The clock for relative dates ("last month"); defaults to the system clock. */
  now?: () => Date;
}

/** Longest wait for a download already in flight, per step. */
const PENDING_WAIT_MS = 5_000;
/** Waits for downloads in flight before the planner gives up on them. */
const MAX_PENDING_WAITS = 6;
/** Waits for a one-time code that the code source has not delivered yet. */
const CODE_WAIT_MS = 10_000;

/** Everything one decision reads, gathered once. */
interface Context {
  input: PlannerInput;
  goal: Goal;
  observation: Observation;
  memory: Memory;
  progress: Progress;
  candidates: Candidate[];
  dismiss: PageElement | null;
}

/**
 * The deterministic planner (`run_with: "code"`): reads the goal once, then at each step scores
 * what the page offers and picks the actions that lead to the files, with a reason for each.
 */
export function createCodePlanner(options: CodePlannerOptions = {}): Planner {
  const now = options.now ?? (() => new Date());
  const goals = new Map<string, Goal>();
  const goalOf = (text: string) => {
    if (!goals.has(text)) goals.set(text, parseGoal(text, now()));

    return goals.get(text)!;
  };

  return {
    name: 'code',
    decide: async (input) => decide(contextOf(input, goalOf(input.goal))),
  };
}

function contextOf(input: PlannerInput, goal: Goal): Context {
  const observation = input.observation;
  const memory = remember(input.history, input.files, observation.url);
  const candidates = findCandidates(observation, goal, memory);
  const banner = findDismissButton(observation);
  const tried = banner && outcomeOf(memory, [elementLabel(banner), banner.text, banner.name], null);

  return {
    input,
    goal,
    observation,
    memory,
    progress: progressOf(goal, input.files, input.history),
    candidates,
    dismiss: tried ? null : banner,
  };
}

async function decide(ctx: Context): Promise<Decision> {
  const { goal, memory, progress } = ctx;
  if (progress.done) return { kind: 'done', summary: summarize(ctx) };
  if (memory.pendingDownloads > 0 && memory.waits < MAX_PENDING_WAITS) {
    return act(
      [{ kind: 'wait', ms: PENDING_WAIT_MS }],
      'A download is still in flight: waiting for it instead of clicking again',
      null,
    );
  }
  const dialog = ctx.observation.dialogs.map((d) => pageRefusal(d, goal)).find(Boolean);
  if (dialog) return { kind: 'impossible', reason: dialog };
  const login = findLoginForm(ctx.observation);
  const picks = chooseDownloads(ctx.candidates, goal, memory, progress);
  if (login && picks.length === 0) return logIn(ctx, login);
  const code = findCodeField(ctx.observation);
  if (code && picks.length === 0) return enterCode(ctx, code.field, code.submit);

  return picks.length > 0 ? download(ctx, picks) : explore(ctx);
}

function download(ctx: Context, picks: Candidate[]): Decision {
  const actions: Action[] = picks.map(downloadAction);
  const reasons = picks.map(explain);
  const next = ctx.goal.count.kind === 'all' ? nextPage(ctx.candidates, ctx.memory) : null;
  if (next && listGoesOn(ctx.candidates, ctx.goal) && !actions.some((a) => a.kind === 'navigate')) {
    actions.push({ kind: 'click', element: next.element.id });
    reasons.push(`then the next page ${quote(next.label)}: the list may go on`);
  }
  const what = picks.length === 1 ? 'the download' : `${picks.length} downloads`;

  return act(
    orderActions(actions),
    `For ${describeWanted(ctx.goal)}, ${what}: ${reasons.join('; ')}`,
    ctx.dismiss,
  );
}

/** No download fits: recover, turn the page, follow a section, print, or conclude. */
function explore(ctx: Context): Decision {
  const { goal, memory, candidates, observation } = ctx;
  const wanted = describeWanted(goal);
  const selection = selectOneByOne(observation, candidates, ctx.input.files);
  if (selection && ctx.progress.stored > 0)
    return act(selection.actions, selection.reason, ctx.dismiss);
  const refusal = pageRefusal(`${observation.title}\n${observation.text}`, goal);
  if (refusal) return { kind: 'impossible', reason: refusal };
  if (goal.period && goal.count.kind === 'one') {
    const verdict = readList(candidates, goal, memory);
    if (verdict.kind === 'absent') return { kind: 'impossible', reason: verdict.reason };
    if (verdict.kind === 'next')
      return act(
        [{ kind: 'click', element: verdict.candidate.element.id }],
        `${verdict.reason}: next page`,
        ctx.dismiss,
      );
  }
  const listing = ctx.progress.stored > 0 || listedDates(candidates, goal).length > 0;
  const more = goal.count.kind !== 'one' && listing ? nextPage(candidates, memory) : null;
  if (more && listGoesOn(candidates, goal)) {
    return act(
      [{ kind: 'click', element: more.element.id }],
      `Every fitting item of this page is stored; next page ${quote(more.label)}`,
      ctx.dismiss,
    );
  }
  const frame = openBlockedFrame(observation, memory);
  if (frame) return act(frame.actions, frame.reason, ctx.dismiss);
  const section = candidates.find((c) => c.kind === 'navigate' && c.score >= 3 && !c.outcome);
  if (section)
    return act(
      [{ kind: 'click', element: section.element.id }],
      `Toward ${wanted}: ${explain(section)}`,
      ctx.dismiss,
    );
  return conclude(ctx, wanted);
}

function conclude(ctx: Context, wanted: string): Decision {
  const { goal, candidates, observation, memory } = ctx;
  const print = printPage(
    observation,
    goal,
    printName(
      goal.targets.map((t) => t.label),
      goal.concepts[0] ?? null,
      observation,
    ),
  );
  if (print && ctx.progress.stored === 0) return act(print.actions, print.reason, ctx.dismiss);
  if (ctx.progress.stored > 0) return { kind: 'done', summary: summarize(ctx) };
  const fallback = onlyDownload(candidates, memory);
  if (fallback)
    return act(
      [downloadAction(fallback)],
      `Nothing names ${wanted}; the page's own download: ${explain(fallback)}`,
      ctx.dismiss,
    );
  const weak = candidates.find((c) => c.kind === 'navigate' && !c.outcome);
  if (weak)
    return act(
      [{ kind: 'click', element: weak.element.id }],
      `Toward ${wanted}: ${explain(weak)}`,
      ctx.dismiss,
    );
  if (goal.period && candidates.some((c) => c.fit.dateFit === 'conflict')) {
    return {
      kind: 'impossible',
      reason: `No ${describeMissing(goal)} is listed on ${observation.url}.`,
    };
  }

  return {
    kind: 'stuck',
    reason: `Nothing on ${observation.url} leads to ${wanted}: no download, export or section fits it.`,
  };
}

function logIn(ctx: Context, form: LoginForm): Decision {
  const { credentials } = ctx.goal;
  const wanted = describeWanted(ctx.goal);
  if (ctx.memory.loginAttempts > 0) {
    const refusal = loginRefusal(ctx.observation);
    if (refusal || ctx.memory.loginAttempts >= 2) {
      const who = credentials ? ` as ${credentials.username}` : '';
      const says = refusal ? `: the site says "${refusal}"` : ' after two attempts';

      return { kind: 'impossible', reason: `The login${who} was refused${says}.` };
    }
  }
  if (!credentials) {
    return {
      kind: 'impossible',
      reason: `${ctx.observation.url} asks to log in before ${wanted}, and the goal gives no username and password.`,
    };
  }
  const actions: Action[] = [];
  if (form.username)
    actions.push({ kind: 'fill', element: form.username.id, value: credentials.username });
  actions.push({
    kind: 'fill',
    element: form.password.id,
    value: credentials.password.reveal(),
    secret: true,
  });
  actions.push(
    form.submit
      ? { kind: 'click', element: form.submit.id }
      : { kind: 'press', key: 'Enter', element: form.password.id },
  );

  return act(
    actions,
    `A login form stands before ${wanted}: logging in as ${credentials.username}`,
    ctx.dismiss,
  );
}

async function enterCode(
  ctx: Context,
  field: PageElement,
  submit: PageElement | null,
): Promise<Decision> {
  const source = ctx.input.oneTimeCode;
  if (!source) {
    return {
      kind: 'impossible',
      reason: `${ctx.observation.url} asks for a one-time code and the run has no code source (totp_identifier or totp_url).`,
    };
  }
  const code = await source();
  if (!code)
    return act(
      [{ kind: 'wait', ms: CODE_WAIT_MS }],
      'The page asks for a one-time code; none has arrived yet',
      null,
    );
  const send: Action = submit
    ? { kind: 'click', element: submit.id }
    : { kind: 'press', key: 'Enter', element: field.id };

  return act(
    [{ kind: 'fill', element: field.id, value: code, secret: true }, send],
    'The page asks for a one-time code: entering the one from the code source',
    ctx.dismiss,
  );
}

function summarize(ctx: Context): string {
  const files = ctx.input.files;
  const names = files
    .slice(0, 10)
    .map((f) => f.filename)
    .join(', ');
  const more = files.length > 10 ? ` and ${files.length - 10} more` : '';
  const missing = ctx.progress.missingTargets.map((i) => ctx.goal.targets[i].label);
  const gap =
    ctx.goal.targets.length >= 2 && missing.length > 0
      ? ` Nothing was found for ${missing.join(', ')}.`
      : '';

  return `Stored ${files.length} file${files.length === 1 ? '' : 's'} for ${describeWanted(ctx.goal)}: ${names}${more}.${gap}`;
}
