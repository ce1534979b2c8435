import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';

describe('newId', () => {
  it('is the prefix and 20 characters: 8 of time, 12 random', () => {
    const id = newId('clk', Date.UTC(2026, 10, 30));
    expect(id).toMatch(/^clk_[A-Za-z0-9]{20}$/);
    expect(newId('clk', Date.UTC(2026, 10, 30)).slice(0, 12)).toBe(id.slice(0, 12));
    expect(new Set(Array.from({ length: 1000 }, () => newId('clk')))).toHaveProperty('size', 1000);
  });

  it('sorts by creation time, to the millisecond, from 1970 on', () => {
    const times = [0, 1, 61, 62, 3_843, 1_764_460_800_000, 1_764_460_800_001, Date.UTC(2100, 0, 1), Date.UTC(8000, 0, 1)];
    const ids = times.map((t) => newId('conv', t));
    // code-unit order: for these ASCII ids the byte order that SQLite's BINARY collation uses
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]!.slice(5, 13)).toBe('00000000');
    expect(ids[3]!.slice(5, 13)).toBe('00000010');
  });
});
