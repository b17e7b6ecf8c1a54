import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { fail, ok, type Result } from '../domain/index';
import { isPublicBaseUrl } from '../report/public-base-url';

const MiB = 1024 * 1024;

/** Every setting, its flag and its environment variable: flags win over the environment, both over defaults. */
const settings = {
  host: { flag: 'host', env: 'HOST' },
  port: { flag: 'port', env: 'PORT' },
  dataDir: { flag: 'data-dir', env: 'DUCHA_DATA_DIR' },
  databaseUrl: { flag: 'database-url', env: 'DATABASE_URL' },
  distDir: { flag: 'dist-dir', env: 'DUCHA_DIST_DIR' },
  maxAuditBytes: { flag: 'max-audit-bytes', env: 'DUCHA_MAX_AUDIT_BYTES' },
  maxImageBytes: { flag: 'max-image-bytes', env: 'DUCHA_MAX_IMAGE_BYTES' },
  logLevel: { flag: 'log-level', env: 'DUCHA_LOG_LEVEL' },
  uploadsPerMinute: { flag: 'uploads-per-minute', env: 'DUCHA_UPLOADS_PER_MINUTE' },
  tlsCert: { flag: 'tls-cert', env: 'DUCHA_TLS_CERT' },
  tlsKey: { flag: 'tls-key', env: 'DUCHA_TLS_KEY' },
  trustProxy: { flag: 'trust-proxy', env: 'DUCHA_TRUST_PROXY' },
  publicUrl: { flag: 'public-url', env: 'DUCHA_PUBLIC_URL' },
} as const;
type SettingName = keyof typeof settings;

const byteLimit = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a whole number of bytes' })
    .int('must be a whole number of bytes')
    .min(1024, 'must be at least 1024 bytes')
    .max(1024 * MiB, 'must be at most 1 GiB')
    .default(fallback);

/** proxy-addr's (Fastify's) names for address ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Why one entry of --trust-proxy is not an address, a CIDR range or a named range; undefined when it is. */
function proxyEntryProblem(entry: string): string | undefined {
  if (NAMED_RANGES.has(entry)) return undefined;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return `"${entry}" is not an IP address or CIDR range (e.g. 10.0.0.5, 10.0.0.0/24, ::1, loopback)`;
  if (prefix === undefined) return undefined;
  const bits = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) return `"${entry}": the prefix length must be 0 to ${bits}`;
  return undefined;
}

/**
 * The reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: `off`, or a comma-separated
 * list of their addresses and CIDR ranges. Never "everyone": any client could then name its own address
 * (escaping the sign-in throttle) or claim HTTPS.
 */
const trustProxySchema = z
  .string()
  .trim()
  .default('off')
  .superRefine((value, context) => {
    if (value === 'off') return;
    if (['true', 'on', '*', 'all'].includes(value.toLowerCase())) {
      context.addIssue({ code: 'custom', message: 'name the proxy\'s addresses (e.g. 127.0.0.1 or 10.0.0.0/24): trusting every address would let any client forge its own' });
      return;
    }
    for (const entry of value.split(',').map((e) => e.trim())) {
      const problem = entry === '' ? 'an empty entry in the list' : proxyEntryProblem(entry);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
    }
  });

/** The trusted proxies as Fastify's trustProxy takes them: false, or their addresses and ranges. */
export const trustedProxiesOf = (setting: string): false | string[] =>
  setting === 'off' ? false : setting.split(',').map((e) => e.trim());

export const serverConfigSchema = z.strictObject({
  host: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  /** 0 asks the system for a free port (tests); the server says which one it got. */
  port: z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(4173),
  /** Blob store, receipts, the lock and (without DATABASE_URL) the embedded database. */
  dataDir: z.string().min(1, 'must not be empty').default('./data'),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  /** The built app (`vite build`); the API runs without it. */
  distDir: z.string().min(1, 'must not be empty').default('dist'),
  /** One sealed audit as JSON: the rubric and every note travel inside it, never the images. */
  maxAuditBytes: byteLimit(2 * MiB),
  /** One photo or signature image (the app compresses photos to about 300 KB). */
  maxImageBytes: byteLimit(10 * MiB),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Sealed audits one account may upload per minute; a tablet catching up after days offline sends a few hundred. */
  uploadsPerMinute: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(600),
  /** PEM files: the server speaks HTTPS itself (a small site; larger ones put a reverse proxy in front). */
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
  /** Off by default: X-Forwarded-* headers are then ignored, whoever sends them. */
  trustProxy: trustProxySchema,
  /**
   * The address people reach this server at (https://ducha.example.com): tablets are told it by down-sync
   * and print its 验证 page on every sealed sheet, QR code and footer. Unset: sheets name no page.
   */
  publicUrl: z
    .string()
    .refine(isPublicBaseUrl, 'must be an http(s) address without query, fragment, credentials or trailing slash (e.g. https://ducha.example.com)')
    .optional(),
});
export type ServerConfig = z.infer<typeof serverConfigSchema>;

const isSettingName = (key: PropertyKey): key is SettingName => typeof key === 'string' && key in settings;

/**
 * Reads the configuration from command-line flags and the environment. Never throws: a bad value is an
 * issue naming both ways to set it (`--port (PORT): must be between 0 and 65535`).
 */
export function parseServerConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Result<ServerConfig> {
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.values(settings).map((s) => [s.flag, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return fail([{ path: '(arguments)', message: error instanceof Error ? error.message : String(error) }]);
  }
  const raw: Partial<Record<SettingName, string>> = {};
  for (const name of Object.keys(settings).filter(isSettingName)) {
    const { flag, env: variable } = settings[name];
    const fromFlag = flags[flag];
    const value = typeof fromFlag === 'string' ? fromFlag : env[variable];
    // An empty variable (PORT=) means "not set", as shells and CI files often leave them.
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const parsed = serverConfigSchema.safeParse(raw);
  if (!parsed.success)
    return fail(
      parsed.error.issues.map((issue) => {
        const [key] = issue.path;
        const where = key !== undefined && isSettingName(key) ? `--${settings[key].flag} (${settings[key].env})` : '(config)';
        return { path: where, message: issue.message };
      }),
    );
  if ((parsed.data.tlsCert === undefined) !== (parsed.data.tlsKey === undefined))
    return fail([{ path: '--tls-cert (DUCHA_TLS_CERT), --tls-key (DUCHA_TLS_KEY)', message: 'HTTPS needs both the certificate and its key' }]);
  return ok(parsed.data);
}
