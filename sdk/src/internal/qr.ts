/**
 * QR codes of a link as one SVG path, from uqr (a small, maintained encoder). Imported only
 * dynamically (by `copy-link.ts`), so it is its own chunk, fetched when someone asks for a QR code.
 */
import { encode } from 'uqr';

/**
 * @example const { size, d } = qrPath('https://shop.hk/p?ref=AbC'); // <svg viewBox="0 0 size size"><path d=…>
 */
export function qrPath(text: string): { size: number; d: string } {
  const { data, size } = encode(text, { ecc: 'M', border: 2 });
  let d = '';
  data.forEach((row, y) => row.forEach((dark, x) => dark && (d += `M${x} ${y}h1v1h-1z`)));
  return { size, d };
}
