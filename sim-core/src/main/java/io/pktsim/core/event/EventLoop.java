package io.pktsim.core.event;

import java.util.Arrays;

/**
 * The discrete-event loop of one simulation: a priority queue of events ordered by (time, scheduling
 * order) and the dispatch of each event to the handler registered for its kind.
 *
 * <p>Layout: one {@code int[]} ({@code mem}) holds the list heads of both wheels and the events. Cells
 * {@code [0, 2 * WHEEL_NS)} are the timing wheel (head and tail of each position, side by side), the next
 * {@code 2 * OUTER_BUCKETS} cells the outer wheel's buckets; after them every event occupies a <em>slot</em>
 * of {@value #SLOT_INTS} ints (next, generation and state, kind, target: 16 bytes) for as long as it is
 * pending, and a slot is named by the index of its first cell. The argument is apart, in a {@code long[]}
 * with two entries per slot: it is needed only once the event runs, so with a million events pending the walk
 * along a wheel list misses the cache in a 16-byte-per-event array rather than a 32-byte one (in
 * thread-CPU-time loops of the "hold" benchmark, about 10 % less time per event at 1M pending than with the
 * argument inside the slot; the same at 1K). The second entry holds the time of an event in the outer wheel,
 * the only ones whose time is not implied by where they are: next to the argument, so the cascade that reads
 * the time also brings in the argument for the dispatch (one cache miss per far event instead of two). Free
 * slots form an intrusive LIFO list through their "next" cell, so the slot a handler schedules into is the one
 * its own event just left (still in cache).
 *
 * <p>Time is cut into aligned <em>blocks</em> of {@value #BLOCK_NS} ns; the <em>current block</em> is the
 * one of {@code base}, the time of the latest event taken out. The queue has three levels, like the
 * kernel's own hierarchical timers, and a small sorted array beside the first:
 * <ul>
 *   <li>a <em>timing wheel</em> of {@value #WHEEL_NS} one-nanosecond positions (two blocks) for the events
 *   of the current block and the next, from {@code base} on: position {@code time & (WHEEL_NS - 1)} holds,
 *   as a FIFO list linked through the slots, the events of exactly that time, in scheduling order; a bit
 *   map of the non-empty positions finds the next one with {@code numberOfTrailingZeros}, a summary bit per
 *   word of it (set on append, cleared lazily when a scan finds the word empty) skips the empty words of an
 *   almost empty wheel, and the time of a position follows from {@code base}, so a wheel event stores
 *   neither its time nor a sequence number. Scheduling and taking out are O(1) and have no branch on
 *   whether a list is, or becomes, empty: the tail cell of an empty position points at its own head cell,
 *   so appending is the same two stores whether the list was empty or not, and taking the last event out
 *   resets the tail and clears the bit with masks rather than a branch (whether two events share a
 *   nanosecond is a coin toss the CPU's branch predictor would lose);</li>
 *   <li>the <em>run</em>: a sorted array of at most {@value #RUN_MAX} events beside the wheel. When the
 *   current block advances, the outer bucket of the block that comes within the wheel's reach is
 *   <em>cascaded</em>: sorted stably by time onto the end of the run if it fits and the wheel holds fewer
 *   than {@value #RUN_MAX} events (a router's block holds a few events, which then never touch the 128 KB
 *   wheel), else appended to the wheel in list order (a busy wheel, as in the "hold" benchmark, would only
 *   gain a comparison per event taken out while the run lasts). While the wheel is empty, an event scheduled
 *   within its two blocks is inserted into the run too (after the run's events of equal time), so a sparse
 *   model such as a router, with an event or two within the wheel's reach at a time, never touches the
 *   wheel's 128 KB of list heads and bit maps. The run's events were scheduled before any event the wheel
 *   holds at their time, so on equal times they go first;</li>
 *   <li>an <em>outer wheel</em> of {@value #OUTER_BUCKETS} buckets, one per block, for the events of the
 *   blocks after those two (about 67 ms): a bucket is a FIFO list in scheduling order; bit maps of the
 *   non-empty buckets and of their non-empty words find the next one. When the wheel and the run are empty
 *   the loop jumps straight to the next non-empty block; when that block's bucket holds a single event (its
 *   tail cell is the event's own next cell), due by the run's end time, the event is taken straight out of
 *   the bucket rather than sorted into the run and taken from there (it is earlier than every other pending
 *   event, the next block's included, so the order is the same). In a simulated router, whose arrivals are
 *   scheduled RTT/2 ahead and lie microseconds apart, 88 % of the non-empty buckets hold one event (in a
 *   replay of the router's UDP event sequence alone, 13 % less time per event). A peek ({@link #nextEventTimeNs()})
 *   reads a bucket's times without rewriting its list unless it meets a cancelled entry;</li>
 *   <li>a 4-ary min-heap, ordered by (time, sequence), for the events further away; only these events are
 *   numbered. Each time the current block advances, the heap's events that came within the outer wheel's
 *   reach move into it (or into the timing wheel), in (time, sequence) order, before any event can be
 *   scheduled directly into their block, so every list stays in scheduling order.</li>
 * </ul>
 * This replaced a single 4-ary heap, which took several times as long per event "hold", then a wheel with
 * per-slot time and sequence in {@code long[]} and branches on list emptiness, and then a 16,384-ns sliding
 * wheel straight in front of the heap, under which a simulated router (whose events lie microseconds to
 * milliseconds apart) spent most of its event time in the heap and in scans of an almost empty wheel (see
 * bench/README.md). Cancelling is lazy: it marks the slot, and the entry is discarded when it is reached
 * (or when a compaction runs because more than half the entries are cancelled). An event id is the slot's
 * first cell with its generation in the high 32 bits, so a stale id never cancels a newer event.
 *
 * <p>Nothing here allocates once the arrays have grown to the model's working size (set it with the
 * constructor's capacity). Single-threaded by design: one simulation, one thread.
 */
