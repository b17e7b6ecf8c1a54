import { reconsiderHeld, type IntakeReport } from '../../domain/head-office';
import { nodeVerifier } from '../../crypto/node-verifier';
import type { ServerServices } from '../services';
import { SqlIntakeRepository } from './sql-intake-repository';
import { lockIntakeKeys } from './take-in';

/**
 * Checks every held audit again (signature and all) and takes in what passes now: after a key was enrolled
 * or a rubric accepted. Holds the intake locks of every held audit and lineage meanwhile, so an upload of one
 * of them waits rather than deciding against a state about to change.
 */
export function reconsiderHeldAudits(services: ServerServices, now = () => new Date().toISOString()): Promise<IntakeReport> {
  return services.db.transaction().execute(async (trx) => {
    const held = await trx.selectFrom('held_entries').select(['audit_id', 'lineage_id']).execute();
    await lockIntakeKeys(trx, held.flatMap((h) => [h.audit_id, h.lineage_id]));
    const repository = new SqlIntakeRepository(trx, services.blobs, { envelopes: new Map() });
    return reconsiderHeld(repository, nodeVerifier, { now });
  });
}
