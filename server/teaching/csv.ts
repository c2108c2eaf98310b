/**
 * CSV as RFC 4180 says: fields separated by commas, records by CRLF; a field holding a comma, a
 * double quote, CR or LF (or leading/trailing space) is quoted, and its quotes doubled. Text that
 * a spreadsheet would run as a formula (= + - @ tab CR first) gets a leading apostrophe.
 */
export type CsvValue = string | number | null | undefined;

export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(Math.round(v * 1000) / 1000) : '';
  let s = v;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: CsvValue[][]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Sends rows as a CSV download. */
export function sendCsv(res: import('express').Response, filename: string, rows: CsvValue[][]): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.send(toCsv(rows));
}
