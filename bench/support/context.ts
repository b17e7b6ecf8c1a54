import type { PartResult } from './figures';

/** What each part of `npm run bench` is given: the served apps, the size to run at, where to write. */
export interface BenchContext {
  /** Where the production build (and the SurveyJS app under /surveyjs/) is served, without a trailing slash. */
  readonly origin: string;
  /** The build directory behind `origin`. */
  readonly out: string;
  /** `--quick`: fewer rounds and a smaller data set, for a look in a couple of minutes. */
  readonly quick: boolean;
  /** Progress, to stderr. */
  readonly log: (line: string) => void;
  /** A part's detailed figures, to stdout, as soon as it has them. */
  readonly print: (text: string) => void;
}

export interface BenchPart {
  readonly name: string;
  readonly run: (context: BenchContext) => Promise<PartResult>;
}
