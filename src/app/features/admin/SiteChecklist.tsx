import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { siteSchema } from '../../../domain/wire';

export type ServerSite = z.infer<typeof siteSchema>;

export const siteLabel = (site: ServerSite): string => `${site.name}(${site.code})`;

/** A site key as people know it: the site's name and code, or the key itself when the server has no such site. */
export const siteKeyLabel = (siteKey: string, sites: readonly ServerSite[]): string => {
  const site = sites.find((s) => s.siteKey === siteKey);
  return site === undefined ? siteKey : siteLabel(site);
};

/** The server's sites as checkboxes (retired ones only while still chosen), for a 管理处负责人's sites. */
export function SiteChecklist({
  sites,
  chosen,
  onChange,
  legend,
  error,
  testId,
}: {
  sites: readonly ServerSite[];
  chosen: readonly string[];
  onChange: (siteKeys: string[]) => void;
  legend: string;
  error?: string | undefined;
  testId: string;
}) {
  const { t } = useTranslation();
  const errorId = useId();
  const shown = sites.filter((s) => s.active || chosen.includes(s.siteKey));
  return (
    <fieldset className="fieldset" data-testid={testId} {...(error ? { 'aria-describedby': errorId } : {})}>
      <legend>{legend}</legend>
      {shown.length === 0 && <p className="subtitle">{t('admin.users.noSites')}</p>}
      {shown.map((site) => (
        <label key={site.siteKey} className="choice-row">
          <input
            type="checkbox"
            checked={chosen.includes(site.siteKey)}
            onChange={(event) => {
              onChange(
                event.target.checked
                  ? [...chosen, site.siteKey]
                  : chosen.filter((key) => key !== site.siteKey),
              );
            }}
            data-testid={`${testId}-${site.code}`}
          />{' '}
          {siteLabel(site)}
        </label>
      ))}
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
