package io.pktsim.core.event;

import java.util.Arrays;

/**
 * The discrete-event loop of one simulation: a priority queue of events ordered by (time, scheduling
 * order) and the dispatch of each event to the handler registered for its kind.
 *
 * <p>Layout: an event occupies a <em>slot</em> (kind, target, argument, time, sequence, state, generation)
 * for as long as it is pending. The queue has two levels, like the kernel's own timers:
 * <ul>
 *   <li>a <em>timing wheel</em> of {@value #WHEEL_NS} one-nanosecond positions for the events due within
 *   {@value #WHEEL_NS} ns of {@code base} (the time of the latest event taken out): position
 *   {@code time & (WHEEL_NS - 1)} holds, as a FIFO list linked through the slots, the events of exactly
 *   that time, in scheduling order; a bit map of the non-empty positions finds the next one with
 *   {@code numberOfTrailingZeros}. Scheduling and taking out are O(1);</li>
 *   <li>a 4-ary min-heap, ordered by (time, sequence), for the events further away. Each time {@code base}
 *   advances, the heap's events that came within the wheel's reach move into it, in (time, sequence)
 *   order, before any event can be scheduled directly at their time, so every wheel list stays in
 *   scheduling order.</li>
 * </ul>
 * This replaced a single 4-ary heap, which took several times as long per event "hold" (see
 * bench/README.md). Cancelling is lazy: it marks the slot, and the entry is discarded when it is reached
 * (or when a compaction runs because more than half the entries are cancelled). An event id is the slot
 * number with its generation in the high 32 bits, so a stale id never cancels a newer event.
 *
 * <p>Nothing here allocates once the arrays have grown to the model's working size (set it with the
 * constructor's capacity). Single-threaded by design: one simulation, one thread.
 */
public final class EventLoop {

    /** The id returned for no event; {@link #cancel(long)} of it returns false. */
    public static final long NO_EVENT = -1L;

    /** The reach of the timing wheel, in nanoseconds (one position per nanosecond). */
    public static final int WHEEL_NS = 1 << 14;

    private static final int WHEEL_MASK = WHEEL_NS - 1;
    private static final int WHEEL_WORDS = WHEEL_NS >>> 6;
    private static final int NIL = -1;
    private static final int FREE = 0;
    private static final int PENDING = 1;
    private static final int CANCELLED = 2;
    private static final int STATE_MASK = 3;
    private static final int GEN_ONE = 4;
    private static final int ARITY = 4;
    private static final int MIN_COMPACT = 1024;
    private static final int EMPTY = -1;
    private static final int TIME_UP = -2;

    // slot layout (one slot per pending event), kept in two arrays so that an event touches two cache lines:
    // data[4s] = time, data[4s+1] = arg, data[4s+2] = sequence, data[4s+3] = kind << 32 | target;
    // link[2s] = next slot in the wheel list (or in the free list), link[2s+1] = generation << 2 | state.
    private static final int D_TIME = 0;
    private static final int D_ARG = 1;
    private static final int D_SEQ = 2;
    private static final int D_KIND_TARGET = 3;

    private EventHandler[] handlers = new EventHandler[16];
    private String[] handlerNames = new String[16];
    private int handlerCount;

    private long[] data;
    private int[] link;
    private int freeHead;
    private int slotCapacity;

    // timing wheel: the events of time t (base <= t < base + WHEEL_NS) are a FIFO list at t & WHEEL_MASK,
    // whose head is wheel[2p] and tail wheel[2p+1] (head and tail share a cache line)
    private final int[] wheel = new int[2 * WHEEL_NS];
    private final long[] wheelBits = new long[WHEEL_WORDS];
    private int wheelCount;
    private long base;

    // heap of the events at base + WHEEL_NS or later: keys[2i] = time, keys[2i+1] = sequence; heapSlot[i]
    private long[] keys;
    private int[] heapSlot;
    private int heapSize;

