import fs from 'node:fs';
import path from 'node:path';
import { ulid } from 'ulid';

/** The folders of one browser session, all under the service's work directory. */
export interface SessionDirs {
  root: string;
  profile: string;
  downloads: string;
  traces: string;
}

/**
 * Creates a fresh folder tree for one session under `workDir/<runId>-<unique>`. Everything the
 * browser writes (profile, downloads, traces) stays inside it, so removing it leaves nothing.
 */
export async function createSessionDirs(workDir: string, runId: string): Promise<SessionDirs> {
  const safeRun = runId.replace(/[^\w-]/g, '_');
  const root = path.resolve(workDir, `${safeRun}-${ulid()}`);
  const dirs = {
    root,
    profile: path.join(root, 'profile'),
    downloads: path.join(root, 'downloads'),
    traces: path.join(root, 'traces'),
  };
  for (const dir of [dirs.profile, dirs.downloads, dirs.traces]) {
    await fs.promises.mkdir(dir, { recursive: true });
  }

  return dirs;
}

/** Removes a session's folders; never throws, because it runs in cleanup paths. */
export async function removeSessionDirs(dirs: SessionDirs): Promise<void> {
  await fs.promises
    .rm(dirs.root, { recursive: true, force: true, maxRetries: 3 })
    .catch(() => undefined);
}
