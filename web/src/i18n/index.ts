import { en, type Messages } from './en';

/**
 * The string catalogue of the screens. English is shipped; a translation is another file typed
 * `Messages` (the compiler then names every string it lacks) added to this table.
 */
const catalogues: Record<string, Messages> = { en };

function pick(): { language: string; messages: Messages } {
  for (const language of navigator.languages ?? [navigator.language]) {
    const base = language.toLowerCase().split('-')[0];
    if (catalogues[base]) return { language: base, messages: catalogues[base] };
  }
  return { language: 'en', messages: en };
}

const chosen = pick();

/** The language of the strings shown (the document's `lang`). */
export const language = chosen.language;
/** The reader's locale, for numbers and dates (Intl), whichever language the strings are in. */
export const locale = navigator.language || 'en';
/** The strings of the reader's language. */
export const t: Messages = chosen.messages;
