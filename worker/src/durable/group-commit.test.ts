import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

/** A commit function that records its groups and answers each item doubled (and fails on 'bad'). */
function recorder(opts: { slow?: boolean } = {}) {
  const groups: string[][] = [];
  const commit = async (items: string[]) => {
    groups.push([...items]);
    if (opts.slow) await new Promise((resolve) => setTimeout(resolve, 5));
    if (items.includes('bad')) throw new Error('bad item');
    return items.map((i) => i + i);
  };
  return { groups, commit };
}

describe('GroupCommit', () => {
  it("gather 'turn': the items of one turn share one commit, each caller gets its own result", async () => {
    const { groups, commit } = recorder();
    const writes = new GroupCommit<string, string>({ commit, gather: 'turn' });
    expect(await Promise.all(['a', 'b', 'c'].map((i) => writes.add(i)))).toEqual(['aa', 'bb', 'cc']);
    expect(groups).toEqual([['a', 'b', 'c']]);
    expect(await writes.add('d')).toBe('dd');
    expect(groups).toEqual([['a', 'b', 'c'], ['d']]);
    expect(writes.counts).toEqual({ groups: 2, items: 4 });
  });

  it("gather 'now': the first item commits at once, what arrives meanwhile forms the next groups of at most maxGroup", async () => {
    const { groups, commit } = recorder({ slow: true });
    const writes = new GroupCommit<string, string>({ commit, maxGroup: 2 });
    const first = writes.add('a');
    const rest = ['b', 'c', 'd'].map((i) => writes.add(i));
    expect(await Promise.all([first, ...rest])).toEqual(['aa', 'bb', 'cc', 'dd']);
    expect(groups).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it('isolateFailures: a bad item fails only its caller; the others are committed alone', async () => {
    const { groups, commit } = recorder();
    const writes = new GroupCommit<string, string>({ commit, gather: 'turn', isolateFailures: true });
    const results = await Promise.allSettled(['a', 'bad', 'c'].map((i) => writes.add(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(groups).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
    // the group is counted once, whatever it took to commit its items
    expect(writes.counts).toEqual({ groups: 1, items: 3 });
  });

  it('without isolateFailures a failed group fails every caller in it, and the next group still commits', async () => {
    const { commit } = recorder();
    const writes = new GroupCommit<string, string>({ commit, gather: 'turn' });
    const results = await Promise.allSettled(['a', 'bad'].map((i) => writes.add(i)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await writes.add('e')).toBe('ee');
  });
});
