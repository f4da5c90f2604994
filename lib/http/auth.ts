import { AuthError } from '../errors.ts';
import type { KeyStore } from '../runs/key-store.ts';

/** The key a request carries, in `x-api-key` or as `Authorization: Bearer <key>`. */
export function apiKeyOf(headers: Record<string, string>): string | null {
  const direct = headers['x-api-key']?.trim();
  if (direct) return direct;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');

  return bearer ? bearer[1] : null;
}

/** The owner of the request's key; AuthError (403) for a missing, unknown or revoked key. */
export async function authenticate(
  keys: KeyStore,
  headers: Record<string, string>,
): Promise<string> {
  const key = apiKeyOf(headers);
  const owner = key ? await keys.authenticate(key) : null;
  if (!owner) throw new AuthError();

  return owner;
}