public final class EventLoop {

    /** The id returned for no event; {@link #cancel(long)} of it returns false. */
    public static final long NO_EVENT = -1L;

    /** The reach of the timing wheel, in nanoseconds (one position per nanosecond): two blocks. */
    public static final int WHEEL_NS = 1 << 14;

    /** The size of a block, in nanoseconds: the unit of the outer wheel and of cascading. */
    public static final int BLOCK_NS = WHEEL_NS >>> 1;

    /** The outer wheel's buckets, one block each: events up to this many blocks further skip the heap. */
    public static final int OUTER_BUCKETS = 1 << 13;

    /** The most events the run holds; a cascaded bucket that does not fit goes to the timing wheel. */
    static final int RUN_MAX = 64;

    private static final int BLOCK_SHIFT = 13;
    private static final int WHEEL_MASK = WHEEL_NS - 1;
    private static final int WHEEL_WORDS = WHEEL_NS >>> 6;
    private static final int OUTER_MASK = OUTER_BUCKETS - 1;
    private static final int OUTER_WORDS = OUTER_BUCKETS >>> 6;
    /** The first cell of the outer wheel's heads and tails, after the timing wheel's. */
    private static final int OUTER_CELLS = 2 * WHEEL_NS;
    /** The first slot cell: the wheels' head and tail cells come first. */
    private static final int SLOTS = OUTER_CELLS + 2 * OUTER_BUCKETS;
    /** "No slot" in a next cell or the free list; cell 0 is a wheel head, never a slot. */
    private static final int NIL = 0;
    private static final int FREE = 0;
    private static final int PENDING = 1;
    private static final int CANCELLED = 2;
    private static final int STATE_MASK = 3;
    private static final int GEN_ONE = 4;
    private static final int ARITY = 4;
    private static final int MIN_COMPACT = 1024;
    private static final int EMPTY = -1;
    private static final int TIME_UP = -2;

    // slot layout, offsets from the slot's first cell (one slot per pending event, 16 bytes)
    private static final int SLOT_SHIFT = 2;
    private static final int SLOT_INTS = 1 << SLOT_SHIFT;
    private static final int S_NEXT = 0;
    private static final int S_GEN_STATE = 1;
    private static final int S_KIND = 2;
    private static final int S_TARGET = 3;

    private EventHandler[] handlers = new EventHandler[16];
    private String[] handlerNames = new String[16];
    private int handlerCount;

    // mem[2p] = first slot of wheel position p (NIL when empty), mem[2p + 1] = the cell its next event is
    // linked from (the last slot's next cell, or 2p itself when empty); then the outer buckets, the same way
    // from OUTER_CELLS; then the slots
    private int[] mem;
    // args[argIndex(slot)] = the argument of the slot's event; args[argIndex(slot) + 1] = its time while it is in
    // the outer wheel (side by side: the cascade's read of the time brings in the argument the dispatch reads)
    private long[] args;
    private int freeHead;
    private int slotCapacity;

    // the wheel holds the times t with base <= t and t >>> BLOCK_SHIFT <= (base >>> BLOCK_SHIFT) + 1;
    // wheelSummary bit w is set whenever wheelBits[w] is not 0 (and may stay set after it became 0)
    private final long[] wheelBits = new long[WHEEL_WORDS];
    private final long[] wheelSummary = new long[WHEEL_WORDS >>> 6];
    private int wheelCount;
    private long base;
    /** The end of the current block (the first time of the next one), ns; kept by {@link #startBlock()}. */
    private long blockEndNs = BLOCK_NS;
    /** The end of the wheel's reach (the first time of the block after the next), ns. */
    private long wheelEndNs = 2L * BLOCK_NS;

    // the run: runSlot/runTime[runHead, runEnd) sorted by time, stably; runHead = runEnd = 0 when empty
    private final int[] runSlot = new int[RUN_MAX];
    private final long[] runTime = new long[RUN_MAX];
    private int runHead;
    private int runEnd;

    // the outer wheel holds the blocks b with 2 <= b - (base >>> BLOCK_SHIFT) <= OUTER_BUCKETS + 1, at
    // b & OUTER_MASK; outerSummary bit w is set exactly when outerBits[w] is not 0
    private final long[] outerBits = new long[OUTER_WORDS];
    private final long[] outerSummary = new long[OUTER_WORDS >>> 6];
    private int outerCount;

    // heap of the later events: keys[2i] = time, keys[2i+1] = sequence; heapSlot[i]
    private long[] keys;
    private int[] heapSlot;
    private int heapSize;
    /**
     * The heap's earliest time ({@code keys[0]}), {@link Long#MAX_VALUE} when it is empty: {@link #migrate()}, which
     * runs at every block, tests it without touching the heap's arrays.
     */
    private long heapTopNs = Long.MAX_VALUE;
    /** Numbers the heap's events, in scheduling order. */
    private long sequence;

    private int cancelledCount;
    private long nowNs;
    private long dispatched;
    private boolean stopRequested;

    /** Creates a loop sized for 1024 pending events (it grows as needed). */
    public EventLoop() {
        this(1024);
    }

    /**
     * Creates a loop.
     *
     * @param initialCapacity pending events the arrays hold before they grow
     */
    public EventLoop(final int initialCapacity) {
        final int cap = Math.max(16, initialCapacity);
        slotCapacity = cap;
        mem = new int[SLOTS + SLOT_INTS * cap];
        args = new long[2 * cap];
        for (int head = 0; head < SLOTS; head += 2) {
            mem[head + 1] = head;
        }
        freeHead = NIL;
        linkFree(0, cap);
        keys = new long[2 * cap];
        heapSlot = new int[cap];
    }

