import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealServer, type RealServer } from './support/real-server';

describe('the real server the sync tests run against', () => {
  let server: RealServer;
  beforeAll(async () => {
    server = await startRealServer();
  }, 60_000);
  afterAll(async () => {
    await server.dispose();
  });

  it('serves the built app and the API on one origin, and keeps its accounts over a restart on the same port', async () => {
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const auditor = await server.createUser('auditor', { displayName: '王小明' });
    await server.restart();
    const session = await server.signIn(auditor);
    const who = await fetch(`${server.origin}/api/session`, { headers: session.headers });
    expect(await who.json()).toMatchObject({ username: auditor.username, displayName: '王小明', role: 'auditor' });
  }, 60_000);
});
