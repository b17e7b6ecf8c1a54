import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerConfig } from '../../src/server/config';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { useBackend } from './support/backends';

const dir = mkdtempSync(join(tmpdir(), 'ducha-tls-'));
const cert = join(dir, 'cert.pem');
const key = join(dir, 'key.pem');

/** GET over HTTPS trusting only the test's own certificate; with the certificate the server presented. */
function getTrusting(url: string, ca: Buffer): Promise<{ status: number; body: string; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (res) => {
      const fingerprint = res.socket instanceof TLSSocket ? res.socket.getPeerCertificate().fingerprint256 : '';
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body, fingerprint });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('ducha server --tls-cert/--tls-key: HTTPS for a small site', () => {
  const backend = useBackend('PGlite');
  let server: RunningServer;
  beforeAll(async () => {
    // A self-signed certificate for 127.0.0.1, made here (openssl is on these machines; node:crypto cannot make one).
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
    ], { stdio: 'ignore' });
    server = await startServer({ ...(await backend.freshConfig()), tlsCert: cert, tlsKey: key }, { logger: false });
  }, 120_000);
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers over HTTPS with the given certificate, and not over plain HTTP', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const answer = await getTrusting(`${server.url}/api/health`, readFileSync(cert));
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('"status"');
    expect(answer.fingerprint).toBe(new X509Certificate(readFileSync(cert)).fingerprint256);
    await expect(fetch(server.url.replace('https:', 'http:') + '/api/health')).rejects.toThrow();
  });

  it('refuses a certificate without its key, naming both settings', () => {
    const config = parseServerConfig(['--tls-cert', cert], {});
    expect(config.ok).toBe(false);
    if (!config.ok) expect(config.issues[0]?.path).toBe('--tls-cert (DUCHA_TLS_CERT), --tls-key (DUCHA_TLS_KEY)');
  });
});
