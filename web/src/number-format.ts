/**
 * Fixed-point number text without Intl: `digits` decimals, thousands separated by commas — what
 * Intl.NumberFormat writes for zh-CN and en-GB alike (1,234.50) — and Intl's rounding: half away
 * from zero on the number's shortest decimal form (18.705 → 18.71, where toFixed's binary value
 * gives 18.70). Written out because the first Intl number format of a page costs tens of
 * milliseconds of locale data, paid on every page load. test/unit/number-format.spec.ts checks it
 * against Intl.
 */
export function formatFixed(value: number, digits: number): string {
  if (Math.abs(value) >= 1e21) return value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits }); // never on these pages
  const text = Math.abs(value).toString();
  let integer: string;
  if (text.includes('e')) {
    // Below 1e-6: far from any rounding boundary that matters here; toFixed writes it out.
    integer = Math.abs(value).toFixed(digits).replace('.', '');
  } else {
    const [whole, fraction = ''] = text.split('.');
    integer = (whole + fraction.padEnd(digits, '0').slice(0, digits)).replace(/^0+(?=\d)/, '');
    if (fraction.length > digits && fraction[digits] >= '5') integer = increment(integer);
  }
  const padded = integer.padStart(digits + 1, '0');
  const whole = padded.slice(0, padded.length - digits).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const body = digits > 0 ? `${whole}.${padded.slice(padded.length - digits)}` : whole;
  return value < 0 || Object.is(value, -0) ? `-${body}` : body;
}

/** A non-negative decimal integer string plus one. */
function increment(digits: string): string {
  const chars = digits.split('');
  for (let i = chars.length - 1; i >= 0; i -= 1) {
    if (chars[i] !== '9') {
      chars[i] = String(Number(chars[i]) + 1);
      return chars.join('');
    }
    chars[i] = '0';
  }
  return `1${chars.join('')}`;
}
