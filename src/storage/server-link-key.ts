/**
 * The settings key of the server link, apart from server-link.ts: that module parses with the API's wire
 * schemas, and the wire barrel brings head office's domain code along (wire/audits.ts imports it), which an
 * auditor's first load must not fetch. Code that only asks "is this tablet linked?" imports this.
 */
export const SERVER_LINK_SETTING = 'serverLink';
