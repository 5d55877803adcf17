// The tests' own formatting helpers, checked against the examples in the UI contract.
import { expect, test } from './support/fixtures';
import {
  compactDate,
  dayBefore,
  displayMsisdn,
  formatDate,
  formatMoney,
  formatPeriod,
  formatRate,
  formatSignedMoney,
  parseMoney,
} from './support/format';

const nb = '\u00a0';

test('the test helpers write money as the contract does', () => {
  expect(formatMoney(123450, 'CZK', 'cs')).toBe(`1${nb}234,50${nb}Kč`);
  expect(formatMoney(123450, 'PLN', 'pl')).toBe(`1${nb}234,50${nb}zł`);
  expect(formatMoney(123450, 'EUR', 'lt')).toBe(`1${nb}234,50${nb}€`);
  expect(formatMoney(123450, 'EUR', 'en')).toBe('€1,234.50');
  expect(formatMoney(123450, 'CZK', 'en')).toBe(`CZK${nb}1,234.50`);
  expect(formatMoney(123450, 'PLN', 'cs')).toBe(`1${nb}234,50${nb}PLN`);
  expect(formatMoney(5, 'CZK', 'cs')).toBe(`0,05${nb}Kč`);
  expect(formatMoney(123456789, 'EUR', 'ru')).toBe(`1${nb}234${nb}567,89${nb}€`);
});

test('the test helpers write dates and numbers as the contract does', () => {
  expect(formatDate('2026-03-05', 'cs')).toBe(`5.${nb}3.${nb}2026`);
  expect(formatDate('2026-03-05', 'pl')).toBe('05.03.2026');
  expect(formatDate('2026-03-05', 'ru')).toBe('05.03.2026');
  expect(formatDate('2026-03-05', 'lt')).toBe('2026-03-05');
  expect(formatDate('2026-03-05', 'en')).toBe('5 Mar 2026');
  expect(dayBefore('2026-03-01')).toBe('2026-02-28');
  expect(displayMsisdn('+420601123456')).toBe('+420 601 123 456');
  expect(displayMsisdn('+48601234567')).toBe('+48 601 234 567');
  expect(displayMsisdn('+37061234567')).toBe('+370 612 34567');
});

test('the test helpers write periods, VAT rates and signed changes as the billing pages do', () => {
  expect(formatPeriod('2026-10-20', '2026-11-19', 'cs')).toBe(`20.${nb}10.${nb}2026 – 19.${nb}11.${nb}2026`);
  expect(formatRate(2100, 'cs')).toBe(`21${nb}%`);
  expect(formatRate(2300, 'en')).toBe('23%');
  expect(formatRate(1050, 'pl')).toBe(`10,5${nb}%`);
  expect(formatRate(1005, 'pl')).toBe(`10,05${nb}%`);
  expect(formatRate(0, 'lt')).toBe(`0${nb}%`);
  expect(formatSignedMoney(12000, 'EUR', 'en')).toBe('+€120.00');
  expect(formatSignedMoney(-5490, 'CZK', 'cs')).toBe(`\u221254,90${nb}Kč`);
  expect(formatSignedMoney(0, 'EUR', 'en')).toBe('€0.00');
  expect(compactDate('2026-12-06')).toBe('20261206');
});

test('the test helpers read back exactly the amounts they write, and nothing else', () => {
  for (const cents of [0, 5, 177749, -6490, 123456789]) {
    expect(parseMoney(formatMoney(cents, 'CZK', 'cs'), 'CZK', 'cs')).toBe(cents);
    expect(parseMoney(formatSignedMoney(cents, 'CZK', 'cs'), 'CZK', 'cs')).toBe(cents);
    expect(parseMoney(formatMoney(cents, 'EUR', 'en'), 'EUR', 'en')).toBe(cents);
  }
  expect(parseMoney('1 777,49 Kč', 'CZK', 'cs')).toBe(177749);
  expect(() => parseMoney('1777,49 Kč', 'CZK', 'cs')).toThrow();
  expect(() => parseMoney('1 777.49 Kč', 'CZK', 'cs')).toThrow();
  expect(() => parseMoney('1 777,4 Kč', 'CZK', 'cs')).toThrow();
  expect(() => parseMoney('1 777,49 zł', 'CZK', 'cs')).toThrow();
});
