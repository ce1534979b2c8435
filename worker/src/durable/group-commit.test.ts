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

  it('gatherWithinMs: items that come one by one are committed at once; a run of close items shares the turn', async () => {
    const { groups, commit } = recorder();
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const writes = new GroupCommit<string, string>({ commit, gather: 'turn', gatherWithinMs: 20 });
    const a = writes.add('a'); // the first item has no gap before it: alone
    expect(groups).toEqual([['a']]); // committed before add() returned, without waiting for the turn
    await a;
    await sleep(60);
    await writes.add('b'); // 60 ms after 'a': alone again
    expect(groups).toEqual([['a'], ['b']]);
    // 'c' comes right after 'b', but one short gap after a long one (mean 30 ms) is not a run: alone
    const c = writes.add('c');
    expect(groups).toEqual([['a'], ['b'], ['c']]);
    await c;
    // 'd' right after 'c' (mean 15 ms): it waits for the turn, and 'e', added meanwhile, joins it
    const rest = [writes.add('d'), writes.add('e')];
    expect(groups).toHaveLength(3);
    expect(await Promise.all(rest)).toEqual(['dd', 'ee']);
    expect(groups).toEqual([['a'], ['b'], ['c'], ['d', 'e']]);
    // without the option the same lone item waits for the turn
    const always = recorder();
    const turn = new GroupCommit<string, string>({ commit: always.commit, gather: 'turn' });
    const f = turn.add('f');
    expect(always.groups).toEqual([]);
    expect(await f).toBe('ff');
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

  it('lingerMs: after a group of several the next group waits and takes what arrives meanwhile; after a group of one it does not wait', async () => {
    const groups: string[][] = [];
    const done: Array<() => void> = [];
    // each commit finishes when the test says so
    const commit = (items: string[]) => {
      groups.push([...items]);
      return new Promise<string[]>((resolve) => done.push(() => resolve(items.map((i) => i + i))));
    };
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const writes = new GroupCommit<string, string>({ commit, lingerMs: 40 });
    const all = [writes.add('a'), writes.add('b'), writes.add('c')];
    await sleep(0);
    expect(groups).toEqual([['a']]);
    done.shift()!(); // a group of one: the next is taken at once
    await sleep(0);
    expect(groups).toEqual([['a'], ['b', 'c']]);
    all.push(writes.add('d'));
    done.shift()!(); // a group of two: the next lingers
    await sleep(0);
    expect(groups).toHaveLength(2);
    all.push(writes.add('e')); // arrives during the linger, shares 'd''s group
    await sleep(80);
    expect(groups).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
    done.shift()!();
    expect(await Promise.all(all)).toEqual(['aa', 'bb', 'cc', 'dd', 'ee']);
    // the queue is empty now, but the last group held two: a new item lingers all the same
    const f = writes.add('f');
    await sleep(0);
    expect(groups).toHaveLength(3);
    await sleep(80);
    expect(groups).toEqual([['a'], ['b', 'c'], ['d', 'e'], ['f']]);
    done.shift()!();
    expect(await f).toBe('ff');
    // after a group of one, the next is taken at once
    const g = writes.add('g');
    await sleep(0);
    expect(groups.at(-1)).toEqual(['g']);
    done.shift()!();
    expect(await g).toBe('gg');
    expect(writes.counts).toEqual({ groups: 5, items: 7 });
  });
});
