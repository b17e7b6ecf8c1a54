// Shared with the dashboard's server panels; kept here so the admin panels' imports stay as they are.
export { useApiLoad, type LoadState } from '../../server/use-api-load';
