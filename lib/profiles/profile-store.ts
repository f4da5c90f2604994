import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type StorageState, StorageStateSchema } from '../browser/storage-state.ts';
import { PROFILE_ID_PATTERN, type Profile, ProfileSchema } from '../contracts/profile.ts';
import { type ArtifactStore, profileKeys } from '../files/artifact-store.ts';
import { newProfileId } from '../runs/ids.ts';

const StoredProfileSchema = ProfileSchema.extend({
  owner: z.string(),
  storage_state: StorageStateSchema,
});
type StoredProfile = z.infer<typeof StoredProfileSchema>;

export interface NewProfile {
  name: string;
  description: string | null;
  sourceRunId: string;
  storageState: StorageState;
}

/** A profile with the state it keeps, for the run that starts from it. */
export interface ProfileWithState {
  profile: Profile;
  storageState: StorageState;
}

/** The key segment of an owner: a hash, so owner names never shape object keys. */
function ownerKeyOf(owner: string): string {
  return createHash('sha256').update(owner).digest('hex').slice(0, 32);
}

function viewOf(stored: StoredProfile): Profile {
  const { owner: _owner, storage_state: _state, ...profile } = stored;

  return profile;
}

/** Reads one profile of `owner`; null for an unknown id or another owner's profile. */
export async function readProfile(
  artifacts: Pick<ArtifactStore, 'getBytes'>,
  owner: string,
  profileId: string,
): Promise<ProfileWithState | null> {
  if (!PROFILE_ID_PATTERN.test(profileId)) return null;
  const bytes = await artifacts.getBytes(profileKeys.profile(ownerKeyOf(owner), profileId));
  if (!bytes) return null;
  const stored = StoredProfileSchema.parse(JSON.parse(bytes.toString('utf8')));
  if (stored.owner !== owner) return null;

  return { profile: viewOf(stored), storageState: stored.storage_state };
}

/**
 * Saved browser profiles (section 7 of the contract), one JSON object each in the artifacts
 * bucket under the owner's folder. The API never shows the saved cookies or storage.
 */
export class ProfileStore {
  readonly #artifacts: Pick<ArtifactStore, 'putBytes' | 'getBytes' | 'delete' | 'list'>;

  constructor(artifacts: Pick<ArtifactStore, 'putBytes' | 'getBytes' | 'delete' | 'list'>) {
    this.#artifacts = artifacts;
  }

  async create(owner: string, fields: NewProfile, now: Date): Promise<Profile> {
    const stored: StoredProfile = {
      browser_profile_id: newProfileId(now.getTime()),
      name: fields.name,
      description: fields.description,
      source_run_id: fields.sourceRunId,
      created_at: now.toISOString(),
      cookie_count: fields.storageState.cookies.length,
      origin_count: fields.storageState.origins.length,
      owner,
      storage_state: fields.storageState,
    };
    const key = profileKeys.profile(ownerKeyOf(owner), stored.browser_profile_id);
    await this.#artifacts.putBytes(key, JSON.stringify(stored), 'application/json');

    return viewOf(stored);
  }

  /** The owner's profile and its state; null for an unknown id or another owner's profile. */
  get(owner: string, profileId: string): Promise<ProfileWithState | null> {
    return readProfile(this.#artifacts, owner, profileId);
  }

  /** The owner's profiles, newest first. */
  async list(owner: string): Promise<Profile[]> {
    const keys = await this.#artifacts.list(profileKeys.folder(ownerKeyOf(owner)));
    const ids = keys
      .map((key) => key.slice(key.lastIndexOf('/') + 1, -'.json'.length))
      .filter((id) => PROFILE_ID_PATTERN.test(id))
      .reverse();
    const found = await Promise.all(ids.map((id) => this.get(owner, id)));

    return found.flatMap((entry) => (entry ? [entry.profile] : []));
  }

  /** Deletes the owner's profile; false when there was none. */
  async delete(owner: string, profileId: string): Promise<boolean> {
    if (!(await this.get(owner, profileId))) return false;
    await this.#artifacts.delete(profileKeys.profile(ownerKeyOf(owner), profileId));

    return true;
  }
}
