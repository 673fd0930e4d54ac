import { ValidateBy } from 'class-validator';

const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A real calendar date written YYYY-MM-DD (2021-02-30 is refused); Gregorian leap years. */
export function isCalendarDate(value: unknown): value is string {
  const parts = typeof value === 'string' ? DATE_TEXT.exec(value) : null;
  if (!parts) return false;
  // Arithmetic, not a Date round trip: every date field of every line is checked on each request.
  const year = Number(parts[1]);
  const month = Number(parts[2]);
  const day = Number(parts[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]);
}

export function IsCalendarDate(): PropertyDecorator {
  return ValidateBy({
    name: 'isCalendarDate',
    validator: { validate: isCalendarDate, defaultMessage: () => 'must be a calendar date written YYYY-MM-DD' },
  });
}
