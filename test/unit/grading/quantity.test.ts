import { describe, expect, test } from 'vitest';
import { parseQuantity, sameQuantity } from '../../../server/grading/quantity.js';

describe('resource quantities', () => {
  test.each([
    ['100m', 0.1],
    ['0.1', 0.1],
    ['1', 1],
    ['2000m', 2],
    ['1Gi', 2 ** 30],
    ['1024Mi', 2 ** 30],
    ['128Mi', 134217728],
    ['1k', 1000],
    ['1e3', 1000],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['500u', 0.0005],
    ['.5', 0.5],
  ])('%s is %d', (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });

  test('numbers and ints stand for themselves', () => {
    expect(parseQuantity(0.1)).toBe(0.1);
    expect(parseQuantity(3n)).toBe(3);
  });

  test('equal amounts in different spellings are the same quantity', () => {
    expect(sameQuantity('0.1', '100m')).toBe(true);
    expect(sameQuantity('1Gi', '1024Mi')).toBe(true);
    expect(sameQuantity('0.5', '500m')).toBe(true);
    expect(sameQuantity('128M', '128Mi')).toBe(false);
    expect(sameQuantity('2', '2000m')).toBe(true);
  });

  test('text that is not a quantity is refused, not guessed', () => {
    for (const bad of ['', 'abc', '1Xi', '1 Gi', '--1', 'Mi']) expect(parseQuantity(bad), bad).toBeUndefined();
    expect(sameQuantity('abc', 'abc')).toBe(false);
  });
});
