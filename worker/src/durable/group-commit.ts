/**
 * Group commit: items that arrive while a commit is being prepared or is running are written
 * together by one call of `commit`, and each caller awaits the result of its own item. The shop
 * object uses it twice — clicks into its own storage (one transaction for every click of a turn
 * while they come close together, each at once when they do not) and new conversions into D1 (one
 * batch for the reports that arrive during the previous batch and a short linger under load) —
 * which is what makes both writes cheap under load.
 *
 * @example
 * const clicks = new GroupCommit<Click, void>({
 *   commit: (group) => { storage.transactionSync(() => group.forEach(insert)); return group.map(() => undefined); },
 *   gather: 'turn',
 *   gatherWithinMs: 20,
 * });
 * await clicks.add(click); // resolves once the transaction holding this click committed
 * clicks.counts; // { groups: 1, items: 1 }: what the object's metrics() report of its commits
 */
/** Groups handed to a {@link GroupCommit}'s `commit` so far, and the items they held. */
export interface GroupCounts {
  groups: number;
  items: number;
}

export class GroupCommit<T, R> {
  private queue: Array<{ item: T; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];
  private running = false;
  /** items in the last group taken: more than one means load, and the next group lingers */
  private lastGroup = 0;
  private readonly committed: GroupCounts = { groups: 0, items: 0 };
  /** when the last item was added (Date.now()), and the running mean of the gaps between items (ms) */
  private lastAdded: number | null = null;
  private meanGap = Infinity;

  constructor(
    private readonly opts: {
      /** writes one group; returns one result per item, in order */
      commit: (items: T[]) => Promise<R[]> | R[];
      /** items per group at most (default: no limit) */
      maxGroup?: number;
      /**
       * `turn`: the first item waits for the rest of the current turn of the event loop, so that
       * concurrent callers share its commit; `now` (default): it is committed at once, and what
       * arrives meanwhile forms the next group.
       */
      gather?: 'turn' | 'now';
      /**
       * With gather `turn`: wait for the turn only while items come at most this many milliseconds
       * apart on average (a running mean of the gaps, the newest weighing half) — others are likely
       * to follow in the same turn. Items that come one by one are committed at once: the wait would
       * cost a timer and share nothing, and one short gap now and then does not change that.
       * Default: always wait.
       */
      gatherWithinMs?: number;
      /** when a group of several fails, commit each of its items alone, so one bad item fails only its caller */
      isolateFailures?: boolean;
      /**
       * Under load — the last group held more than one item — wait this many milliseconds before
       * taking the next group, even one that starts an empty queue again, so that more items share
       * each commit (its fixed cost is paid by more of them). After a group of one the next is taken
       * at once. Default 0.
       */
      lingerMs?: number;
    },
  ) {}

  /**
   * Groups handed to `commit` so far and the items they held, failed groups included (a group
   * committed again item by item after a failure counts once). Items ÷ groups is what sharing saves.
   */
  get counts(): GroupCounts {
    return { ...this.committed };
  }

  /** Queues `item`; resolves with its result once its group is committed, or rejects with the group's error. */
  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const now = Date.now();
      if (this.lastAdded !== null) {
        const gap = now - this.lastAdded;
        this.meanGap = this.meanGap === Infinity ? gap : (this.meanGap + gap) / 2;
      }
      this.lastAdded = now;
      this.queue.push({ item, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      const close = this.opts.gatherWithinMs === undefined || this.meanGap <= this.opts.gatherWithinMs;
      if (this.opts.gather === 'turn' && close) await new Promise((resolve) => setTimeout(resolve, 0));
      while (this.queue.length) {
        if (this.lastGroup > 1 && this.opts.lingerMs) await new Promise((resolve) => setTimeout(resolve, this.opts.lingerMs));
        const group = this.queue.splice(0, this.opts.maxGroup ?? this.queue.length);
        this.lastGroup = group.length;
        this.committed.groups++;
        this.committed.items += group.length;
        try {
          const results = await this.opts.commit(group.map((w) => w.item));
          group.forEach((w, i) => w.resolve(results[i] as R));
        } catch (error) {
          if (group.length === 1 || !this.opts.isolateFailures) {
            for (const w of group) w.reject(error);
            continue;
          }
          for (const w of group) {
            try {
              w.resolve(((await this.opts.commit([w.item])) as R[])[0] as R);
            } catch (single) {
              w.reject(single);
            }
          }
        }
      }
    } finally {
      this.running = false;
    }
  }
}
