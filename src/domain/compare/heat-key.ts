/** The key of a heat-map cell (site × item). */
export const heatKey = (siteKey: string, itemId: string): string => `${siteKey}|${itemId}`;
