import { isCalendarDate } from '../../src/common/calendar-date';

describe('isCalendarDate', () => {
  it.each(['2020-06-10', '2024-02-29', '2000-02-29', '1999-12-31', '2021-01-31', '2021-04-30', '0000-01-01', '9999-12-31'])(
    'accepts %s',
    (text) => expect(isCalendarDate(text)).toBe(true),
  );

  it.each([
    '2021-02-29', // not a leap year
    '1900-02-29', // a century year is a leap year only when divisible by 400 (2000 above)
    '2100-02-29',
    '2021-02-30',
    '2021-04-31',
    '2021-13-01',
    '2021-00-10',
    '2021-01-00',
    '2021-01-32',
    '2020-6-10',
    '2020-06-10T00:00:00Z',
    ' 2020-06-10',
    '20200-06-10',
    '２０２０-06-10',
  ])('refuses %s', (text) => expect(isCalendarDate(text)).toBe(false));

  it('refuses what is not a string', () => {
    for (const value of [20200610, null, undefined, new Date('2020-06-10'), ['2020-06-10']]) expect(isCalendarDate(value)).toBe(false);
  });
});
