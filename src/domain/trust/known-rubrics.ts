/**
 * Every rubric version Ducha has shipped, by fingerprint. Tablets keep scoring old audits against the
 * version they started with, so a version stays here for good once it has shipped; a rubric that is in
 * neither this list nor a receiver's own accepted list is held aside, never compared as if it were "KF3".
 * A test fails when a file in rubrics/ is missing here.
 */
export const SHIPPED_RUBRICS: ReadonlyMap<string, string> = new Map([
  ['sha256:d54e7965402774a2c842ad22aa9480cfdc361116edfa305dbbc247ca84a11094', 'KF01'],
  ['sha256:77ee36a8f36a08cb297a875ba6bbe081383b08faee43bc11199ca6804a401afc', 'KF02'],
  /** KF3 as first released, item 二 with overflow "cap". */
  ['sha256:dcb5ad036640340c780fc539f06affa33a645c62d5ffac96c19a8b33c91e211e', 'KF3'],
  /** KF3 with item 二 on overflow "deduct" (扣完为止). */
  ['sha256:7e07d775c371b16fc1d32843e781002862cb679de442443d429b0439b782ae5c', 'KF3'],
  /** The KPI rubrics from seed 004 (rubric format 2, metric units). */
  ['sha256:4f3190d4f4e15ad40e55b012862f9ed9ca11e48ee16a83078cf01c5fdd696afe', 'KPI-CC'],
  ['sha256:f0387614bec9181e51f273fe20479b9f5ea105cbb2a656b4167f9d429e80f195', 'KPI-YYT'],
]);

export const isShippedRubric = (fingerprint: string): boolean => SHIPPED_RUBRICS.has(fingerprint);