    /**
     * Registers the handler of a new event kind. Done once, while the model is built.
     *
     * @param handler the handler
     * @param name a name for traces and errors
     * @return the kind to pass to {@link #schedule(long, int, int, long)}
     */
    public int register(final EventHandler handler, final String name) {
        if (handler == null) {
            throw new IllegalArgumentException("event handler '" + name + "' is null");
        }
        if (handlerCount == handlers.length) {
            handlers = Arrays.copyOf(handlers, handlerCount * 2);
            handlerNames = Arrays.copyOf(handlerNames, handlerCount * 2);
        }
        handlers[handlerCount] = handler;
        handlerNames[handlerCount] = name;
        return handlerCount++;
    }

    /**
     * The name a kind was registered with.
     *
     * @param kind the kind
     * @return its name
     */
    public String kindName(final int kind) {
        return handlerNames[kind];
    }

    /** @return the current simulated time, in nanoseconds */
    public long nowNs() {
        return nowNs;
    }

    /** @return the number of events scheduled and neither dispatched nor cancelled */
    public int pending() {
        return queued() - cancelledCount;
    }

    /** The entries in the queue, cancelled ones included. */
    private int queued() {
        return wheelCount + (runEnd - runHead) + outerCount + heapSize;
    }

    /** @return the number of events dispatched since the loop was made */
    public long dispatched() {
        return dispatched;
    }

    /**
     * Schedules an event.
     *
     * @param timeNs when it happens; not before {@link #nowNs()}
     * @param kind the kind returned by {@link #register(EventHandler, String)}
     * @param target passed to the handler
     * @param arg passed to the handler
     * @return an id for {@link #cancel(long)}
     * @throws IllegalStateException if the time lies in the past (a broken invariant of the caller)
     */
    public long schedule(final long timeNs, final int kind, final int target, final long arg) {
        if (timeNs < nowNs) {
            throw schedulePastError(timeNs, kind);
        }
        if (freeHead == NIL) {
            grow();
        }
        final int[] m = mem;
        final int slot = freeHead;
        freeHead = m[slot + S_NEXT];
        final int genState = (m[slot + S_GEN_STATE] & ~STATE_MASK) | PENDING;
        m[slot + S_GEN_STATE] = genState;
        m[slot + S_KIND] = kind;
        m[slot + S_TARGET] = target;
        args[argIndex(slot)] = arg;
        if (timeNs < wheelEndNs && timeNs >= base) {
            if (wheelCount == 0 && runEnd - runHead < RUN_MAX) {
                runInsert(slot, timeNs);
            } else {
                wheelAppend(slot, timeNs);
            }
        } else {
            scheduleFar(slot, timeNs);
        }
        return ((long) (genState >>> 2) << 32) | slot;
    }

    /**
     * Inserts an event of the wheel's two blocks into the run, after the run's events of equal or earlier time:
     * only while the wheel is empty, so every event the wheel will hold at its time is scheduled after it (the
     * run goes first on a tie). A sparse model (a router: an event or two within the wheel's reach at a time)
     * then never touches the wheel's 128 KB of list heads and bit maps. Call with room in the run.
     */
    private void runInsert(final int slot, final long timeNs) {
        final int[] rs = runSlot;
        final long[] rt = runTime;
        int end = runEnd;
        if (end == RUN_MAX) {
            final int left = end - runHead;
            System.arraycopy(rs, runHead, rs, 0, left);
            System.arraycopy(rt, runHead, rt, 0, left);
            runHead = 0;
            end = left;
        }
        final int first = runHead;
        int i = end;
        while (i > first && rt[i - 1] > timeNs) {
            rt[i] = rt[i - 1];
            rs[i] = rs[i - 1];
            i--;
        }
        rt[i] = timeNs;
        rs[i] = slot;
        runEnd = end + 1;
    }

    /** Rare path of {@link #schedule}: a time in a later block than the wheel's two, or before its base. */
    private void scheduleFar(final int slot, final long timeNs) {
        if (timeNs < base) {
            rebase(timeNs);
            wheelAppend(slot, timeNs);
            return;
        }
        final long ahead = (timeNs >>> BLOCK_SHIFT) - (base >>> BLOCK_SHIFT);
        if (ahead <= 1) {
            wheelAppend(slot, timeNs);   // only where the wheel's end overflowed (times near Long.MAX_VALUE)
        } else if (ahead <= OUTER_BUCKETS + 1) {
            outerAppend(slot, timeNs);
        } else {
            heapAdd(slot, timeNs);
        }
    }

    /**
     * Schedules an event at a delay from now.
     *
     * @param delayNs the delay, at least 0
     * @param kind the kind
     * @param target passed to the handler
     * @param arg passed to the handler
     * @return an id for {@link #cancel(long)}
     */
    public long scheduleIn(final long delayNs, final int kind, final int target, final long arg) {
        return schedule(nowNs + delayNs, kind, target, arg);
    }

    /**
     * Cancels a pending event.
     *
     * @param eventId the id {@link #schedule(long, int, int, long)} returned
     * @return true if the event was pending and will not run; false if it already ran, was cancelled, or
     *     the id is {@link #NO_EVENT}
     */
    public boolean cancel(final long eventId) {
        if (!isPending(eventId)) {
            return false;
        }
        final int slot = (int) eventId;
        mem[slot + S_GEN_STATE] = (mem[slot + S_GEN_STATE] & ~STATE_MASK) | CANCELLED;
        cancelledCount++;
        if (cancelledCount > MIN_COMPACT && cancelledCount > (queued() >> 1)) {
            compact();
        }
        return true;
    }

