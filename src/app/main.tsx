import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initI18n, initialLanguage } from '../i18n/index';
import { App } from './App';
import { dateTimeFormat } from './format';
import { SaveTrackerProvider } from './providers/save-tracker';
import { getDefaultStore, StoreProvider } from './providers/store-provider';
import { startRoute } from './start-route';
import './styles.css';

const store = getDefaultStore();
// The language, the screen's code and its audit all load at once; the first render then shows the screen whole.
const ready = Promise.all([initI18n(), startRoute(window.location.hash, store)]);
// Made while those load (the first date format a page makes is slow), not during the first render.
dateTimeFormat(initialLanguage());
await ready;
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
