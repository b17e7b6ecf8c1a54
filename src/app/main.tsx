import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initI18n } from '../i18n/index';
import { App } from './App';
import { SaveTrackerProvider } from './providers/save-tracker';
import { getDefaultStore, StoreProvider } from './providers/store-provider';
import { startRoute } from './start-route';
import './styles.css';

const store = getDefaultStore();
// The language, the screen's code and its audit all load at once; the first render then shows the screen whole.
await Promise.all([initI18n(), startRoute(window.location.hash, store)]);
const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <StoreProvider store={store}>
      <SaveTrackerProvider>
        <App />
      </SaveTrackerProvider>
    </StoreProvider>
  </StrictMode>,
);
