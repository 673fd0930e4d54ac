import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { language } from './i18n';
import './ui/app.css';

document.documentElement.lang = language;
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