    /**
     * Whether an event is still pending.
     *
     * @param eventId the id
     * @return true if it will still run
     */
    public boolean isPending(final long eventId) {
        if (eventId < 0) {
            return false;
        }
        final int slot = (int) eventId;
        return slot >= SLOTS && slot < mem.length && (slot & (SLOT_INTS - 1)) == 0
            && mem[slot + S_GEN_STATE] == ((int) (eventId >>> 32) << 2 | PENDING);
    }

    /** The index of a slot's argument in {@link #args} (its outer-wheel time is the next entry). */
    private static int argIndex(final int slot) {
        return (slot - SLOTS) >> (SLOT_SHIFT - 1);
    }

    private int state(final int slot) {
        return mem[slot + S_GEN_STATE] & STATE_MASK;
    }

    /** The time of wheel position {@code pos}: the one time in [base, base + WHEEL_NS) it stands for. */
    private long positionTime(final int pos) {
        return base + ((pos - (int) base) & WHEEL_MASK);
    }

    /**
     * The time of the next pending event. Events may still be scheduled at any time from {@link #nowNs()} on.
     *
     * @return its time in nanoseconds, or {@link Long#MAX_VALUE} when none is pending
     */
    public long nextEventTimeNs() {
        while (runHead < runEnd && state(runSlot[runHead]) == CANCELLED) {
            freeSlot(runSlot[runHead++]);
            cancelledCount--;
        }
        if (runHead == runEnd) {
            runHead = 0;
            runEnd = 0;
        }
        final long fromRun = runHead < runEnd ? runTime[runHead] : Long.MAX_VALUE;
        while (wheelCount > 0) {
            final int pos = nextWheelPosition();
            final int slot = mem[2 * pos];
            if (state(slot) == PENDING) {
                return Math.min(fromRun, positionTime(pos));
            }
            wheelPop(pos);
            cancelledCount--;
            freeSlot(slot);
        }
        if (fromRun != Long.MAX_VALUE) {
            return fromRun;
        }
        while (outerCount > 0) {
            final long t = earliestInBucket(nextOuterBucket());
            if (t != Long.MAX_VALUE) {
                return t;
            }
        }
        while (heapSize > 0 && state(heapSlot[0]) == CANCELLED) {
            final int slot = popTop();
            cancelledCount--;
            freeSlot(slot);
        }
        return heapSize == 0 ? Long.MAX_VALUE : keys[0];
    }

    /** Asks {@link #run(long, long)} to return after the event now being dispatched. */
    public void stop() {
        stopRequested = true;
    }

    /**
     * Dispatches events in order until the next one lies after {@code endNs}, none is left, the budget is
     * spent or {@link #stop()} was called. When it stops for time, the clock is advanced to {@code endNs}.
     *
     * @param endNs the last time at which an event may run, in nanoseconds
     * @param budget the most events to dispatch
     * @return the number of events dispatched
     */
    public long run(final long endNs, final long budget) {
        stopRequested = false;
        long done = 0;
        boolean timeUp = false;
        while (done < budget && !stopRequested) {
            final int slot = takeNext(endNs);
            if (slot < 0) {
                timeUp = slot == TIME_UP;
                break;
            }
            if (dispatch(slot)) {
                done++;
            }
        }
        final boolean empty = queued() == 0;
        if (empty) {
            base = nowNs;
            startBlock();
        }
        if (!stopRequested && done < budget && endNs != Long.MAX_VALUE && endNs > nowNs && (timeUp || empty)) {
            nowNs = endNs;
        }
        return done;
    }

    /**
     * Dispatches every event up to and including {@code endNs}.
     *
     * @param endNs the end time in nanoseconds
     * @return the number of events dispatched
     */
    public long runUntil(final long endNs) {
        return run(endNs, Long.MAX_VALUE);
    }

    /**
     * Dispatches the next pending event, if any.
     *
     * @return true if one was dispatched
     */
    public boolean step() {
        while (true) {
            final int slot = takeNext(Long.MAX_VALUE);
            if (slot < 0) {
                if (queued() == 0) {
                    base = nowNs;
                    startBlock();
                }
                return false;
            }
            if (dispatch(slot)) {
                return true;
            }
        }
    }

    /**
     * Takes the earliest entry out of the queue (cancelled or not) and advances {@code base} to its time.
     *
     * @return its slot, {@link #EMPTY} when nothing is queued, {@link #TIME_UP} when it lies after endNs
     */
    private int takeNext(final long endNs) {
        if (runEnd != 0 || wheelCount == 0) {
            return takeRare(endNs);
        }
        final int pos = nextWheelPosition();
        final long t = positionTime(pos);
        if (t > endNs) {
            return TIME_UP;
        }
        base = t;
        if (t >= blockEndNs) {
            enterNextBlock();
        }
        return wheelPop(pos);
    }

    /** Rare path of {@link #takeNext}: the run holds events, or the wheel holds none. */
    private int takeRare(final long endNs) {
        return runEnd != 0 ? takeWithRun(endNs) : takeAfterGap(endNs);
    }

    /** {@link #takeNext} when the run holds events: the earlier of its first and the wheel's, the run's on a tie. */
    private int takeWithRun(final long endNs) {
        final long fromRun = runTime[runHead];
        if (wheelCount > 0) {
            final int pos = nextWheelPosition();
            final long t = positionTime(pos);
            if (t < fromRun) {
                if (t > endNs) {
                    return TIME_UP;
                }
                base = t;
                if (t >= blockEndNs) {
                    enterNextBlock();
                }
                return wheelPop(pos);
            }
        }
        if (fromRun > endNs) {
            return TIME_UP;
        }
        final int slot = runSlot[runHead++];
        if (runHead == runEnd) {
            runHead = 0;
            runEnd = 0;
        }
        base = fromRun;
        if (fromRun >= blockEndNs) {
            enterNextBlock();
        }
        return slot;
    }

