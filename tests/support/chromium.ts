/**
 * How this project drives Debian's Chromium (browser tests, benchmarks, icon rendering): no test tool
 * downloads a browser, and without the background-networking flags Chromium keeps dialling out of a
 * machine that has no network.
 */
export const chromiumExecutable = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
