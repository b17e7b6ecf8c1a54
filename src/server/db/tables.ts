import type { ColumnType, Generated } from 'kysely';

/** Both drivers read timestamptz as a Date; we write ISO strings, exact to the millisecond. */
type Timestamp = ColumnType<Date, string, string>;
type NullableTimestamp = ColumnType<Date | null, string | null, string | null>;
/** jsonb comes back parsed (checked with zod before use) and goes in as JSON text, never as a JS array. */
type Json = ColumnType<unknown, string, string>;

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: ColumnType<Date, string | undefined, never>;
}

/** The key register: which device key belongs to which auditor, since when, and whether it was revoked. */
export interface DeviceKeysTable {
  key_id: string;
  public_key: Json;
  device_label: string;
  auditor: string;
  enrolled_at: Timestamp;
  revoked_at: NullableTimestamp;
  revoked_reason: string | null;
  /** The account the key was enrolled to by signing in on the tablet; null when enrolled by hand (CLI). */
  user_id: ColumnType<number | null, number | null | undefined, number | null>;
}

/** Rubric versions head office accepted besides the ones Ducha ships. */
export interface AcceptedRubricsTable {
  fingerprint: string;
  rubric_id: string;
  accepted_at: Timestamp;
}

/** Every sealed revision taken in for comparison, with what head office queries flattened beside its facts. */
export interface AcceptedRevisionsTable {
  audit_id: string;
  lineage_id: string;
  revision: number;
  seal_hash: string;
  signer: string;
  rubric_id: string;
  rubric_fingerprint: string;
  site_key: string;
  site_name: string;
  /** From the facts (migration 3), for the region filter; null when the tablet gave none. */
  region: ColumnType<string | null, string | null | undefined, string | null>;
  auditor: string;
  audited_at: Timestamp;
  sealed_at: Timestamp;
  earned_h: number;
  possible_h: number;
  percent_tenths: number | null;
  /** The domain's AuditFact (items and units) as computed from the seal. */
  facts: Json;
  /** The blob holding the envelope exactly as it was received. */
  envelope_sha256: string;
  source: string;
  received_at: Timestamp;
}

export interface HeldEntriesTable {
  audit_id: string;
  lineage_id: string;
  revision: number;
  seal_hash: string;
  signer: string;
  reason: string;
  message: string;
  envelope_sha256: string;
  source: string;
  held_at: Timestamp;
}

export interface ConflictsTable {
  id: Generated<number>;
  audit_id: string;
  lineage_id: string;
  revision: number;
  site_name: string;
  incoming_hash: string;
  incoming_signer: string;
  /** The refused envelope's blob, so both sides can be shown. */
  incoming_envelope_sha256: string | null;
  /** The StoredRevision it collided with. */
  existing: Json;
  message: string;
  at: Timestamp;
  source: string;
}

/** A rubric version head office published for tablets to use in new audits (down-sync). */
export interface PublishedRubricsTable {
  fingerprint: string;
  rubric_id: string;
  title: string;
  /** The rubric document exactly as parsed (canonical content: its fingerprint is over it). */
  rubric: Json;
  published_at: Timestamp;
  published_by: string;
  /** Position in the down-sync feed (downsync_seq). */
  change_seq: number;
}

/** The sites head office knows, by code; never deleted (retired: active false) so the feed can say so. */
export interface SitesTable {
  code: string;
  name: string;
  region: string;
  /** The 管理处负责人's user name, who reads this site's audits. */
  manager: string | null;
  active: boolean;
  updated_at: Timestamp;
  change_seq: number;
}

/** A site an auditor added offline, until an admin accepts it as a new site or merges it into one. */
export interface SiteProposalsTable {
  id: string;
  name: string;
  region: string;
  code: string | null;
  proposed_by: string;
  proposed_at: Timestamp;
  status: 'pending' | 'accepted' | 'merged';
  site_code: string | null;
  decided_at: NullableTimestamp;
  decided_by: string | null;
  change_seq: number;
}

/** Migration 4: the images a received envelope names (accepted or held audits' images are read through it). */
export interface EnvelopeImagesTable {
  envelope_sha256: string;
  image_sha256: string;
}

/** Migration 4: who sent each image (PUT /api/images or inside a bundle); they may read it back. */
export interface ImageUploadsTable {
  image_sha256: string;
  user_id: number;
  uploaded_at: Timestamp;
}

export type RoleName = 'admin' | 'auditor' | 'site-manager';

export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  role: string;
  /** `scrypt$N$r$p$salt$hash` (base64url): the parameters travel with each hash so they can be raised later. */
  password_hash: string;
  created_at: Timestamp;
  disabled_at: NullableTimestamp;
}

/** Which sites a 管理处负责人 reads (by the site key audits carry). */
export interface UserSitesTable {
  user_id: number;
  site_key: string;
}

export interface SessionsTable {
  /** SHA-256 of the opaque token in the cookie: a leaked table does not sign anyone in. */
  token_hash: string;
  user_id: number;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  action: string;
  actor_user_id: number | null;
  actor_username: string | null;
  target: string | null;
  ip: string | null;
  detail: Json;
}

export interface RankingDefinitionsTable {
  fingerprint: string;
  definition_id: string;
  format_version: number;
  title: string;
  definition: Json;
  published_at: Timestamp;
  published_by: string;
}

export interface KpiUploadsTable {
  id: Generated<number>;
  user_id: number | null;
  uploaded_by: string;
  uploaded_at: Timestamp;
  file_name: string;
  file_sha256: string;
  encoding: string;
  figures: number;
}

export interface KpiFiguresTable {
  month: string;
  site_key: string;
  site_name: string;
  rubric_id: string;
  unit_id: string;
  version: number;
  /** Integer hundredths of the unit's own unit (97.99 % → 9799). */
  figure_h: number;
  upload_id: number;
}

/** Head office handing an accepted revision to another auditor, who alone may correct it from then on. */
export interface HandOversTable {
  id: Generated<number>;
  audit_id: string;
  lineage_id: string;
  to_user_id: number;
  reason: string;
  by_user_id: number;
  at: Timestamp;
}

/** A nonce a tablet must sign to enrol its key: bound to one session, short-lived, deleted when used. */
export interface EnrolmentChallengesTable {
  nonce: string;
  session_hash: string;
  user_id: number;
  expires_at: Timestamp;
}

export interface Database {
  schema_migrations: SchemaMigrationsTable;
  device_keys: DeviceKeysTable;
  accepted_rubrics: AcceptedRubricsTable;
  accepted_revisions: AcceptedRevisionsTable;
  held_entries: HeldEntriesTable;
  conflicts: ConflictsTable;
  published_rubrics: PublishedRubricsTable;
  sites: SitesTable;
  site_proposals: SiteProposalsTable;
  users: UsersTable;
  user_sites: UserSitesTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  envelope_images: EnvelopeImagesTable;
  image_uploads: ImageUploadsTable;
  ranking_definitions: RankingDefinitionsTable;
  kpi_uploads: KpiUploadsTable;
  kpi_figures: KpiFiguresTable;
  hand_overs: HandOversTable;
  enrolment_challenges: EnrolmentChallengesTable;
}