    /**
     * Rare path of {@link #takeNext}: the wheel and the run are empty. Jumps to the next block that holds an
     * event (its bucket and the next one cascaded, the heap's events that came within reach moved), unless
     * that block starts after endNs. When that block's bucket holds a single event, due by endNs (a sparse
     * model such as a router, whose far events lie microseconds apart: 88 % of its non-empty buckets), the event
     * is taken straight out of the bucket rather than through the run: it is earlier than every other event,
     * those of the next block included.
     */
    private int takeAfterGap(final long endNs) {
        final long current = base >>> BLOCK_SHIFT;
        final long next;
        if (outerCount > 0) {
            final int bucket = nextOuterBucket();
            next = current + 2 + ((bucket - (current + 2)) & OUTER_MASK);
            final int[] m = mem;
            final int head = OUTER_CELLS + 2 * bucket;
            final int slot = m[head];
            // one event: the tail cell is its own next cell (read beside the head, not from the slot)
            if (m[head + 1] == slot + S_NEXT) {
                final long t = args[argIndex(slot) + 1];
                if (t <= endNs) {
                    m[head] = NIL;
                    m[head + 1] = head;
                    clearOuterBit(bucket);
                    outerCount--;
                    base = t;
                    startBlock();
                    cascade(next + 1, current);
                    migrate();
                    return slot;
                }
            }
        } else if (heapSize > 0) {
            next = heapTopNs >>> BLOCK_SHIFT;
        } else {
            return EMPTY;
        }
        if (next << BLOCK_SHIFT > endNs) {
            return TIME_UP;
        }
        base = next << BLOCK_SHIFT;
        startBlock();
        cascade(next, current);
        cascade(next + 1, current);
        migrate();
        return takeNext(endNs);
    }

    /**
     * {@code base} has just entered the block after the previous one: the block after it comes within the
     * wheel's reach, so its outer bucket is cascaded and the heap's events that came within reach move.
     */
    private void enterNextBlock() {
        startBlock();
        final long current = base >>> BLOCK_SHIFT;
        cascade(current + 1, current - 1);
        migrate();
    }

    /** Sets the ends of the current block and of the wheel's reach from {@code base}. */
    private void startBlock() {
        final long end = ((base >>> BLOCK_SHIFT) + 1) << BLOCK_SHIFT;
        blockEndNs = end < 0 ? Long.MAX_VALUE : end;
        wheelEndNs = end + BLOCK_NS < 0 ? Long.MAX_VALUE : end + BLOCK_NS;
    }

    /** Frees a slot taken out of the queue and, unless it was cancelled, runs its event at {@code base}. */
    private boolean dispatch(final int slot) {
        final int[] m = mem;
        final int genState = m[slot + S_GEN_STATE];
        final int kind = m[slot + S_KIND];
        final int target = m[slot + S_TARGET];
        final long arg = args[argIndex(slot)];
        m[slot + S_GEN_STATE] = (genState & ~STATE_MASK) + GEN_ONE;
        m[slot + S_NEXT] = freeHead;
        freeHead = slot;
        if ((genState & STATE_MASK) == CANCELLED) {
            cancelledCount--;
            return false;
        }
        final long t = base;
        nowNs = t;
        dispatched++;
        handlers[kind].onEvent(target, arg, t);
        return true;
    }

    // ---------------------------------------------------------------- timing wheel

    /** Appends a slot to the list of its time's position: the same stores whether the list was empty or not. */
    private void wheelAppend(final int slot, final long time) {
        final int pos = (int) time & WHEEL_MASK;
        final int[] m = mem;
        m[slot + S_NEXT] = NIL;
        m[m[2 * pos + 1]] = slot;
        m[2 * pos + 1] = slot + S_NEXT;
        wheelBits[pos >>> 6] |= 1L << pos;
        wheelSummary[pos >>> 12] |= 1L << (pos >>> 6);
        wheelCount++;
    }

    /**
     * Takes the first event of a non-empty wheel position and returns its slot. When it was the last, the
     * tail goes back to the head cell and the position's bit is cleared, by masks rather than a branch.
     */
    private int wheelPop(final int pos) {
        final int[] m = mem;
        final int head = 2 * pos;
        final int slot = m[head];
        final int next = m[slot + S_NEXT];
        m[head] = next;
        final int emptied = (next - 1) >> 31;   // -1 when next is NIL (0), else 0: slots are positive
        final int tail = m[head + 1];
        m[head + 1] = tail + ((head - tail) & emptied);
        wheelBits[pos >>> 6] &= ~((long) emptied & (1L << pos));
        wheelCount--;
        return slot;
    }

    /**
     * The first non-empty position from {@code base} on, going round once. The wheel holds only times in
     * [base, base + WHEEL_NS), so the first one found holds the earliest time. Call with wheelCount > 0.
     */
    private int nextWheelPosition() {
        final long[] bits = wheelBits;
        final int start = (int) base & WHEEL_MASK;
        final long first = bits[start >>> 6] & (-1L << start);
        if (first != 0) {
            return (start & ~63) + Long.numberOfTrailingZeros(first);
        }
        return scanWheel(start >>> 6);
    }

    /** Rare path of {@link #nextWheelPosition}: the base's word of the bit map has nothing from base on. */
    private int scanWheel(final int startWord) {
        int word = firstWord(wheelBits, wheelSummary, startWord + 1, WHEEL_WORDS);
        if (word < 0) {
            word = firstWord(wheelBits, wheelSummary, 0, startWord + 1);
        }
        if (word < 0) {
            throw new IllegalStateException("EventLoop: " + wheelCount + " events in the wheel but no position set");
        }
        return (word << 6) + Long.numberOfTrailingZeros(wheelBits[word]);
    }

