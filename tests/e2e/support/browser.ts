import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumArgs, chromiumExecutable } from '../../support/chromium';
import { inject } from 'vitest';

export const baseURL = (): string => inject('baseURL');

const executablePath = chromiumExecutable;
if (!existsSync(executablePath)) {
  throw new Error(
    `Chromium not found at ${executablePath}: install the Debian package (apt-get install -y chromium), as .ci/run does`,
  );
}

export const newProfileDir = (): string => mkdtempSync(join(tmpdir(), 'ducha-e2e-'));

/** A persistent profile, so IndexedDB and the service worker survive a restart on the same directory. */
export async function launch(
  profileDir: string,
  viewport = { width: 1024, height: 1366 },
  options: { serviceWorkers?: 'allow' | 'block'; timezoneId?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    acceptDownloads: true,
    viewport,
    locale: 'zh-CN',
    args: chromiumArgs,
    serviceWorkers: options.serviceWorkers ?? 'allow',
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => {
    console.error(`[page error] ${error.message}`);
  });
  return { context, page };
}

/** Ends the browser the hard way (SIGKILL), as a crash or a killed tab process would. */
export function killBrowser(profileDir: string): number {
  let killed = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // the process ended meanwhile
    }
    if (cmdline.split('\0').includes(`--user-data-dir=${profileDir}`)) {
      process.kill(Number(pid), 'SIGKILL');
      killed++;
    }
  }
  if (killed === 0) throw new Error(`no Chromium process found for ${profileDir}`);
  return killed;
}
