/**
 * The settings row that holds the server link. Its own module so the header can look for it without
 * importing the link's schema (which brings the API's wire schemas, and with them head office's code, into
 * every tablet's first bundle).
 */
export const SERVER_LINK_SETTING = 'serverLink';
