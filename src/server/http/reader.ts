import type { FastifyRequest } from 'fastify';
import { EVERYTHING, type ReadScope } from '../head-office/view';

// Until accounts and roles are merged in (the auth branch), every request reads as head office and acts
// under one name. The routes ask these two functions only, so gating them is a change here and in the
// route table, not in every handler.

/** Whose audits this request may read. */
export const readScopeOf = (_request: FastifyRequest): ReadScope => EVERYTHING;

/** The user name recorded as having done what this request does (publishing, deciding, proposing). */
export const actorOf = (_request: FastifyRequest): string => 'admin';

/** The user whose site proposals a tablet is told the fate of (undefined: everyone's). */
export const proposerOf = (_request: FastifyRequest): string | undefined => undefined;
