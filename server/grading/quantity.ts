/**
 * Kubernetes resource quantities ("100m", "0.1", "1Gi", "1024Mi", "2e3") as plain numbers, so that
 * checks compare amounts, not spellings: 0.1 CPU equals 100m, 1Gi equals 1024Mi.
 */
const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimal: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const pattern = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE]?)|[eE]([+-]?[0-9]+))$/;

/** The amount a quantity stands for, or undefined if the text is not a quantity. */
export function parseQuantity(input: string | number | bigint): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) ? input : undefined;
  if (typeof input === 'bigint') return Number(input);
  const m = pattern.exec(input.trim());
  if (!m) return undefined;
  const [, mantissa, bin, dec, exp] = m;
  if (bin) return Number(mantissa) * binary[bin]!;
  // Building "<mantissa>e<exp>" and letting Number parse it rounds once, so "100m" and "0.1" are the same double.
  const power = exp !== undefined ? Number(exp) : decimal[dec ?? '']!;
  return Number(`${mantissa}e${power}`);
}

/** True when two quantities stand for the same amount (within float rounding of very small values). */
export function sameQuantity(a: string | number | bigint, b: string | number | bigint): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  if (x === undefined || y === undefined) return false;
  return x === y || Math.abs(x - y) <= 1e-12 * Math.max(Math.abs(x), Math.abs(y));
}
