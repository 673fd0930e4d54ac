import { locale } from '../i18n';
import { decimalSymbols, formatDate, formatDateTime, formatDecimal } from './format';

const symbols = decimalSymbols(locale);

/** A decimal string in the reader's locale. */
export const decimal = (value: string | null | undefined): string => (value == null ? '' : formatDecimal(value, symbols));
/** An amount and its currency, never converted nor added to another currency. */
export const money = (amount: string, currency: string): string => `${decimal(amount)} ${currency}`;
export const date = (value: string | null | undefined): string => formatDate(value, locale);
export const dateTime = (value: string | null | undefined): string => formatDateTime(value, locale);
