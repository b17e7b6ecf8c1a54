import { build, preview } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
  }
}

/** Builds the production app (service worker included) and serves it the way `npm start` does. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await build({ logLevel: 'warn' });
  const port = Number(process.env.E2E_PORT ?? 4317);
  const server = await preview({ preview: { host: '127.0.0.1', port, strictPort: true }, logLevel: 'warn' });
  project.provide('baseURL', `http://127.0.0.1:${port}/`);
  return async () => {
    await server.close();
  };
}
