import type { Action, PageElement } from '../browser/types.ts';
import { act } from './actions.ts';
import type { Context } from './context.ts';
import { type LoginForm, loginRefusal } from './forms.ts';
import type { Decision } from './planner.ts';

/** Logins and one-time codes: the forms that stand between the planner and the goal. */

/** Waits for a one-time code that the code source has not delivered yet. */
const CODE_WAIT_MS = 10_000;

/** The site's refusal of the login typed in the last step, even on a page without the form. */
export function justRefused(ctx: Context): string | null {
  const typed = ctx.memory.lastStep.some((r) => r.action.kind === 'fill' && r.action.secret);
  const refusal = typed ? loginRefusal(ctx.observation) : null;
  if (!refusal) return null;
  const who = ctx.goal.credentials ? ` as ${ctx.goal.credentials.username}` : '';

  return `The login${who} was refused: the site says "${refusal}".`;
}

/** Logs in with the goal's credentials, or says why the login cannot or did not succeed. */
export function logIn(ctx: Context, form: LoginForm): Decision {
  const { credentials } = ctx.goal;
  if (ctx.memory.loginAttempts > 0) {
    const refusal = loginRefusal(ctx.observation);
    if (refusal || ctx.memory.loginAttempts >= 2) {
      const who = credentials ? ` as ${credentials.username}` : '';
      const says = refusal ? `: the site says "${refusal}"` : ' after two attempts';

      return { kind: 'impossible', reason: `The login${who} was refused${says}.` };
    }
  }
  if (!credentials) {
    const reason = `${ctx.observation.url} asks to log in before ${ctx.wanted}, and the goal gives no username and password.`;

    return { kind: 'impossible', reason };
  }
  const actions: Action[] = [];
  if (form.username) {
    actions.push({ kind: 'fill', element: form.username.id, value: credentials.username });
  }
  const password = credentials.password.reveal();
  actions.push({ kind: 'fill', element: form.password.id, value: password, secret: true });
  actions.push(
    form.submit
      ? { kind: 'click', element: form.submit.id }
      : { kind: 'press', key: 'Enter', element: form.password.id },
  );
  const reason = `A login form stands before ${ctx.wanted}: logging in as ${credentials.username}`;

  return act(actions, reason, ctx.dismiss);
}

/** Types the code source's one-time code, waits for one, or says there is no code source. */
export async function enterCode(
  ctx: Context,
  field: PageElement,
  submit: PageElement | null,
): Promise<Decision> {
  const source = ctx.input.oneTimeCode;
  if (!source) {
    const reason = `${ctx.observation.url} asks for a one-time code and the run has no code source (totp_identifier or totp_url).`;

    return { kind: 'impossible', reason };
  }
  const code = await source();
  if (!code) {
    const waiting = 'The page asks for a one-time code; none has arrived yet';

    return act([{ kind: 'wait', ms: CODE_WAIT_MS }], waiting, null);
  }
  const send: Action = submit
    ? { kind: 'click', element: submit.id }
    : { kind: 'press', key: 'Enter', element: field.id };
  const reason = 'The page asks for a one-time code: entering the one from the code source';

  return act(
    [{ kind: 'fill', element: field.id, value: code, secret: true }, send],
    reason,
    ctx.dismiss,
  );
}
