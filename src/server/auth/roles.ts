import type { Role } from '../../domain/wire';

export { ROLE_LABELS, roleSchema, type Role } from '../../domain/wire';

/** Who is signed in on a request, as read from the session (never from anything the client says). */
export interface Principal {
  readonly userId: number;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  /** Site keys a site manager reads; empty for other roles. */
  readonly siteKeys: readonly string[];
  readonly sessionExpiresAt: string;
}
