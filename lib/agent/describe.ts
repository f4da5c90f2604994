import { describeDate } from './dates.ts';
import type { Goal } from './goal.ts';

/** How reasons and summaries name what the goal asks for: "the invoice for March 2025". */
export function describeWanted(goal: Goal): string {
  const many = goal.count.kind !== 'one';
  const noun = nounOf(goal, many);
  if (goal.targets.length > 0) return `${listOf(goal.targets.map((t) => t.label))}`;
  const kind = goal.fileKinds.length > 0 ? ` (${goal.fileKinds.join('/').toUpperCase()})` : '';
  const period = goal.period ? periodPhrase(goal) : '';
  const article = many ? (goal.count.kind === 'n' ? `${goal.count.n} ` : 'all ') : 'the ';
  const latest = goal.latest ? 'latest ' : '';

  return `${article}${latest}${noun}${period}${kind}`.trim();
}

/** Like `describeWanted`, for "No invoice for February 2031 is listed". */
export function describeMissing(goal: Goal): string {
  if (goal.targets.length > 0) return listOf(goal.targets.map((t) => t.label));
  const period = goal.period ? periodPhrase(goal) : '';

  return `${goal.latest ? 'latest ' : ''}${nounOf(goal, false)}${period}`;
}

function periodPhrase(goal: Goal): string {
  const date = describeDate(goal.period!);
  const onlyYear = goal.period!.month === null && goal.period!.quarter === null;

  return onlyYear ? ` from ${date}` : ` for ${date}`;
}

function nounOf(goal: Goal, plural: boolean): string {
  const base = goal.concepts[0] ?? (goal.keywords.length > 0 ? goal.keywords.join(' ') : 'file');

  return plural ? `${base}s` : base;
}

function listOf(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';

  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
