import { inspect } from 'node:util';

/**
 * A value that must never reach a log line, an error or a run record. Serialising or printing it
 * shows `***`; only `reveal()` gives the value, at the moment it is typed into a page.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '***';
  }

  toJSON(): string {
    return '***';
  }

  [inspect.custom](): string {
    return 'Secret(***)';
  }
}

/** A login written in the goal ("log in as demo / demo-pass-123"). */
export interface Credentials {
  username: string;
  password: Secret;
}

export interface CredentialsMatch {
  credentials: Credentials | null;
  /** The goal with the login phrase removed, so that neither value is read as a document name. */
  rest: string;
}

const VALUE = String.raw`(?:"([^"]+)"|'([^']+)'|([^\s"',;]+))`;
/** Verbs that start a login, in the five languages ("log in", "inicia sesión", "melde dich"). */
const LOGIN_VERB = String.raw`(?:log(?:ged)?\s*-?\s*(?:in|on)|sign\s*-?\s*in|login|authenticate|inici[ae]r?\s+sesi[oó]n|entr[ae]r?|connecte[sz]?-?\s*(?:toi|vous)|se\s+connecter|melde\s+dich|anmelden|einloggen|logge\s+dich|fa[cç][aa]?\s+login|fazer\s+login)`;
/** What comes between the verb and the username ("as", "with the username", "avec", "mit"). */
const USER_LINK = String.raw`(?:\s+\S+){0,2}?\s+(?:as|with|using|como|con|avec|en\s+tant\s+que|comme|als|mit|com)(?:\s+(?:the\s+)?(?:user(?:name)?|account|login|e-?mail|usuario|utilisateur|benutzer))?`;
const USER_LEAD = String.raw`${LOGIN_VERB}${USER_LINK}|\buser(?:name)?|\busuario|\busuário|\bidentifiant|\bbenutzer(?:name)?|\bcomo|\ben tant que|\bals`;
const PASSWORD_LEAD =
  '(?:passwort|kennwort|password|passcode|contraseña|clave|mot de passe|senha|pwd|pass)(?![a-z])';

const USER_PATTERN = new RegExp(String.raw`(?:${USER_LEAD})\s*[:=]?\s*${VALUE}`, 'giu');
const PASSWORD_PATTERN = new RegExp(
  String.raw`\b${PASSWORD_LEAD}\s*(?:is|es|est|ist|é|:|=)?\s*${VALUE}`,
  'iu',
);
const SLASH_PATTERN = new RegExp(String.raw`^\s*(?:/|:)\s*${VALUE}`, 'u');

function captured(match: RegExpExecArray | RegExpMatchArray): string {
  const raw = match[1] ?? match[2] ?? match[3] ?? '';

  return match[3] !== undefined ? raw.replace(/[.,:;)]+$/, '') : raw;
}

/** The password phrase after a username, as [start, end] in the goal and its value. */
function passwordAfter(goal: string, userEnd: number): { span: number[]; value: string } | null {
  const after = goal.slice(userEnd);
  const match = SLASH_PATTERN.exec(after) ?? PASSWORD_PATTERN.exec(after);
  if (!match) return null;
  const start = userEnd + match.index;

  return { span: [start, start + match[0].length], value: captured(match) };
}

/** Finds a username and password written in the goal, in any of the supported languages. */
export function extractCredentials(goal: string): CredentialsMatch {
  for (const user of goal.matchAll(USER_PATTERN)) {
    const userEnd = (user.index ?? 0) + user[0].length;
    const password = passwordAfter(goal, userEnd);
    const username = captured(user);
    if (!password || username === '' || password.value === '') continue;
    const rest = blank(goal, [[user.index ?? 0, userEnd], password.span]);

    return { credentials: { username, password: new Secret(password.value) }, rest };
  }

  return { credentials: null, rest: goal };
}

function blank(text: string, spans: number[][]): string {
  let out = text;
  for (const [start, end] of spans) {
    out = out.slice(0, start) + ' '.repeat(end - start) + out.slice(end);
  }

  return out;
}
