import { keyId } from '../domain/index';
import { verifySealAnswerSchema } from '../domain/wire';
import { keyRegister } from '../server/intake/key-register-store';
import { signerStatus } from '../verify/signer-status';
import { withDatabase } from './commands/server-database';
import type { SignerSource } from './commands/verify';
import type { CliIo } from './io';

/**
 * Head office over HTTP: POST <url>/api/verify/seal with the seal. The route is public and answers only
 * for a seal whose signature holds, so no token is needed and none is sent: whoever holds the sheet may
 * learn who signed it, and nobody can list the register.
 */
export function serverSignerSource(baseUrl: string): SignerSource {
  const url = `${baseUrl.replace(/\/+$/, '')}/api/verify/seal`;
  return async (envelope) => {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ envelope }),
      });
    } catch (error) {
      return { ok: false, message: `${url} did not answer (${error instanceof Error ? error.message : String(error)})` };
    }
    const text = await response.text();
    if (!response.ok) return { ok: false, message: `${url} answered ${String(response.status)}: ${text.slice(0, 300)}` };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, message: `${url} did not answer JSON: is it a Ducha server?` };
    }
    const answer = verifySealAnswerSchema.safeParse(json);
    if (!answer.success) return { ok: false, message: `${url} answered something else than who signed: is it a Ducha server of this version?` };
    return { ok: true, signer: answer.data.signer };
  };
}

/**
 * The server's own key register, read from its database (`--data-dir` / DATABASE_URL) once, before any
 * file is checked. The embedded database is locked by a running server: then this is refused, and the
 * running server is asked with --server instead.
 */
export async function databaseSignerSource(
  where: { dataDir: string; databaseUrl: string | undefined },
  io: CliIo,
): Promise<SignerSource | undefined> {
  let source: SignerSource | undefined;
  const code = await withDatabase(
    where,
    io,
    async (db) => {
      const register = await keyRegister(db);
      source = (envelope) => {
        const id = keyId(envelope.payload.publicKey);
        return Promise.resolve({ ok: true, signer: signerStatus(register.find((k) => k.keyId === id), envelope) });
      };
      return 0;
    },
    'verify',
  );
  if (code !== 0) {
    io.err('verify: while a server runs on that data dir, ask it instead: ducha verify <file> --server <its URL>');
    return undefined;
  }
  return source;
}
