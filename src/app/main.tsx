import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RubricList } from './RubricList';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <RubricList />
  </StrictMode>,
);