    /**
     * The first word in {@code [from, to)} of a bit map that is not 0, found through its summary (bit w set
     * whenever word w is not 0); a summary bit found over an empty word is cleared on the way.
     *
     * @return the word's index, or -1
     */
    private static int firstWord(final long[] bits, final long[] summary, final int from, final int to) {
        int w = from;
        while (w < to) {
            final int sw = w >>> 6;
            final long candidates = summary[sw] & (-1L << w);
            if (candidates == 0) {
                w = (sw + 1) << 6;
                continue;
            }
            final int word = (sw << 6) + Long.numberOfTrailingZeros(candidates);
            if (word >= to) {
                return -1;
            }
            if (bits[word] != 0) {
                return word;
            }
            summary[sw] &= ~(1L << word);
            w = word + 1;
        }
        return -1;
    }

    // ---------------------------------------------------------------- run and outer wheel

    private void outerAppend(final int slot, final long time) {
        final int bucket = (int) (time >>> BLOCK_SHIFT) & OUTER_MASK;
        final int[] m = mem;
        final int head = OUTER_CELLS + 2 * bucket;
        m[slot + S_NEXT] = NIL;
        m[m[head + 1]] = slot;
        m[head + 1] = slot + S_NEXT;
        outerBits[bucket >>> 6] |= 1L << bucket;
        outerSummary[bucket >>> 12] |= 1L << (bucket >>> 6);
        args[argIndex(slot) + 1] = time;
        outerCount++;
    }

    private void clearOuterBit(final int bucket) {
        final int word = bucket >>> 6;
        final long left = outerBits[word] & ~(1L << bucket);
        outerBits[word] = left;
        if (left == 0) {
            outerSummary[word >>> 6] &= ~(1L << word);
        }
    }

    /** The bucket of the first non-empty block after the wheel's two. Call with outerCount > 0. */
    private int nextOuterBucket() {
        final int start = (int) ((base >>> BLOCK_SHIFT) + 2) & OUTER_MASK;
        final int startWord = start >>> 6;
        final long first = outerBits[startWord] & (-1L << start);
        if (first != 0) {
            return (startWord << 6) + Long.numberOfTrailingZeros(first);
        }
        // the words after start's, then round from word 0 (start's own word last, for its bits below start)
        int word = firstWord(outerBits, outerSummary, startWord + 1, OUTER_WORDS);
        if (word < 0) {
            word = firstWord(outerBits, outerSummary, 0, startWord + 1);
        }
        if (word < 0) {
            throw new IllegalStateException("EventLoop: " + outerCount + " events in the outer wheel but no bucket"
                + " set");
        }
        return (word << 6) + Long.numberOfTrailingZeros(outerBits[word]);
    }

    /**
     * The earliest pending time in an outer bucket; its cancelled entries are freed on the way, and an emptied
     * bucket is cleared. {@link Long#MAX_VALUE} when none was pending.
     */
    private long earliestInBucket(final int bucket) {
        final int head = OUTER_CELLS + 2 * bucket;
        final int[] m = mem;
        long best = Long.MAX_VALUE;
        for (int slot = m[head]; slot != NIL; slot = m[slot + S_NEXT]) {
            if ((m[slot + S_GEN_STATE] & STATE_MASK) == CANCELLED) {
                return earliestAfterCompact(bucket);
            }
            best = Math.min(best, args[argIndex(slot) + 1]);
        }
        return best;
    }

    /** Rare path of {@link #earliestInBucket}: the bucket holds a cancelled entry. */
    private long earliestAfterCompact(final int bucket) {
        final int head = OUTER_CELLS + 2 * bucket;
        final int removed = compactList(head);
        outerCount -= removed;
        cancelledCount -= removed;
        if (mem[head] == NIL) {
            clearOuterBit(bucket);
            return Long.MAX_VALUE;
        }
        long best = Long.MAX_VALUE;
        for (int slot = mem[head]; slot != NIL; slot = mem[slot + S_NEXT]) {
            best = Math.min(best, args[argIndex(slot) + 1]);
        }
        return best;
    }

    /**
     * Cascades the outer bucket of block {@code block}, if that block was within the outer wheel's reach
     * while the current block was {@code was}: its events (a list in scheduling order) are sorted stably by
     * time onto the end of the run, all of whose events are earlier; when they do not fit, or the wheel
     * already holds {@value #RUN_MAX} events or more, the sorted part and then the rest of the list go to the
     * timing wheel in that order, which keeps each wheel list in scheduling order.
     */
    private void cascade(final long block, final long was) {
        if (block - was > OUTER_BUCKETS + 1) {
            return;
        }
        final int bucket = (int) block & OUTER_MASK;
        if ((outerBits[bucket >>> 6] & (1L << bucket)) == 0) {
            return;   // the usual case: the bit map is in cache, the bucket's head cell may not be
        }
        final int[] m = mem;
        final int head = OUTER_CELLS + 2 * bucket;
        int slot = m[head];
        m[head] = NIL;
        m[head + 1] = head;
        clearOuterBit(bucket);
        final int[] rs = runSlot;
        final long[] rt = runTime;
        final long[] tm = args;
        if (runHead > 0) {
            final int left = runEnd - runHead;
            System.arraycopy(rs, runHead, rs, 0, left);
            System.arraycopy(rt, runHead, rt, 0, left);
            runHead = 0;
            runEnd = left;
        }
        final int from = runEnd;
        // a busy wheel (a model whose events are dense in time) takes the bucket itself: the run would then
        // only add a comparison to every event taken out while it lasts
        final int limit = wheelCount < RUN_MAX ? RUN_MAX : from;
        int n = from;
        while (slot != NIL && n < limit) {
            final int following = m[slot + S_NEXT];
            final long t = tm[argIndex(slot) + 1];
            int i = n;
            while (i > from && rt[i - 1] > t) {
                rt[i] = rt[i - 1];
                rs[i] = rs[i - 1];
                i--;
            }
            rt[i] = t;
            rs[i] = slot;
            n++;
            outerCount--;
            slot = following;
        }
        if (slot == NIL) {
            runEnd = n;
            return;
        }
        for (int i = from; i < n; i++) {
            wheelAppend(rs[i], rt[i]);
        }
        while (slot != NIL) {
            final int following = m[slot + S_NEXT];
            outerCount--;
            wheelAppend(slot, tm[argIndex(slot) + 1]);
            slot = following;
        }
    }

