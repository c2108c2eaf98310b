/** CSV exports: RFC 4180 quoting, and spreadsheet formulas defused. */
import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../../server/teaching/csv.js';
import { parseCsv } from '../../helpers/chromium.js';

describe('CSV', () => {
  it.each([
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rlf', '"cr\rlf"'],
    [' padded ', '" padded "'],
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@cmd', "'@cmd"],
    ['=1,2', `"'=1,2"`],
    ['', ''],
  ])('text %j → %j', (value, cell) => expect(csvCell(value)).toBe(cell));

  it.each([
    [4, '4'],
    [2 / 3, '0.667'],
    [-1.5, '-1.5'],
    [null, ''],
    [undefined, ''],
    [Number.NaN, ''],
  ])('value %j → %j', (value, cell) => expect(csvCell(value)).toBe(cell));

  it('rows end with CRLF and parse back to the same fields', () => {
    const rows = [
      ['Candidate', 'Score'],
      ['Ann, "the careful"', 6],
      ['multi\nline', 0.5],
    ];
    const text = toCsv(rows);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')[0]).toBe('Candidate,Score');
    expect(parseCsv(text)).toEqual([['Candidate', 'Score'], ['Ann, "the careful"', '6'], ['multi\nline', '0.5']]);
  });
});
