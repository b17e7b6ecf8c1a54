import { describe, expect, it } from 'vitest';
import { en } from '../../../i18n/en';
import { zhCN } from '../../../i18n/zh-CN';
import type { ApiFailure } from '../../server/api-client';
import { describeFailure, type AdminError } from './admin-errors';

const http = (
  status: number,
  error?: Extract<ApiFailure, { kind: 'http' }>['error'],
  retryAfter?: number,
): ApiFailure => ({
  ok: false,
  kind: 'http',
  status,
  error,
  retryAfter,
});

// Bodies as the server's routes answer them (user-routes, device-routes, downsync-routes, reply-error).
const cases: [what: string, failure: ApiFailure, expected: AdminError][] = [
  [
    'no answer at all',
    { ok: false, kind: 'offline', message: 'Failed to fetch' },
    { key: 'offline', details: ['Failed to fetch'] },
  ],
  [
    'a taken username (409 with the field in the message)',
    http(409, {
      error: { code: 'conflict', message: 'username: username "wang" is taken', path: 'username' },
    }),
    { key: 'conflict', status: 409, details: ['username: username "wang" is taken'] },
  ],
  [
    'a zod refusal lists every issue with its path',
    http(400, {
      error: {
        code: 'bad-request',
        message: 'password: must be at least 10 characters',
        path: 'password',
        issues: [
          { path: 'password', message: 'must be at least 10 characters' },
          { path: 'username', message: 'must be 1–64 letters, digits, or . _ @ - (no spaces)' },
        ],
      },
    }),
    {
      key: 'badRequest',
      status: 400,
      details: [
        'password: must be at least 10 characters',
        'username: must be 1–64 letters, digits, or . _ @ - (no spaces)',
      ],
    },
  ],
  [
    'an invalid rubric (422 malformed) keeps what and where of each problem',
    http(422, {
      error: {
        code: 'malformed',
        message:
          '考核表无效 (not a valid rubric): items[0].points: item "1" has 13 points but its children\'s points sum to 12',
        path: 'items[0].points',
        issues: [
          { path: 'items[0].points', message: 'item "1" has 13 points but its children\'s points sum to 12' },
        ],
      },
    }),
    {
      key: 'invalidRubric',
      status: 422,
      details: ['items[0].points: item "1" has 13 points but its children\'s points sum to 12'],
    },
  ],
  [
    'a path the message does not name is put in front of it',
    http(404, { error: { code: 'not-found', message: 'no such user', path: 'id' } }),
    { key: 'notFound', status: 404, details: ['id: no such user'] },
  ],
  [
    'an issue with an empty path is the message alone',
    http(400, {
      error: { code: 'bad-request', message: 'x', issues: [{ path: '', message: 'expected an object' }] },
    }),
    { key: 'badRequest', status: 400, details: ['expected an object'] },
  ],
  [
    'signed out on the server',
    http(401, { error: { code: 'unauthenticated', message: 'not signed in' } }),
    { key: 'unauthenticated', status: 401, details: ['not signed in'] },
  ],
  [
    'an auditor’s session on an admin route',
    http(403, { error: { code: 'forbidden', message: 'this needs the role admin' } }),
    { key: 'forbidden', status: 403, details: ['this needs the role admin'] },
  ],
  [
    'no CSRF header',
    http(403, { error: { code: 'csrf', message: 'send x-ducha-csrf: 1' } }),
    { key: 'csrf', status: 403, details: ['send x-ducha-csrf: 1'] },
  ],
  [
    'rate limited, with Retry-After',
    http(429, { error: { code: 'rate-limited', message: 'too many' } }, 30),
    { key: 'rateLimited', status: 429, retryAfter: 30, details: ['too many'] },
  ],
  [
    'a proxy’s 502 page (no error body)',
    http(502),
    { key: 'serverDown', status: 502, details: ['HTTP 502'] },
  ],
  ['a bare 401', http(401), { key: 'unauthenticated', status: 401, details: ['HTTP 401'] }],
  ['a bare 418', http(418), { key: 'httpStatus', status: 418, details: ['HTTP 418'] }],
  [
    'an internal error',
    http(500, { error: { code: 'internal', message: 'boom' } }),
    { key: 'serverDown', status: 500, details: ['boom'] },
  ],
  [
    'an answer this app cannot read',
    {
      ok: false,
      kind: 'unexpected',
      status: 200,
      message: 'GET /api/users: the answer is not what this version of the app expects',
    },
    {
      key: 'unexpected',
      status: 200,
      details: ['GET /api/users: the answer is not what this version of the app expects'],
    },
  ],
];

describe('a failed admin call as the screens explain it', () => {
  it.each(cases)('%s', (_what, failure, expected) => {
    expect(describeFailure(failure)).toEqual(expected);
  });

  it('has a Chinese message that says what to do, and an English one, for every outcome above', () => {
    for (const [, failure] of cases) {
      const { key } = describeFailure(failure);
      expect(zhCN.admin.error[key]).toMatch(/[\u4e00-\u9fff]/);
      expect(zhCN.admin.error[key]).toMatch(/请|检查|联系/);
      expect(en.admin.error[key]).toMatch(/[A-Za-z]/);
    }
  });
});
