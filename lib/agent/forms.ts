import type { Observation, PageElement } from '../browser/types.ts';
import {
  BANNER_TOPICS,
  CLOSE_WORDS,
  CODE_HINTS,
  DISMISS_WORDS,
  LOGIN_WORDS,
  NOT_CODES,
  REFUSAL_WORDS,
  SIGN_IN_WORDS,
  USER_HINTS,
} from './form-words.ts';
import { elementLabel, isClickable } from './page.ts';
import { containsAny, normalize } from './text.ts';

/** Forms and overlays that stand between the planner and the goal: logins, codes, banners. */

export interface LoginForm {
  username: PageElement | null;
  password: PageElement;
  submit: PageElement | null;
}

const TEXT_INPUTS = new Set(['text', 'email', 'tel', 'search', '']);

function isInput(element: PageElement): boolean {
  return element.tag === 'input' && element.visible && !element.disabled;
}

function isTextInput(element: PageElement): boolean {
  return isInput(element) && TEXT_INPUTS.has(element.type ?? '');
}

/** A visible password field with the username field and submit button of its form. */
export function findLoginForm(observation: Observation): LoginForm | null {
  const elements = observation.elements;
  const passwordIndex = elements.findIndex((e) => isInput(e) && e.type === 'password');
  if (passwordIndex < 0) return null;
  const password = elements[passwordIndex];
  const sameFrame = (e: PageElement) => e.frame === password.frame;
  const before = elements.slice(0, passwordIndex).filter((e) => sameFrame(e) && isTextInput(e));
  const hinted = before.filter((e) => containsAny(normalize(`${e.name} ${e.text}`), USER_HINTS));
  const username = hinted.at(-1) ?? before.at(-1) ?? null;
  const after = elements.slice(passwordIndex + 1).filter((e) => sameFrame(e) && isClickable(e));
  const submit =
    after.find((e) => e.type === 'submit' && e.visible) ??
    after.find((e) => e.visible && containsAny(normalize(elementLabel(e)), LOGIN_WORDS)) ??
    null;

  return { username, password, submit };
}

/** A visible link or button that leads to the login form ("Sign in", "Anmelden"). */
export function findSignInLink(observation: Observation): PageElement | null {
  const found = observation.elements.find(
    (e) =>
      e.visible &&
      !e.disabled &&
      isClickable(e) &&
      SIGN_IN_WORDS.includes(normalize(elementLabel(e))),
  );

  return found ?? null;
}

/** A visible field that asks for a one-time code, and the button that sends it. */
export function findCodeField(
  observation: Observation,
): { field: PageElement; submit: PageElement | null } | null {
  const elements = observation.elements;
  const candidates = elements.filter((e) => isTextInput(e) || (isInput(e) && e.type === 'number'));
  const field = candidates.find((e) => {
    const hint = normalize(`${e.name} ${e.text}`);

    return containsAny(hint, CODE_HINTS) && !containsAny(hint, NOT_CODES);
  });
  if (!field) return null;
  const pageAsks = containsAny(normalize(observation.text), CODE_HINTS);
  if (!pageAsks) return null;
  const after = elements
    .slice(elements.indexOf(field) + 1)
    .filter((e) => isClickable(e) && e.visible);
  const submit =
    after.find((e) => e.type === 'submit') ??
    after.find((e) => containsAny(normalize(elementLabel(e)), LOGIN_WORDS)) ??
    null;

  return { field, submit };
}

function dismisses(element: PageElement, hasTopic: boolean): boolean {
  const label = normalize(elementLabel(element));
  if (element.text.trim() === '×' || CLOSE_WORDS.includes(label)) return true;

  return hasTopic && DISMISS_WORDS.some((w) => label === w || label.startsWith(`${w} `));
}

/** A button that closes a cookie banner or a modal, when the page shows one. */
export function findDismissButton(observation: Observation): PageElement | null {
  const hasTopic = containsAny(normalize(observation.text), BANNER_TOPICS);

  return (
    observation.elements.find((element) => {
      if (!element.visible || element.disabled || !isClickable(element)) return false;
      const leaves =
        element.href && !element.href.includes('#') && !/^javascript:/i.test(element.href);

      return !leaves && dismisses(element, hasTopic);
    }) ?? null
  );
}

/** The page's words refusing a login ("Invalid username or password."), or null. */
export function loginRefusal(observation: Observation): string | null {
  const text = normalize(observation.text);
  const word = REFUSAL_WORDS.find((w) => containsAny(text, [w]));
  if (!word) return null;
  const sentence = observation.text
    .split(/(?<=[.!?])\s+|\n+/)
    .find((s) => ` ${normalize(s)} `.includes(` ${word} `));

  return (sentence ?? word).trim().slice(0, 200);
}
