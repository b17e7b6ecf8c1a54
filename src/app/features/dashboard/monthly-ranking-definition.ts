import monthlyJson from '../../../../rankings/monthly.json';
import { parseRankingDefinition, type RankingDefinition, type Result } from '../../../domain/head-office';

/**
 * The shipped 综合排名 definition, checked like any outside data (a unit test proves the file is valid; a bad
 * edit still shows its problems on the dashboard instead of breaking it).
 */
export const monthlyRankingDefinition: Result<RankingDefinition> = parseRankingDefinition(monthlyJson);
