import { kpiHistorySchema, kpiUploadReceiptSchema, monthlyRankingAnswerSchema } from '../../../domain/wire';
import { callApi } from '../../server/api-client';
import { fetchServerFile } from '../../server/api-download';

// The month as the server computes it (src/server/http/ranking-routes.ts); every answer parsed with its wire schema.
const PATHS = {
  ranking: '/api/head-office/monthly-ranking',
  pdf: '/api/head-office/monthly-ranking.pdf',
  csv: '/api/head-office/monthly-ranking.csv',
  figures: '/api/kpi-figures',
} as const;

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const readMonthlyRanking = (baseUrl: string, month: string) =>
  callApi(baseUrl, { path: PATHS.ranking, query: { month }, schema: monthlyRankingAnswerSchema });

export const readMonthlyReport = (baseUrl: string, month: string, kind: 'pdf' | 'csv') => fetchServerFile(baseUrl, PATHS[kind], { month });

export const readKpiHistory = (baseUrl: string, month: string | undefined) =>
  callApi(baseUrl, { path: PATHS.figures, query: { month }, schema: kpiHistorySchema });

/**
 * The chosen file sent as it is: the server reads the encoding (UTF-8 or GB18030) or the workbook itself, so a
 * CSV Excel saved on a Chinese PC is never decoded wrongly here first.
 */
export const uploadKpiFile = (baseUrl: string, file: File) =>
  callApi(baseUrl, {
    method: 'POST',
    path: PATHS.figures,
    query: { fileName: file.name },
    body: { bytes: file, contentType: file.name.toLowerCase().endsWith('.xlsx') ? XLSX_TYPE : 'text/csv' },
    schema: kpiUploadReceiptSchema,
  });
