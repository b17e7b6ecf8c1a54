// Preloaded into the server under test by `npm run bench:server -- --count` (node --import), never by the product:
// counts what the server does per request — SQL statements sent (either backend), fsyncs, SHA-256 passes,
// signature verifications, JSON parses of more than 1 KB — by wrapping the library functions that do them.
// On SIGUSR2 it writes the totals so far as one JSON line on stdout, which the bench reads before and after a
// run of sequential uploads.
import { PGlite } from '@electric-sql/pglite';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { open } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import pg from 'pg';

const counts = {
  statements: 0,
  fsyncs: 0,
  sha256Passes: 0,
  sha256Bytes: 0,
  signatureChecks: 0,
  bigJsonParses: 0,
};

/** The function, still itself, but `onCall` first sees its arguments. */
function counted<F extends object>(original: F, onCall: (args: readonly unknown[]) => void): F {
  return new Proxy(original, {
    apply(target, thisArg: unknown, args: unknown[]): unknown {
      onCall(args);
      if (typeof target !== 'function') throw new Error('not a function');
      return Reflect.apply(target, thisArg, args);
    },
  });
}

/** Replaces `owner[name]` (a function) by the counting wrapper. */
function countCalls(owner: object, name: string, onCall: (args: readonly unknown[]) => void): void {
  const original: unknown = Reflect.get(owner, name);
  if (typeof original !== 'function') throw new Error(`no function ${name} to count`);
  Reflect.set(owner, name, counted(original, onCall));
}

const countStatement = () => {
  counts.statements++;
};
countCalls(pg.Client.prototype, 'query', countStatement);
countCalls(PGlite.prototype, 'query', countStatement);

const countFsync = () => {
  counts.fsyncs++;
};
for (const name of ['fsync', 'fsyncSync', 'fdatasync', 'fdatasyncSync']) countCalls(fs, name, countFsync);
// FileHandle is not exported: reach its prototype through a handle.
const probe = await open(process.execPath, 'r');
const handlePrototype: unknown = Object.getPrototypeOf(probe);
await probe.close();
if (typeof handlePrototype !== 'object' || handlePrototype === null) throw new Error('FileHandle has no prototype');
for (const method of ['sync', 'datasync']) countCalls(handlePrototype, method, countFsync);

const originalCreateHash = crypto.createHash;
crypto.createHash = (algorithm: string, options?: crypto.HashOptions): crypto.Hash => {
  const hash = originalCreateHash(algorithm, options);
  if (algorithm.toLowerCase() !== 'sha256') return hash;
  counts.sha256Passes++;
  const update = hash.update.bind(hash);
  hash.update = counted(update, ([data]) => {
    if (typeof data === 'string') counts.sha256Bytes += Buffer.byteLength(data);
    else if (ArrayBuffer.isView(data)) counts.sha256Bytes += data.byteLength;
  });
  return hash;
};
crypto.verify = counted(crypto.verify, () => {
  counts.signatureChecks++;
});
// `import { createHash } from 'node:crypto'` binds at import time: let those bindings see the wrappers.
syncBuiltinESMExports();

JSON.parse = counted(JSON.parse, ([text]) => {
  if (typeof text === 'string' && text.length > 1024) counts.bigJsonParses++;
});

process.on('SIGUSR2', () => {
  process.stdout.write(`${JSON.stringify({ event: 'work-counts', ...counts })}\n`);
});