    /**
     * Moves the heap's events that came within the outer wheel's reach of the current block into it (or into
     * the timing wheel, for the wheel's two blocks), in (time, sequence) order.
     */
    private void migrate() {
        final long current = base >>> BLOCK_SHIFT;
        while (true) {
            final long time = heapTopNs;
            final long ahead = (time >>> BLOCK_SHIFT) - current;
            if (ahead > OUTER_BUCKETS + 1) {
                return;   // also when the heap is empty (its top time is Long.MAX_VALUE)
            }
            final int slot = popTop();
            if (ahead <= 1) {
                wheelAppend(slot, time);
            } else {
                outerAppend(slot, time);
            }
        }
    }

    /**
     * Makes {@code time} the new base, below every pending time: the run's, the wheel's and the outer wheel's
     * events go to the heap (which orders them by time and sequence) and those within reach of the new base
     * come back. Only reached if an event is scheduled before an event already taken out, which
     * {@link #run(long, long)} avoids; kept so that the queue stays correct whatever the call order.
     * O(n log n). The events are numbered now, the run's before the wheel's (on an equal time the run's were
     * scheduled first), the wheel's list by list, each bucket in list order: every heap event is later than
     * every other, and one time is in the run and the wheel or in one bucket, so only the order within one
     * time matters.
     *
     * @param time the new base, at most every pending time
     */
    void rebase(final long time) {
        final int[] m = mem;
        for (int i = runHead; i < runEnd; i++) {
            heapAdd(runSlot[i], runTime[i]);
        }
        runHead = 0;
        runEnd = 0;
        for (int word = 0; word < WHEEL_WORDS; word++) {
            long w = wheelBits[word];
            while (w != 0) {
                final int pos = (word << 6) + Long.numberOfTrailingZeros(w);
                w &= w - 1;
                final long t = positionTime(pos);
                for (int slot = m[2 * pos]; slot != NIL; slot = m[slot + S_NEXT]) {
                    heapAdd(slot, t);
                }
                m[2 * pos] = NIL;
                m[2 * pos + 1] = 2 * pos;
            }
            wheelBits[word] = 0;
        }
        Arrays.fill(wheelSummary, 0L);
        wheelCount = 0;
        for (int word = 0; word < OUTER_WORDS; word++) {
            long w = outerBits[word];
            while (w != 0) {
                final int bucket = (word << 6) + Long.numberOfTrailingZeros(w);
                w &= w - 1;
                final int head = OUTER_CELLS + 2 * bucket;
                for (int slot = m[head]; slot != NIL; slot = m[slot + S_NEXT]) {
                    heapAdd(slot, args[argIndex(slot) + 1]);
                }
                m[head] = NIL;
                m[head + 1] = head;
            }
            outerBits[word] = 0;
        }
        Arrays.fill(outerSummary, 0L);
        outerCount = 0;
        base = time;
        startBlock();
        migrate();
    }

    // ---------------------------------------------------------------- heap

    private void heapAdd(final int slot, final long timeNs) {
        if (heapSize == keys.length >> 1) {
            growHeap();
        }
        siftUp(heapSize++, timeNs, sequence++, slot);
        if (timeNs < heapTopNs) {
            heapTopNs = timeNs;
        }
    }

    private void siftUp(final int start, final long time, final long seq, final int slot) {
        final long[] k = keys;
        final int[] hs = heapSlot;
        int i = start;
        while (i > 0) {
            final int parent = (i - 1) >> 2;
            final long pt = k[2 * parent];
            if (pt < time || (pt == time && k[2 * parent + 1] < seq)) {
                break;
            }
            k[2 * i] = pt;
            k[2 * i + 1] = k[2 * parent + 1];
            hs[i] = hs[parent];
            i = parent;
        }
        k[2 * i] = time;
        k[2 * i + 1] = seq;
        hs[i] = slot;
    }

    /**
     * Removes the top entry and returns its slot. Bottom-up: the hole walks to a leaf, then the last rises.
     */
    private int popTop() {
        final long[] k = keys;
        final int[] hs = heapSlot;
        final int top = hs[0];
        final int last = --heapSize;
        if (last == 0) {
            heapTopNs = Long.MAX_VALUE;
            return top;
        }
        final long lt = k[2 * last];
        final long ls = k[2 * last + 1];
        final int lslot = hs[last];
        final int n = last;
        int hole = 0;
        while (true) {
            final int first = ARITY * hole + 1;
            if (first >= n) {
                break;
            }
            int best = first;
            long bt = k[2 * first];
            long bs = k[2 * first + 1];
            final int end = Math.min(first + ARITY, n);
            for (int c = first + 1; c < end; c++) {
                final long ct = k[2 * c];
                if (ct < bt || (ct == bt && k[2 * c + 1] < bs)) {
                    best = c;
                    bt = ct;
                    bs = k[2 * c + 1];
                }
            }
            k[2 * hole] = bt;
            k[2 * hole + 1] = bs;
            hs[hole] = hs[best];
            hole = best;
        }
        siftUp(hole, lt, ls, lslot);
        heapTopNs = k[0];
        return top;
    }

