import type { FastifyRequest } from 'fastify';
import { EVERYTHING, type ReadScope } from '../head-office/view';
import { principalOf } from './auth-guard';

// The routes that call these are registered behind a sign-in guard (guardFor), so a principal is there.

/** Whose audits this request may read, enforced in the SQL of every head-office query. */
export function readScopeOf(request: FastifyRequest): ReadScope {
  const principal = principalOf(request);
  switch (principal.role) {
    case 'admin':
      return EVERYTHING;
    case 'site-manager':
      return { kind: 'sites', siteKeys: principal.siteKeys };
    case 'auditor':
      return { kind: 'own-keys', userId: principal.userId };
  }
}

/** The user name recorded as having done what this request does (publishing, deciding, proposing). */
export const actorOf = (request: FastifyRequest): string => principalOf(request).username;

/** Whose site-proposal decisions a sync reports: an auditor's own; everyone's for an admin. */
export function proposerOf(request: FastifyRequest): string | undefined {
  const principal = principalOf(request);
  return principal.role === 'admin' ? undefined : principal.username;
}
