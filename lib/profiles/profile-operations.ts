import { StorageStateSchema } from '../browser/storage-state.ts';
import type { CreateProfileInput, Profile } from '../contracts/profile.ts';
import { isTerminal } from '../contracts/run.ts';
import { BadRequestError, ConflictError, ProfileNotFoundError, shownId } from '../errors.ts';
import type { ArtifactStore } from '../files/artifact-store.ts';
import { getOwnedRun } from '../runs/get-run.ts';
import type { RunStore } from '../runs/run-store.ts';
import { loadCheckpoint } from '../workflow/checkpoint.ts';
import type { ProfileStore } from './profile-store.ts';

/** The most profiles one owner keeps; listing reads each one, so the list stays short. */
export const MAX_PROFILES_PER_OWNER = 100;

export interface ProfileDeps {
  runs: RunStore;
  profiles: ProfileStore;
  artifacts: Pick<ArtifactStore, 'getBytes'>;
  clock: () => Date;
  /** @default MAX_PROFILES_PER_OWNER */
  maxProfiles?: number;
}

/**
 * Saves the browser state (cookies, local storage) a finished run of `owner` left as a new
 * profile. The state is the one the run's last step saw.
 */
export async function createProfile(
  owner: string,
  body: CreateProfileInput,
  deps: ProfileDeps,
): Promise<Profile> {
  const run = await getOwnedRun(deps.runs, owner, body.run_id);
  if (!isTerminal(run.status)) {
    throw new ConflictError(
      `Run ${run.run_id} is ${run.status}: a profile is saved from a run that has ended`,
    );
  }
  const checkpoint = await loadCheckpoint(deps.artifacts, run.run_id);
  const state = StorageStateSchema.safeParse(checkpoint?.storage_state);
  if (!state.success) {
    throw new BadRequestError(
      `Run ${run.run_id} left no browser state to save: it ended before its browser opened, ` +
        'or its artifacts have expired',
    );
  }
  const limit = deps.maxProfiles ?? MAX_PROFILES_PER_OWNER;
  const full = () =>
    new ConflictError(`You already have ${limit} browser profiles; delete one to save another`);
  if ((await deps.profiles.list(owner)).length >= limit) throw full();

  const profile = await deps.profiles.create(
    owner,
    {
      name: body.name.trim(),
      description: body.description ?? null,
      sourceRunId: run.run_id,
      storageState: state.data,
    },
    deps.clock(),
  );
  // saves made at the same moment all passed the count above: the ones past the limit go again
  const saved = await deps.profiles.list(owner);
  if (saved.length > limit) {
    const kept = new Set(saved.slice(-limit).map((p) => p.browser_profile_id));
    if (!kept.has(profile.browser_profile_id)) {
      await deps.profiles.delete(owner, profile.browser_profile_id);
      throw full();
    }
  }

  return profile;
}

function notFound(profileId: string): ProfileNotFoundError {
  return new ProfileNotFoundError(shownId(profileId));
}

/** The owner's profile; 404 for an unknown id and for another owner's profile alike. */
export async function getOwnedProfile(
  profiles: ProfileStore,
  owner: string,
  profileId: string,
): Promise<Profile> {
  const found = await profiles.get(owner, profileId);
  if (!found) throw notFound(profileId);

  return found.profile;
}

/** Deletes the owner's profile; runs already started from it keep the state they loaded. */
export async function deleteProfile(profiles: ProfileStore, owner: string, profileId: string) {
  if (!(await profiles.delete(owner, profileId))) throw notFound(profileId);

  return { browser_profile_id: profileId, deleted: true };
}
