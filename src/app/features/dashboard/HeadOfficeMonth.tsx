import { useState } from 'react';
import { KpiImportPanel } from './KpiImportPanel';
import { MonthlyRankingPanel, useMonthlyRanking } from './MonthlyRankingPanel';

/**
 * The month computed on the server, for head office signed in: KPI figures uploaded there and the 综合排名 read
 * back from it. A new upload reads the month again; the figures' history follows the month on screen.
 */
export function HeadOfficeMonth({ serverUrl }: { serverUrl: string }) {
  const [monthChoice, setMonthChoice] = useState<string>();
  const [ranking, reloadRanking] = useMonthlyRanking(serverUrl, monthChoice);
  const month = ranking.kind === 'ok' ? ranking.value.ranking.month : monthChoice;
  return (
    <>
      <KpiImportPanel serverUrl={serverUrl} month={month} onUploaded={reloadRanking} />
      <MonthlyRankingPanel serverUrl={serverUrl} state={ranking} onMonth={setMonthChoice} />
    </>
  );
}
