// Pins the lifetimes idpool accepts: what an app callback's expiration may be, and how long a stored one may reach.
import { describe, expect, it } from 'vitest';
import { expirationProblem, MAX_LIFETIME_MS, MAX_STORED_LIFETIME_MS, storableExpiration } from './lifetimes';

const NOW = Date.UTC(2030, 0, 1);
const DAY = 86_400_000;

describe('expirationProblem', () => {
  it('accepts any future time up to a century away', () => {
    for (const expiresAt of [NOW + 1, NOW + 3_600_000, NOW + 5 * 365 * DAY, NOW + MAX_LIFETIME_MS]) expect(expirationProblem(expiresAt, NOW)).toBeUndefined();
  });

  it.each([
    ['now', NOW, 'is in the past'],
    ['the past', NOW - 1, 'is in the past'],
    ['a century and a millisecond', NOW + MAX_LIFETIME_MS + 1, 'is more than 100 years away'],
    ['the year 9999', Date.UTC(9999, 0, 1), 'is more than 100 years away'],
    ['Infinity', Number.POSITIVE_INFINITY, 'is not a finite time'],
    ['NaN', Number.NaN, 'is not a finite time'],
  ])('refuses %s', (_name, expiresAt, problem) => {
    expect(expirationProblem(expiresAt, NOW)).toBe(problem);
  });

  it('a century is 100 Julian years', () => {
    expect(MAX_LIFETIME_MS).toBe(100 * 365.25 * DAY);
  });
});

describe('storableExpiration', () => {
  it('keeps an expiration within a stored year, shortens a longer one to a year from now', () => {
    expect(MAX_STORED_LIFETIME_MS).toBe(366 * DAY);
    expect(storableExpiration(NOW + 3_600_000, NOW)).toBe(NOW + 3_600_000);
    expect(storableExpiration(NOW + MAX_STORED_LIFETIME_MS, NOW)).toBe(NOW + MAX_STORED_LIFETIME_MS);
    expect(storableExpiration(NOW + 2 * 365 * DAY, NOW)).toBe(NOW + MAX_STORED_LIFETIME_MS);
  });
});
