import { z } from 'zod';

/** 总部管理员: everything; 督查员: submits and reads own audits; 管理处负责人: reads the audits of own sites. */
export const roleSchema = z.enum(['admin', 'auditor', 'site-manager']);
export type Role = z.infer<typeof roleSchema>;

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  admin: '总部管理员',
  auditor: '督查员',
  'site-manager': '管理处负责人',
};

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
