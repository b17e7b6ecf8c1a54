import { describe, expect, it } from 'vitest';
import { parseServerConfig, trustedProxiesOf } from '../../src/server/config';

describe('server configuration (flags over environment over defaults)', () => {
  it('defaults to the embedded database in ./data on 127.0.0.1:4173', () => {
    const config = parseServerConfig([], {});
    expect(config).toEqual({
      ok: true,
      value: {
        host: '127.0.0.1',
        port: 4173,
        dataDir: './data',
        distDir: 'dist',
        maxAuditBytes: 2 * 1024 * 1024,
        maxImageBytes: 10 * 1024 * 1024,
        logLevel: 'info',
        uploadsPerMinute: 600,
        trustProxy: 'off',
      },
    });
  });

  it('reads the trusted reverse proxies as addresses, CIDR ranges or named ranges; refuses "everyone" and what is not an address', () => {
    const fromEnv = parseServerConfig([], { DUCHA_TRUST_PROXY: '127.0.0.1, 10.0.0.0/24,::1,loopback' });
    expect(fromEnv.ok && trustedProxiesOf(fromEnv.value.trustProxy)).toEqual(['127.0.0.1', '10.0.0.0/24', '::1', 'loopback']);
    const flag = parseServerConfig(['--trust-proxy', 'off'], { DUCHA_TRUST_PROXY: '10.0.0.1' });
    expect(flag.ok && trustedProxiesOf(flag.value.trustProxy)).toBe(false);
    const issues = (value: string) => {
      const config = parseServerConfig(['--trust-proxy', value], {});
      return config.ok ? [] : config.issues.map((i) => `${i.path}: ${i.message}`);
    };
    expect(issues('true')).toEqual([
      "--trust-proxy (DUCHA_TRUST_PROXY): name the proxy's addresses (e.g. 127.0.0.1 or 10.0.0.0/24): trusting every address would let any client forge its own",
    ]);
    expect(issues('proxy.example.cn')).toEqual([
      '--trust-proxy (DUCHA_TRUST_PROXY): "proxy.example.cn" is not an IP address or CIDR range (e.g. 10.0.0.5, 10.0.0.0/24, ::1, loopback)',
    ]);
    expect(issues('10.0.0.0/33,')).toEqual([
      '--trust-proxy (DUCHA_TRUST_PROXY): "10.0.0.0/33": the prefix length must be 0 to 32',
      '--trust-proxy (DUCHA_TRUST_PROXY): an empty entry in the list',
    ]);
  });

  it('reads the public address sheets name (flag over DUCHA_PUBLIC_URL); refuses one a QR code could be turned with', () => {
    const fromEnv = parseServerConfig([], { DUCHA_PUBLIC_URL: 'https://ducha.example.cn' });
    expect(fromEnv.ok && fromEnv.value.publicUrl).toBe('https://ducha.example.cn');
    const flag = parseServerConfig(['--public-url', 'http://10.0.0.5:4173/ducha'], { DUCHA_PUBLIC_URL: 'https://ducha.example.cn' });
    expect(flag.ok && flag.value.publicUrl).toBe('http://10.0.0.5:4173/ducha');
    const message =
      'must be an http(s) address without query, fragment, credentials or trailing slash (e.g. https://ducha.example.com)';
    for (const bad of ['https://ducha.example.cn/', 'https://x.cn/?next=evil', 'https://x.cn#/other', 'https://me:pw@x.cn', 'ftp://x.cn', 'ducha.example.cn'])
      expect({ bad, result: parseServerConfig(['--public-url', bad], {}) }).toEqual({
        bad,
        result: { ok: false, issues: [{ path: '--public-url (DUCHA_PUBLIC_URL)', message }] },
      });
  });

  it('reads the per-account upload limit, and refuses one below 1 naming both ways to set it', () => {
    const fromFlag = parseServerConfig(['--uploads-per-minute', '30'], { DUCHA_UPLOADS_PER_MINUTE: '90' });
    expect(fromFlag.ok && fromFlag.value.uploadsPerMinute).toBe(30);
    const zero = parseServerConfig([], { DUCHA_UPLOADS_PER_MINUTE: '0' });
    expect(zero.ok || zero.issues).toEqual([{ path: '--uploads-per-minute (DUCHA_UPLOADS_PER_MINUTE)', message: 'must be at least 1' }]);
  });

  it('reads the environment, and a flag wins over its variable', () => {
    const env = { PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://ducha@db/ducha', DUCHA_DATA_DIR: '/srv/ducha', DUCHA_MAX_AUDIT_BYTES: '65536' };
    const fromEnv = parseServerConfig([], env);
    expect(fromEnv.ok && [fromEnv.value.port, fromEnv.value.host, fromEnv.value.databaseUrl, fromEnv.value.dataDir, fromEnv.value.maxAuditBytes]).toEqual([
      8080,
      '0.0.0.0',
      'postgres://ducha@db/ducha',
      '/srv/ducha',
      65536,
    ]);
    const flagged = parseServerConfig(['--port', '0', '--data-dir', 'tmp/x'], env);
    expect(flagged.ok && [flagged.value.port, flagged.value.dataDir]).toEqual([0, 'tmp/x']);
  });

  it('treats an empty variable as not set', () => {
    const config = parseServerConfig([], { PORT: '', DATABASE_URL: '' });
    expect(config.ok && [config.value.port, config.value.databaseUrl]).toEqual([4173, undefined]);
  });

  it.each([
    [['--port', '70000'], {}, '--port (PORT): must be between 0 and 65535'],
    [[], { PORT: 'http' }, '--port (PORT): must be a port number'],
    [['--database-url', 'mysql://x'], {}, '--database-url (DATABASE_URL): must start with postgres:// or postgresql://'],
    [['--max-image-bytes', '10'], {}, '--max-image-bytes (DUCHA_MAX_IMAGE_BYTES): must be at least 1024 bytes'],
    [['--log-level', 'loud'], {}, '--log-level (DUCHA_LOG_LEVEL): '],
    [['--prot', '1'], {}, "(arguments): Unknown option '--prot'"],
  ])('refuses %j %j, saying which setting and why', (argv, env, message) => {
    const config = parseServerConfig(argv, env);
    expect(config.ok).toBe(false);
    if (config.ok) return;
    expect(`${config.issues[0]?.path ?? ''}: ${config.issues[0]?.message ?? ''}`).toContain(message);
  });
});
