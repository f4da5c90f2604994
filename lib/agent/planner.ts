import type { Action, ActionResult, Observation } from '../browser/types.ts';
import type { StoredFile } from '../contracts/run.ts';

/** One step taken so far, as the planner remembers it. */
export interface StepRecord {
  step: number;
  url: string;
  action: Action;
  /** What the element looked like when it was acted on, to avoid repeating a click. */
  elementText: string | null;
  elementHref: string | null;
  ok: boolean;
  /** Names of the files this step produced. */
  files: string[];
  error: string | null;
  /** Downloads still in flight when the action returned (ActionResult.pendingDownloads). */
  pendingDownloads?: number;
  /** Navigations the page started and cancelled (ActionResult.abandonedUrls). */
  abandonedUrls?: string[];
}

export interface PlannerInput {
  goal: string;
  observation: Observation;
  history: StepRecord[];
  files: StoredFile[];
  /** One-time code for a 2FA field, when a code source has one. */
  oneTimeCode?: () => Promise<string | null>;
}

/** What to do next. */
export type Decision =
  | { kind: 'act'; actions: Action[]; reason: string }
  /** The goal is met. */
  | { kind: 'done'; summary: string }
  /** The goal cannot be met on this site (no such document, login refused, access denied). */
  | { kind: 'impossible'; reason: string }
  /** The planner has nothing left to try (the run fails, or falls back to a model). */
  | { kind: 'stuck'; reason: string };

/** Decides the next actions from the goal and the page. */
export interface Planner {
  readonly name: 'code' | 'agent';
  decide(input: PlannerInput): Promise<Decision>;
}

export type { ActionResult };
