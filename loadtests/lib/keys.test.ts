import { describe, expect, it } from 'vitest';
import { parseKeysFile } from './keys.ts';

describe('parseKeysFile', () => {
  it('reads one key per line, skipping blanks and comments, CRLF or LF', () => {
    expect(parseKeysFile('# generated\r\nk1\r\n\r\nk2\n  k3  \n')).toEqual([{ key: 'k1' }, { key: 'k2' }, { key: 'k3' }]);
  });
  it('reads nodeId,key and nodeId key lines', () => {
    expect(parseKeysFile('n1,k1\nn2 k2\nn3 , k3')).toEqual([
      { nodeId: 'n1', key: 'k1' },
      { nodeId: 'n2', key: 'k2' },
      { nodeId: 'n3', key: 'k3' },
    ]);
  });
  it('reads JSON arrays of strings or objects', () => {
    expect(parseKeysFile('["a","b"]')).toEqual([{ key: 'a' }, { key: 'b' }]);
    expect(parseKeysFile('[{"nodeId":"n1","key":"a"},{"token":"b"},{"id":"n3","apiKey":"c"}]')).toEqual([
      { nodeId: 'n1', key: 'a' },
      { key: 'b' },
      { nodeId: 'n3', key: 'c' },
    ]);
  });
  it('refuses what would make two agents one node, or nothing at all', () => {
    expect(() => parseKeysFile('k1\nk2\nk1')).toThrow(/repeats key/);
    expect(() => parseKeysFile('# nothing\n\n')).toThrow(/no keys/);
    expect(() => parseKeysFile('a b c')).toThrow(/line 1: expected/);
    expect(() => parseKeysFile('[{"nodeId":"x"}]')).toThrow(/entry 0 has no string "key"/);
    expect(() => parseKeysFile('[1,')).toThrow(/does not parse/);
    expect(() => parseKeysFile('\uFEFFk1')).not.toThrow();
  });
});
