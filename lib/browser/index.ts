export { chromiumExecutable } from './launcher.ts';
export { type BrowserSessionDeps, openBrowserSession } from './session.ts';
export type * from './types.ts';
