import type { Transaction } from 'kysely';
import { indexStoredEnvelopes, type BlobReader } from '../intake/envelope-images';
import { publishShippedRankingDefinition } from '../ranking/ranking-definitions';
import { StartupError } from '../startup-error';
import type { Database } from './tables';

/**
 * The server's schema, one numbered step at a time. Forward only: a released step is never edited or
 * removed, a change is a new step. Each statement runs on PostgreSQL 15 (production) and PGlite
 * (PostgreSQL 18 in WASM), one statement per string (PGlite's extended protocol takes one at a time).
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
  /**
   * Fills what the statements added from data SQL cannot read (the envelopes in the blob store), in the
   * same transaction: the step is applied whole or not at all. `blobs` is undefined when the caller has
   * no data dir (a console command on DATABASE_URL).
   */
  readonly backfill?: (trx: Transaction<Database>, blobs: BlobReader | undefined) => Promise<void>;
}

const hex64 = `'^[0-9a-f]{64}$'`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'key register, accepted rubrics, accepted and held revisions, conflicts',
    statements: [
      `create table device_keys (
        key_id text primary key check (key_id ~ ${hex64}),
        public_key jsonb not null,
        device_label text not null,
        auditor text not null,
        enrolled_at timestamptz not null,
        revoked_at timestamptz,
        revoked_reason text
      )`,
      `create table accepted_rubrics (
        fingerprint text primary key check (fingerprint ~ '^sha256:[0-9a-f]{64}$'),
        rubric_id text not null,
        accepted_at timestamptz not null
      )`,
      `create table accepted_revisions (
        audit_id text primary key,
        lineage_id text not null,
        revision integer not null check (revision >= 1),
        seal_hash text not null check (seal_hash ~ ${hex64}),
        signer text not null,
        rubric_id text not null,
        rubric_fingerprint text not null,
        site_key text not null,
        site_name text not null,
        auditor text not null,
        audited_at timestamptz not null,
        sealed_at timestamptz not null,
        earned_h integer not null,
        possible_h integer not null,
        percent_tenths integer,
        facts jsonb not null,
        envelope_sha256 text not null check (envelope_sha256 ~ ${hex64}),
        source text not null,
        received_at timestamptz not null,
        unique (lineage_id, revision)
      )`,
      `create index accepted_revisions_by_site on accepted_revisions (site_key, audited_at)`,
      `create index accepted_revisions_by_audited_at on accepted_revisions (audited_at)`,
      `create table held_entries (
        audit_id text primary key,
        lineage_id text not null,
        revision integer not null check (revision >= 1),
        seal_hash text not null check (seal_hash ~ ${hex64}),
        signer text not null,
        reason text not null check (reason in ('unknown-key', 'unknown-rubric', 'missing-predecessor')),
        message text not null,
        envelope_sha256 text not null check (envelope_sha256 ~ ${hex64}),
        source text not null,
        held_at timestamptz not null
      )`,
      `create index held_entries_by_lineage on held_entries (lineage_id)`,
      `create table conflicts (
        id integer generated always as identity primary key,
        audit_id text not null,
        lineage_id text not null,
        revision integer not null,
        site_name text not null,
        incoming_hash text not null,
        incoming_signer text not null,
        incoming_envelope_sha256 text,
        existing jsonb not null,
        message text not null,
        at timestamptz not null,
        source text not null
      )`,
      `create index conflicts_by_audit on conflicts (audit_id)`,
    ],
  },
  {
    version: 2,
    name: 'accounts, sessions, device keys enrolled to accounts, audit log',
    statements: [
      `create table users (
        id integer generated always as identity primary key,
        username text not null check (char_length(username) between 1 and 64),
        display_name text not null,
        role text not null check (role in ('admin', 'auditor', 'site-manager')),
        password_hash text not null,
        created_at timestamptz not null,
        disabled_at timestamptz
      )`,
      // Usernames are matched as typed but unique regardless of case: "Wang" and "wang" are one account.
      `create unique index users_by_username on users (lower(username))`,
      `create table user_sites (
        user_id integer not null references users (id),
        site_key text not null,
        primary key (user_id, site_key)
      )`,
      `create table sessions (
        token_hash text primary key check (token_hash ~ ${hex64}),
        user_id integer not null references users (id),
        created_at timestamptz not null,
        expires_at timestamptz not null,
        revoked_at timestamptz
      )`,
      `create index sessions_by_user on sessions (user_id)`,
      `alter table device_keys add column user_id integer references users (id)`,
      `create table audit_log (
        id integer generated always as identity primary key,
        at timestamptz not null,
        action text not null,
        actor_user_id integer references users (id),
        actor_username text,
        target text,
        ip text,
        detail jsonb not null
      )`,
      `create index audit_log_by_action on audit_log (action, at)`,
    ],
  },
  {
    version: 3,
    name: 'down-sync: published rubrics, sites, site proposals; region beside accepted facts',
    statements: [
      // One cursor for everything a tablet syncs down. Writers take DOWNSYNC_LOCK before nextval, so numbers
      // are handed out in commit order and a reader that has seen n never later meets a smaller one.
      `create sequence downsync_seq as integer`,
      `create table published_rubrics (
        fingerprint text primary key check (fingerprint ~ '^sha256:[0-9a-f]{64}$'),
        rubric_id text not null,
        title text not null,
        rubric jsonb not null,
        published_at timestamptz not null,
        published_by text not null,
        change_seq integer not null unique
      )`,
      `create table sites (
        -- As siteKeyOf reads a code on a tablet (trimmed, upper case), so code:<code> is the audits' site key.
        code text primary key check (code = upper(btrim(code)) and code <> '' and length(code) <= 50),
        name text not null check (btrim(name) <> ''),
        region text not null default '',
        manager text,
        active boolean not null default true,
        updated_at timestamptz not null,
        change_seq integer not null unique
      )`,
      `create index sites_by_manager on sites (manager)`,
      `create table site_proposals (
        id uuid primary key,
        name text not null check (btrim(name) <> ''),
        region text not null default '',
        code text,
        proposed_by text not null,
        proposed_at timestamptz not null,
        status text not null check (status in ('pending', 'accepted', 'merged')),
        site_code text references sites (code),
        decided_at timestamptz,
        decided_by text,
        change_seq integer not null unique
      )`,
      `alter table accepted_revisions add column region text`,
      `update accepted_revisions set region = facts->>'region'`,
      `create index accepted_revisions_by_rubric on accepted_revisions (rubric_id, audited_at)`,
    ],
  },
  {
    version: 4,
    name: 'image read scope: the images each received envelope names, and who uploaded each image',
    statements: [
      // By envelope, not by audit: an envelope's bytes never change, so a held audit released later, or a
      // reindex, finds its images already listed.
      `create table envelope_images (
        envelope_sha256 text not null check (envelope_sha256 ~ ${hex64}),
        image_sha256 text not null check (image_sha256 ~ ${hex64}),
        primary key (envelope_sha256, image_sha256)
      )`,
      `create index envelope_images_by_image on envelope_images (image_sha256)`,
      `create table image_uploads (
        image_sha256 text not null check (image_sha256 ~ ${hex64}),
        user_id integer not null references users (id),
        uploaded_at timestamptz not null,
        primary key (image_sha256, user_id)
      )`,
    ],
    backfill: async (trx, blobs) => {
      if (blobs) {
        await indexStoredEnvelopes(trx, blobs);
        return;
      }
      const stored = await trx.selectFrom('accepted_revisions').select('audit_id').limit(1).execute();
      const held = await trx.selectFrom('held_entries').select('audit_id').limit(1).execute();
      if (stored.length + held.length > 0)
        throw new StartupError(
          'schema step 4 lists the images of the audits already stored, which are read from the data dir\'s blob store: start a Ducha server (or `ducha server reindex`) on this database with its --data-dir once, then run this command again',
        );
    },
  },
  {
    version: 5,
    name: 'the month on the server: published ranking definitions, KPI figure uploads and their versioned figures',
    statements: [
      `create table ranking_definitions (
        fingerprint text primary key check (fingerprint ~ '^sha256:[0-9a-f]{64}$'),
        definition_id text not null,
        format_version integer not null,
        title text not null,
        definition jsonb not null,
        published_at timestamptz not null,
        published_by text not null
      )`,
      `create index ranking_definitions_by_id on ranking_definitions (definition_id, published_at)`,
      // One row per file uploaded: who, when, the bytes' SHA-256 and how they were decoded.
      `create table kpi_uploads (
        id integer generated always as identity primary key,
        user_id integer references users (id),
        uploaded_by text not null,
        uploaded_at timestamptz not null,
        file_name text not null,
        file_sha256 text not null check (file_sha256 ~ ${hex64}),
        encoding text not null,
        figures integer not null
      )`,
      // Append-only: a corrected figure is version n+1 beside version n, never an update.
      `create table kpi_figures (
        month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        site_key text not null,
        site_name text not null,
        rubric_id text not null,
        unit_id text not null,
        version integer not null check (version >= 1),
        figure_h integer not null check (figure_h >= 0),
        upload_id integer not null references kpi_uploads (id),
        primary key (month, site_key, rubric_id, unit_id, version)
      )`,
      `create index kpi_figures_by_upload on kpi_figures (upload_id)`,
    ],
    backfill: async (trx) => {
      await publishShippedRankingDefinition(trx);
    },
  },
  {
    version: 6,
    name: 'trust: audits handed over by head office, enrolment challenges',
    statements: [
      // An attributed event, never updated or deleted: the latest hand-over of a revision says who corrects it.
      `create table hand_overs (
        id integer generated always as identity primary key,
        audit_id text not null,
        lineage_id text not null,
        to_user_id integer not null references users (id),
        reason text not null check (btrim(reason) <> '' and char_length(reason) <= 500),
        by_user_id integer not null references users (id),
        at timestamptz not null
      )`,
      `create index hand_overs_by_lineage on hand_overs (lineage_id)`,
      // In the database, not in memory: behind a load balancer the challenge and the enrolment may reach two
      // servers. Single use is the row's deletion.
      `create table enrolment_challenges (
        nonce text primary key check (nonce ~ '^[A-Za-z0-9_-]{43}$'),
        session_hash text not null check (session_hash ~ ${hex64}),
        user_id integer not null references users (id),
        expires_at timestamptz not null
      )`,
    ],
  },
];
