// The dashboard's bundle import, off the page's thread: reading, verifying every seal and storing 10,000
// audits froze the dashboard for the whole import. Same database, same store code, same rules.
import { webCryptoVerifier } from '../../crypto/webcrypto-verifier';
import { AuditStore } from '../../storage/audit-store';
import { DuchaDb } from '../../storage/db';
import { HeadOfficeStore } from '../../storage/head-office-store';
import { importFile } from '../../storage/import-file';
import { importRequestSchema, type ImportResponse } from '../../storage/import-protocol';

async function handle(data: unknown): Promise<ImportResponse> {
  const request = importRequestSchema.safeParse(data);
  if (!request.success) return { outcome: 'failed', message: 'the import worker was sent something other than a file' };
  const db = new DuchaDb();
  try {
    return await importFile(new HeadOfficeStore(db, new AuditStore(db), webCryptoVerifier), request.data.file, request.data.name);
  } finally {
    db.close();
  }
}

addEventListener('message', (event: MessageEvent<unknown>) => {
  void handle(event.data).then((response) => {
    postMessage(response);
  });
});
