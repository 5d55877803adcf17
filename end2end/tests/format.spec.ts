// The tests' own formatting helpers, checked against the examples in the UI contract.
import { expect, test } from '@playwright/test';
import { dayBefore, displayMsisdn, formatDate, formatMoney } from './support/format';

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
