import type { Page } from 'playwright-core';

/** Starts an audit through 新建考核 as an auditor would, and waits for its scoring form; returns the audit id. */
export async function startAuditInApp(
  page: Page,
  origin: string,
  audit: { readonly rubricId: string; readonly site: string; readonly auditor: string },
): Promise<string> {
  await page.goto(`${origin}/#/new`);
  await page.getByTestId('rubric-select').selectOption(audit.rubricId);
  const siteSelect = page.getByTestId('site-select');
  if ((await siteSelect.count()) > 0) await siteSelect.selectOption('new');
  await page.getByTestId('site-name').fill(audit.site);
  await page.getByTestId('auditor').fill(audit.auditor);
  await page.getByTestId('start-audit').click();
  await page.waitForURL(/#\/audits\/[0-9a-f-]{36}$/);
  await page.getByTestId('running-total').waitFor();
  const id = /#\/audits\/([0-9a-f-]{36})/.exec(page.url())?.[1];
  if (!id) throw new Error(`no audit id in ${page.url()}`);
  return id;
}
