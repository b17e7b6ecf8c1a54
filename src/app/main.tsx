import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initI18n } from '../i18n/index';
import { App } from './App';
import { SaveTrackerProvider } from './providers/save-tracker';
import { getDefaultStore, StoreProvider } from './providers/store-provider';
import './styles.css';

await initI18n();
const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <StoreProvider store={getDefaultStore()}>
      <SaveTrackerProvider>
        <App />
      </SaveTrackerProvider>
    </StoreProvider>
  </StrictMode>,
);
