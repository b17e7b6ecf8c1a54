import type { TFunction } from 'i18next';
import type { ApiFailure } from '../../server/api-client';

/** What the screen says when the server did not give what was asked, in the user's words. */
export function describeFailure(failure: ApiFailure, t: TFunction, offlineKey: 'siteAudits.needsServer' | 'siteAudits.sheetNeedsServer'): string {
  switch (failure.kind) {
    case 'offline':
      return t(offlineKey, { detail: failure.message });
    case 'http':
      if (failure.status === 401) return t('siteAudits.sessionExpired');
      if (failure.status === 403 || failure.status === 404) return t('siteAudits.notFound');
      return t('siteAudits.failed', { detail: failure.error?.error.message ?? `HTTP ${String(failure.status)}` });
    case 'unexpected':
      return t('siteAudits.failed', { detail: failure.message });
  }
}
