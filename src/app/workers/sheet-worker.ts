// Score sheets, off the page's thread: laying out and compressing a sheet froze the review screen for
// a second. The worker lives as long as the page, so the fonts it fetched and parsed serve every sheet.
import { z } from 'zod';
import { AuditStore } from '../../storage/audit-store';
import { DuchaDb } from '../../storage/db';
import { ChunkLoadError } from '../retrying-import';
import { makeSealedSheet, makeSheet } from '../sheet/make-sheet';
import { sheetRequestSchema, type SheetWorkerResponse } from './sheet-protocol';

let store: AuditStore | undefined;

async function handle(data: unknown): Promise<{ response: SheetWorkerResponse; transfer: Transferable[] }> {
  const request = sheetRequestSchema.safeParse(data);
  if (!request.success) {
    // Answered under the id it came with, when it has one, so the page can tell which request failed.
    const id = z.object({ id: z.number().int().nonnegative() }).safeParse(data).data?.id ?? 0;
    const message = 'the sheet worker was sent something other than a sheet request';
    return {
      response: { id, outcome: 'failed', message, isNotOnDevice: false },
      transfer: [],
    };
  }
  const { id } = request.data;
  try {
    let made;
    if ('sealed' in request.data) {
      const { sealed, timeZone, proceed } = request.data;
      made = await makeSealedSheet({ envelope: sealed.envelope, images: new Map(sealed.images) }, { timeZone, proceed });
    } else {
      const { auditId, timeZone, proceed } = request.data;
      store ??= new AuditStore(new DuchaDb());
      made = await makeSheet(store, { auditId, timeZone, proceed });
    }
    if (made.outcome === 'missing')
      return { response: { id, ...made, missing: [...made.missing] }, transfer: [] };
    return { response: { id, ...made }, transfer: [made.bytes.buffer] };
  } catch (error) {
    return {
      response: {
        id,
        outcome: 'failed',
        message: error instanceof Error ? error.message : String(error),
        isNotOnDevice: error instanceof ChunkLoadError,
      },
      transfer: [],
    };
  }
}

addEventListener('message', (event: MessageEvent<unknown>) => {
  void handle(event.data).then(({ response, transfer }) => {
    postMessage(response, { transfer });
  });
});