    private void siftDown(final int start) {
        final long[] k = keys;
        final int[] hs = heapSlot;
        final long t = k[2 * start];
        final long s = k[2 * start + 1];
        final int slot = hs[start];
        int i = start;
        while (true) {
            final int first = ARITY * i + 1;
            if (first >= heapSize) {
                break;
            }
            int best = first;
            long bt = k[2 * first];
            long bs = k[2 * first + 1];
            final int end = Math.min(first + ARITY, heapSize);
            for (int c = first + 1; c < end; c++) {
                final long ct = k[2 * c];
                if (ct < bt || (ct == bt && k[2 * c + 1] < bs)) {
                    best = c;
                    bt = ct;
                    bs = k[2 * c + 1];
                }
            }
            if (t < bt || (t == bt && s < bs)) {
                break;
            }
            k[2 * i] = bt;
            k[2 * i + 1] = bs;
            hs[i] = hs[best];
            i = best;
        }
        k[2 * i] = t;
        k[2 * i + 1] = s;
        hs[i] = slot;
    }

    // ---------------------------------------------------------------- slots

    private void freeSlot(final int slot) {
        final int[] m = mem;
        m[slot + S_GEN_STATE] = (m[slot + S_GEN_STATE] & ~STATE_MASK) + GEN_ONE;
        m[slot + S_NEXT] = freeHead;
        freeHead = slot;
    }

    /** Puts slots {@code [from, to)} on the free list, lowest first out. */
    private void linkFree(final int from, final int to) {
        for (int i = to - 1; i >= from; i--) {
            final int slot = SLOTS + SLOT_INTS * i;
            mem[slot + S_NEXT] = freeHead;
            freeHead = slot;
        }
    }

    /**
     * Drops every cancelled entry: filters the run, unlinks them from the wheels' lists and rebuilds the heap
     * without them (O(n), amortised over the cancels that caused it). Order is kept.
     */
    private void compact() {
        int kept = 0;
        for (int i = runHead; i < runEnd; i++) {
            final int slot = runSlot[i];
            if (state(slot) == CANCELLED) {
                freeSlot(slot);
            } else {
                runSlot[kept] = slot;
                runTime[kept] = runTime[i];
                kept++;
            }
        }
        runHead = 0;
        runEnd = kept;
        final int[] m = mem;
        for (int word = 0; word < WHEEL_WORDS; word++) {
            long w = wheelBits[word];
            while (w != 0) {
                final int pos = (word << 6) + Long.numberOfTrailingZeros(w);
                w &= w - 1;
                wheelCount -= compactList(2 * pos);
                if (m[2 * pos] == NIL) {
                    wheelBits[word] &= ~(1L << pos);
                }
            }
        }
        for (int word = 0; word < OUTER_WORDS; word++) {
            long w = outerBits[word];
            while (w != 0) {
                final int bucket = (word << 6) + Long.numberOfTrailingZeros(w);
                w &= w - 1;
                outerCount -= compactList(OUTER_CELLS + 2 * bucket);
                if (m[OUTER_CELLS + 2 * bucket] == NIL) {
                    clearOuterBit(bucket);
                }
            }
        }
        final long[] k = keys;
        final int[] hs = heapSlot;
        int w = 0;
        for (int r = 0; r < heapSize; r++) {
            final int slot = hs[r];
            if (state(slot) == CANCELLED) {
                freeSlot(slot);
            } else {
                k[2 * w] = k[2 * r];
                k[2 * w + 1] = k[2 * r + 1];
                hs[w] = slot;
                w++;
            }
        }
        heapSize = w;
        cancelledCount = 0;
        for (int i = (heapSize - 2) >> 2; i >= 0; i--) {
            siftDown(i);
        }
        heapTopNs = heapSize == 0 ? Long.MAX_VALUE : k[0];
    }

    /**
     * Unlinks and frees the cancelled entries of one list (head cell {@code head}, tail cell {@code head + 1}),
     * keeping the others in order.
     *
     * @return how many were removed
     */
    private int compactList(final int head) {
        final int[] m = mem;
        int removed = 0;
        int tail = head;
        int slot = m[head];
        while (slot != NIL) {
            final int next = m[slot + S_NEXT];
            if (state(slot) == CANCELLED) {
                freeSlot(slot);
                removed++;
            } else {
                m[tail] = slot;
                tail = slot + S_NEXT;
            }
            slot = next;
        }
        m[tail] = NIL;
        m[head + 1] = tail;
        return removed;
    }

    private void grow() {
        final int old = slotCapacity;
        final int cap = old * 2;
        if ((long) SLOTS + (long) SLOT_INTS * cap > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("EventLoop: more than " + old + " pending events");
        }
        mem = Arrays.copyOf(mem, SLOTS + SLOT_INTS * cap);
        args = Arrays.copyOf(args, 2 * cap);
        linkFree(old, cap);
        slotCapacity = cap;
    }

    private void growHeap() {
        final int cap = Math.max(16, heapSlot.length * 2);
        keys = Arrays.copyOf(keys, 2 * cap);
        heapSlot = Arrays.copyOf(heapSlot, cap);
    }

    private IllegalStateException schedulePastError(final long timeNs, final int kind) {
        return new IllegalStateException("EventLoop: event '" + kindName(kind) + "' scheduled at " + timeNs
            + " ns, before the current time " + nowNs + " ns");
    }
}
