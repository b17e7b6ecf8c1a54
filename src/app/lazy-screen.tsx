import { use, type ComponentType } from 'react';
import { retryingImport } from './retrying-import';

export interface LazyScreen {
  /** Renders the screen, suspending while its chunk loads; a failed load throws ChunkLoadError to the boundary. */
  readonly Screen: ComponentType;
  /** Fetches the chunk now so the screen opens later with no network; false if it failed (retried on use). */
  readonly preload: () => Promise<boolean>;
}

/** A route screen in its own chunk that, unlike React.lazy, can be loaded again after a failure. */
export function lazyScreen(importer: () => Promise<ComponentType>): LazyScreen {
  const chunk = retryingImport(importer);
  function Screen() {
    const Loaded = chunk.current() ?? use(chunk.load());
    return <Loaded />;
  }
  return {
    Screen,
    preload: () =>
      chunk.load().then(
        () => true,
        () => {
          // Nobody saw this failure: the screen, when opened, tries the network again.
          chunk.forgetFailure();
          return false;
        },
      ),
  };
}
