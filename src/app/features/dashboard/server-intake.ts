import { bundleReceiptSchema, conflictListSchema, deviceListSchema, heldListSchema } from '../../../domain/wire';
import { callApi } from '../../server/api-client';

// Head office's intake on the server (src/server/http/api-routes.ts); every answer parsed with its wire schema.

/** A .ducha file exactly as it is, raw bytes: the server tells the two formats apart by content. */
export const uploadBundle = (baseUrl: string, bytes: Blob | Uint8Array<ArrayBuffer>) =>
  callApi(baseUrl, {
    method: 'POST',
    path: '/api/bundles',
    body: { bytes, contentType: 'application/octet-stream' },
    schema: bundleReceiptSchema,
  });

export const readHeld = (baseUrl: string) => callApi(baseUrl, { path: '/api/head-office/held', schema: heldListSchema });
export const readConflicts = (baseUrl: string) =>
  callApi(baseUrl, { path: '/api/head-office/conflicts', schema: conflictListSchema });
export const readDevices = (baseUrl: string) => callApi(baseUrl, { path: '/api/devices', schema: deviceListSchema });
