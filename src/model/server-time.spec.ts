// Pins server time, the one home of clock skew: serverNow/toLocalTime are inverse, the Date header's resolution is not skew, offsets are bounded.
import { describe, expect, it } from 'vitest';
import { isPlausibleOffset, MAX_CLOCK_OFFSET_MS, offsetFromDateHeader, serverNow, toLocalTime } from './server-time';

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);

describe('serverNow and toLocalTime', () => {
  it("read Cognito's clock off the local one, and back", () => {
    expect(serverNow(NOW, 90_000)).toBe(NOW + 90_000);
    expect(toLocalTime(NOW + 90_000, 90_000)).toBe(NOW);
    for (const offset of [-MAX_CLOCK_OFFSET_MS, -1, 0, 7_777]) expect(toLocalTime(serverNow(NOW, offset), offset)).toBe(NOW);
  });
});

describe('offsetFromDateHeader', () => {
  it('reads a whole-second header from its mid-second: no skew within the header’s resolution', () => {
    // The header says 12:00:00 for any local time in [12:00:00, 12:00:01).
    for (const local of [NOW, NOW + 500, NOW + 999]) expect(offsetFromDateHeader(NOW, local)).toBe(0);
  });

  it('ignores differences under 2 s, reports larger ones with their sign', () => {
    expect(offsetFromDateHeader(NOW, NOW - 1_499)).toBe(0);
    expect(offsetFromDateHeader(NOW, NOW - 1_500)).toBe(2_000);
    expect(offsetFromDateHeader(NOW, NOW + 2_500)).toBe(-2_000);
    expect(offsetFromDateHeader(NOW + 600_000, NOW)).toBe(600_500);
    expect(offsetFromDateHeader(NOW - 600_000, NOW)).toBe(-599_500);
  });
});

describe('isPlausibleOffset', () => {
  it('accepts up to a day either way, nothing beyond', () => {
    expect(MAX_CLOCK_OFFSET_MS).toBe(86_400_000);
    expect([-MAX_CLOCK_OFFSET_MS, 0, MAX_CLOCK_OFFSET_MS].every(isPlausibleOffset)).toBe(true);
    expect([-MAX_CLOCK_OFFSET_MS - 1, MAX_CLOCK_OFFSET_MS + 1, -1e13, Number.POSITIVE_INFINITY, Number.NaN].some(isPlausibleOffset)).toBe(false);
  });
});
