import { runServerProcess } from './run-server-process';

await runServerProcess(process.argv.slice(2));
