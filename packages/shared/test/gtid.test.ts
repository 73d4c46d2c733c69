import { describe, expect, it } from 'vitest';
import { gtidContains, gtidSize, gtidSubtract, gtidTextContains, parseGtidSet, GtidParseError } from '@whmcs-ha/shared';

describe('MariaDB GTID sets', () => {
  it('keeps the highest seq per domain and orders by domain positions', () => {
    const a = parseGtidSet('1-1-120,2-2-45');
    const b = parseGtidSet('1-1-118,2-2-45');
    expect(gtidContains(a, b)).toBe(true);
    expect(gtidContains(b, a)).toBe(false);
    expect(gtidSubtract(a, b)).toEqual({ count: 2, text: '1-1-120' });
    expect(gtidSize(a)).toBe(165);
  });

  it('finds errant transactions of a returning old active in its own domain', () => {
    const oldActive = parseGtidSet('1-1-130,2-2-45');
    const newActive = parseGtidSet('1-1-128,2-2-60');
    expect(gtidSubtract(oldActive, newActive)).toEqual({ count: 2, text: '1-1-130' });
  });

  it('treats an empty set as contained in anything', () => {
    expect(gtidTextContains('1-1-5', '')).toBe(true);
    expect(gtidTextContains('', '1-1-5')).toBe(false);
  });
});

describe('MySQL GTID sets', () => {
  const U1 = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
  const U2 = '2174b383-5441-11e8-b90a-c80aa9429562';

  it('merges intervals and subtracts exactly', () => {
    const a = parseGtidSet(`${U1}:1-5:6-10:20, ${U2.toUpperCase()}:1-3`);
    expect(a.sources.get(U1)).toEqual([[1, 10], [20, 20]]);
    const b = parseGtidSet(`${U1}:1-4:8-20,${U2}:1-3`);
    expect(gtidSubtract(a, b)).toEqual({ count: 3, text: `${U1}:5-7` });
    expect(gtidContains(b, parseGtidSet(`${U1}:9-12`))).toBe(true);
  });

  it('keeps 8.4 tagged GTIDs apart from untagged ones', () => {
    const a = parseGtidSet(`${U1}:1-3:billing:1-2`);
    expect([...a.sources.keys()].sort()).toEqual([U1, `${U1}:billing`]);
    expect(gtidContains(parseGtidSet(`${U1}:1-3`), a)).toBe(false);
  });

  it('rejects garbage with a clear message', () => {
    expect(() => parseGtidSet('nope:1-2')).toThrow(GtidParseError);
    expect(() => parseGtidSet(`${U1}:5-1`)).toThrow(/interval end before start/);
    expect(gtidTextContains(`${U1}:1-5`, 'garbage')).toBe(false);
  });
});