    private int cancelledCount;
    private long sequence;
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
        data = new long[4 * cap];
        link = new int[2 * cap];
        freeHead = NIL;
        for (int i = cap - 1; i >= 0; i--) {
            link[2 * i] = freeHead;
            freeHead = i;
        }
        keys = new long[2 * cap];
        heapSlot = new int[cap];
        Arrays.fill(wheel, NIL);
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
        return wheelCount + heapSize - cancelledCount;
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
        final int[] l = link;
        final int slot = freeHead;
        freeHead = l[2 * slot];
        final long seq = sequence++;
        final long[] d = data;
        final int at = 4 * slot;
        d[at + D_TIME] = timeNs;
        d[at + D_ARG] = arg;
        d[at + D_SEQ] = seq;
        d[at + D_KIND_TARGET] = ((long) kind << 32) | (target & 0xFFFF_FFFFL);
        final int genState = (l[2 * slot + 1] & ~STATE_MASK) | PENDING;
        l[2 * slot + 1] = genState;
        if (timeNs - base < WHEEL_NS && timeNs >= base) {
            wheelAppend(slot, timeNs);
        } else {
            scheduleFar(slot, timeNs, seq);
        }
        return ((long) (genState >>> 2) << 32) | slot;
    }

    /** Rare path of {@link #schedule}: a time beyond the wheel's reach, or before its base. */
    private void scheduleFar(final int slot, final long timeNs, final long seq) {
        if (timeNs < base) {
            rebase(timeNs);
            if (timeNs - base < WHEEL_NS) {
                wheelAppend(slot, timeNs);
                return;
            }
        }
        siftUp(heapSize++, timeNs, seq, slot);
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
        link[2 * slot + 1] = (link[2 * slot + 1] & ~STATE_MASK) | CANCELLED;
        cancelledCount++;
        if (cancelledCount > MIN_COMPACT && cancelledCount > ((wheelCount + heapSize) >> 1)) {
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
        return slot < slotCapacity && link[2 * slot + 1] == ((int) (eventId >>> 32) << 2 | PENDING);
    }

    private int state(final int slot) {
        return link[2 * slot + 1] & STATE_MASK;
    }

    private long slotTime(final int slot) {
        return data[4 * slot + D_TIME];
    }

    /**
     * The time of the next pending event. Events may still be scheduled at any time from {@link #nowNs()} on.
     *
     * @return its time in nanoseconds, or {@link Long#MAX_VALUE} when none is pending
     */
    public long nextEventTimeNs() {
        while (wheelCount > 0) {
            final int pos = nextWheelPosition();
            final int slot = wheel[2 * pos];
            if (state(slot) == PENDING) {
                return slotTime(slot);
            }
            wheelPop(pos);
            cancelledCount--;
            freeSlot(slot);
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
        final boolean empty = wheelCount == 0 && heapSize == 0;
        if (empty) {
            base = nowNs;
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
                if (wheelCount == 0 && heapSize == 0) {
                    base = nowNs;
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
        final int pos;
        final long t;
        if (wheelCount > 0) {
            pos = nextWheelPosition();
            t = data[4 * wheel[2 * pos] + D_TIME];
            if (t > endNs) {
                return TIME_UP;
            }
            if (t != base) {
                base = t;
                if (heapSize > 0) {
                    migrate();
                }
            }
        } else if (heapSize > 0) {
            t = keys[0];
            if (t > endNs) {
                return TIME_UP;
            }
            base = t;
            migrate();
            pos = (int) t & WHEEL_MASK;
        } else {
            return EMPTY;
        }
        return wheelPop(pos);
    }

    /** Frees a slot taken out of the queue and, unless it was cancelled, runs its event. */
    private boolean dispatch(final int slot) {
        final int at = 4 * slot;
        final long[] d = data;
        final long t = d[at + D_TIME];
        final long arg = d[at + D_ARG];
        final long kt = d[at + D_KIND_TARGET];
        final boolean cancelled = state(slot) == CANCELLED;
        freeSlot(slot);
        if (cancelled) {
            cancelledCount--;
            return false;
        }
        nowNs = t;
        dispatched++;
        handlers[(int) (kt >>> 32)].onEvent((int) kt, arg, t);
        return true;
    }

    // ---------------------------------------------------------------- timing wheel

    private void wheelAppend(final int slot, final long time) {
        final int pos = (int) time & WHEEL_MASK;
        final int[] w = wheel;
        final int[] l = link;
        l[2 * slot] = NIL;
        final int tail = w[2 * pos + 1];
        if (tail == NIL) {
            w[2 * pos] = slot;
            wheelBits[pos >>> 6] |= 1L << pos;
        } else {
            l[2 * tail] = slot;
        }
        w[2 * pos + 1] = slot;
        wheelCount++;
    }

    /** Takes the first event of a non-empty wheel position and returns its slot. */
    private int wheelPop(final int pos) {
        final int[] w = wheel;
        final int slot = w[2 * pos];
        final int next = link[2 * slot];
        w[2 * pos] = next;
        if (next == NIL) {
            w[2 * pos + 1] = NIL;
            wheelBits[pos >>> 6] &= ~(1L << pos);
        }
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
        int word = start >>> 6;
        long w = bits[word] & (-1L << start);
        for (int i = 0; i <= WHEEL_WORDS; i++) {
            if (w != 0) {
                return (word << 6) + Long.numberOfTrailingZeros(w);
            }
            word = (word + 1) & (WHEEL_WORDS - 1);
            w = bits[word];
        }
        throw new IllegalStateException("EventLoop: " + wheelCount + " events in the wheel but no position set");
    }

    /** Moves the heap's events that came within the wheel's reach into the wheel, in (time, sequence) order. */
    private void migrate() {
        final long b = base;
        while (heapSize > 0 && keys[0] - b < WHEEL_NS) {
            final int slot = popTop();
            wheelAppend(slot, slotTime(slot));
        }
    }

    /**
     * Makes {@code time} the new base, below every pending time: the wheel's events go back to the heap
     * (which orders them by time and sequence) and those within reach of the new base come back. Only
     * reached if an event is scheduled before an event already taken out, which {@link #run(long, long)}
     * avoids; kept so that the queue stays correct whatever the call order. O(n log n).
     *
     * @param time the new base, at most every pending time
     */
    void rebase(final long time) {
        for (int word = 0; word < WHEEL_WORDS; word++) {
            long w = wheelBits[word];
            while (w != 0) {
                final int pos = (word << 6) + Long.numberOfTrailingZeros(w);
                w &= w - 1;
                for (int slot = wheel[2 * pos]; slot != NIL; slot = link[2 * slot]) {
                    siftUp(heapSize++, slotTime(slot), data[4 * slot + D_SEQ], slot);
                }
                wheel[2 * pos] = NIL;
                wheel[2 * pos + 1] = NIL;
            }
            wheelBits[word] = 0;
        }
        wheelCount = 0;
        base = time;
        migrate();
    }

    // ---------------------------------------------------------------- heap

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

    /** Removes the top entry and returns its slot. Bottom-up: the hole walks to a leaf, then the last rises. */
    private int popTop() {
        final long[] k = keys;
        final int[] hs = heapSlot;
        final int top = hs[0];
        final int last = --heapSize;
        if (last == 0) {
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
        final int[] l = link;
        l[2 * slot + 1] = (l[2 * slot + 1] & ~STATE_MASK) + GEN_ONE;
        l[2 * slot] = freeHead;
        freeHead = slot;
    }

    /**
     * Drops every cancelled entry: unlinks them from the wheel's lists and rebuilds the heap without them
     * (O(n), amortised over the cancels that caused it). Order is kept.
     */
    private void compact() {
        final int[] l = link;
        for (int word = 0; word < WHEEL_WORDS; word++) {
            long w = wheelBits[word];
            while (w != 0) {
                final int pos = (word << 6) + Long.numberOfTrailingZeros(w);
                w &= w - 1;
                int kept = NIL;
                int slot = wheel[2 * pos];
                wheel[2 * pos] = NIL;
                while (slot != NIL) {
                    final int next = l[2 * slot];
                    if (state(slot) == CANCELLED) {
                        freeSlot(slot);
                        wheelCount--;
                    } else {
                        l[2 * slot] = NIL;
                        if (kept == NIL) {
                            wheel[2 * pos] = slot;
                        } else {
                            l[2 * kept] = slot;
                        }
                        kept = slot;
                    }
                    slot = next;
                }
                wheel[2 * pos + 1] = kept;
                if (kept == NIL) {
                    wheelBits[word] &= ~(1L << pos);
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
    }

    private void grow() {
        final int old = slotCapacity;
        final int cap = old * 2;
        data = Arrays.copyOf(data, 4 * cap);
        link = Arrays.copyOf(link, 2 * cap);
        for (int i = cap - 1; i >= old; i--) {
            link[2 * i] = freeHead;
            freeHead = i;
        }
        keys = Arrays.copyOf(keys, 2 * cap);
        heapSlot = Arrays.copyOf(heapSlot, cap);
        slotCapacity = cap;
    }

    private IllegalStateException schedulePastError(final long timeNs, final int kind) {
        return new IllegalStateException("EventLoop: event '" + kindName(kind) + "' scheduled at " + timeNs
            + " ns, before the current time " + nowNs + " ns");
    }
}
