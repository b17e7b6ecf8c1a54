import type { ErrorCode } from '../../../domain/wire';
import type { ApiFailure } from '../../server/api-client';

/** What went wrong, as a key of admin.error in the catalogues (each says what happened and what to do). */
export type AdminErrorKey =
  | 'offline'
  | 'unauthenticated'
  | 'forbidden'
  | 'csrf'
  | 'badRequest'
  | 'notFound'
  | 'conflict'
  | 'invalidRubric'
  | 'tooLarge'
  | 'notJson'
  | 'rateLimited'
  | 'serverDown'
  | 'refused'
  | 'httpStatus'
  | 'unexpected';

export interface AdminError {
  readonly key: AdminErrorKey;
  /** For the message: the HTTP status, and a 429's wait in seconds. */
  readonly status?: number;
  readonly retryAfter?: number;
  /** The server's own words, "where: what", one line per problem, shown beneath the Chinese message. */
  readonly details: readonly string[];
}

const KEY_BY_CODE: Readonly<Record<ErrorCode, AdminErrorKey>> = {
  'bad-request': 'badRequest',
  'not-found': 'notFound',
  'too-large': 'tooLarge',
  'unsupported-media-type': 'notJson',
  'not-json': 'notJson',
  // Only a rubric that fails the rules is answered `malformed` by the admin's routes (422).
  malformed: 'invalidRubric',
  tampered: 'refused',
  'missing-images': 'refused',
  'hash-mismatch': 'refused',
  'not-an-image': 'refused',
  conflict: 'conflict',
  'revoked-key': 'refused',
  unauthenticated: 'unauthenticated',
  'invalid-credentials': 'unauthenticated',
  forbidden: 'forbidden',
  csrf: 'csrf',
  'rate-limited': 'rateLimited',
  'key-not-enrolled': 'refused',
  'app-not-built': 'serverDown',
  unavailable: 'serverDown',
  internal: 'serverDown',
};

/** A status with no error body (a proxy's page, say) still says something useful. */
function keyOfStatus(status: number): AdminErrorKey {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if (status === 413) return 'tooLarge';
  if (status === 429) return 'rateLimited';
  if (status >= 500) return 'serverDown';
  return 'httpStatus';
}

/**
 * The server's details, where first: every issue it listed, else its message (which already starts with the
 * path when it has one), else the path alone.
 */
function detailsOf(error: NonNullable<Extract<ApiFailure, { kind: 'http' }>['error']>['error']): string[] {
  if (error.issues !== undefined && error.issues.length > 0)
    return error.issues.map((issue) =>
      issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`,
    );
  if (error.path !== undefined && error.path !== '' && !error.message.includes(error.path))
    return [`${error.path}: ${error.message}`];
  return [error.message];
}

/** A failed call as the admin screens explain it. */
export function describeFailure(failure: ApiFailure): AdminError {
  switch (failure.kind) {
    case 'offline':
      return { key: 'offline', details: [failure.message] };
    case 'unexpected':
      return { key: 'unexpected', status: failure.status, details: [failure.message] };
    case 'http': {
      const retry = failure.retryAfter === undefined ? {} : { retryAfter: failure.retryAfter };
      if (failure.error === undefined)
        return {
          key: keyOfStatus(failure.status),
          status: failure.status,
          ...retry,
          details: [`HTTP ${failure.status}`],
        };
      const { error } = failure.error;
      return { key: KEY_BY_CODE[error.code], status: failure.status, ...retry, details: detailsOf(error) };
    }
  }
}
