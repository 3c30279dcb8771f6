package io.pktsim.lb.ecmp;

import java.util.Arrays;

import io.pktsim.stack.fib.MultipathLookup;
import io.pktsim.stack.fib.MultipathSelector;

/**
 * A resilient nexthop group ({@code ip nexthop add id G group A/B type resilient buckets N idle_timer I
 * unbalanced_timer U}), Linux 6.18 (net/ipv4/nexthop.c): a table of {@code N} buckets, each owned by one
 * member; a hash picks bucket {@code h % N} ({@code nexthop_select_path_res()}) and marks it used.
 *
 * <p>Membership changes follow {@code replace_nexthop_grp_res()}: buckets of removed members become
 * unoccupied ({@code nh_res_table_migrate_buckets()}), every member's fair share is recomputed
 * ({@code nh_res_group_rebalance()}: {@code wants = round(N * S / T)} minus the previous member's), members
 * below their share form the underweight list (each added at its head, so the list runs in reverse group
 * order), and {@code nh_res_table_upkeep()} walks the buckets in index order: an unoccupied bucket is given
 * to the head of the underweight list at once; a bucket of an overweight member moves only when it has been
 * idle for the idle timer, or when the group has been unbalanced for longer than the unbalanced timer (0 =
 * never force). A member leaves the list once balanced. While the table is unbalanced, the next upkeep runs
 * at the earliest idle or unbalanced deadline, but not sooner than 500 ms ({@code HZ / 2}) later.
 *
 * <p>Time is simulated nanoseconds. {@link #advanceTo(long)} runs the upkeeps that are due (the kernel's
 * delayed work) and sets the time that {@link #choose} stamps on the buckets it uses.
 *
 * <p>Simplifications: the kernel counts jiffies; here timers are exact nanoseconds. Drivers that veto
 * migrations (hardware activity reports) are not modelled.
 */
public final class ResilientNexthopGroup implements NexthopChooser {

    /** Default idle timer, 120 s ({@code NH_RES_DEFAULT_IDLE_TIMER}). */
    public static final long DEFAULT_IDLE_TIMER_NS = 120_000_000_000L;
    /** Minimum spacing of upkeeps while unbalanced, {@code HZ / 2}. */
    public static final long UPKEEP_MIN_INTERVAL_NS = 500_000_000L;
    /** Default number of buckets of iproute2 ({@code buckets} omitted): 128. */
    public static final int DEFAULT_BUCKETS = 128;

    private final int count;
    private final int buckets;
    private final int[] weights;
    private final boolean[] member;
    private final int[] wants;
    private final int[] has;
    private final int[] bucketOwner;
    private final long[] bucketUsedNs;
    private final int[] underweight;
    private int underweightSize;
    private final long idleTimerNs;
    private final long unbalancedTimerNs;
    private long unbalancedSinceNs;
    private long nowNs;
    private long nextUpkeepNs = Long.MAX_VALUE;
    private long migrations;

    /**
     * Creates the group at a time: every bucket is filled at once, as on {@code ip nexthop add}.
     *
     * @param memberWeights the weights in group order, 1..65536
     * @param bucketCount number of buckets, 1..65535 (iproute2's default is 128)
     * @param idleTimerNs idle timer in ns (default 120 s)
     * @param unbalancedTimerNs unbalanced timer in ns, 0 for never
     * @param createdNs the creation time
     * @throws IllegalArgumentException for an empty list, a weight or bucket count out of range
     */
    public ResilientNexthopGroup(final int[] memberWeights, final int bucketCount, final long idleTimerNs,
        final long unbalancedTimerNs, final long createdNs) {
        count = memberWeights.length;
        if (count == 0) {
            throw new IllegalArgumentException("a nexthop group needs at least one member");
        }
        if (bucketCount < 1 || bucketCount > 0xFFFF) {
            throw new IllegalArgumentException("buckets must be 1..65535, not " + bucketCount);
        }
        if (bucketCount < count) {
            throw new IllegalArgumentException("buckets (" + bucketCount + ") must be at least the number of members ("
                + count + ")");
        }
        weights = memberWeights.clone();
        for (final int w : weights) {
            if (w < 1 || w > NexthopObjectGroup.MAX_WEIGHT) {
                throw new IllegalArgumentException("group weight must be 1..65536, not " + w);
            }
        }
        buckets = bucketCount;
        this.idleTimerNs = idleTimerNs;
        this.unbalancedTimerNs = unbalancedTimerNs;
        member = new boolean[count];
        wants = new int[count];
        has = new int[count];
        underweight = new int[count];
        bucketOwner = new int[buckets];
        bucketUsedNs = new long[buckets];
        Arrays.fill(member, true);
        Arrays.fill(bucketOwner, -1);
        nowNs = createdNs;
        rebalance(createdNs);
        upkeep(createdNs);
    }

    /** {@code nh_res_group_rebalance()}: fair shares and the underweight list (head insertion). */
    private void rebalance(final long now) {
        long total = 0;
        for (int i = 0; i < count; i++) {
            if (member[i]) {
                total += weights[i];
            }
        }
        underweightSize = 0;
        long running = 0;
        int previous = 0;
        for (int i = 0; i < count; i++) {
            if (!member[i]) {
                wants[i] = 0;
                continue;
            }
            running += weights[i];
            final int upper = (int) ((buckets * running + total / 2) / total);
            wants[i] = upper - previous;
            previous = upper;
            if (has[i] < wants[i]) {
                if (underweightSize == 0) {
                    unbalancedSinceNs = now;
                }
                // list_add(): the newest entry becomes the head.
                System.arraycopy(underweight, 0, underweight, 1, underweightSize);
                underweight[0] = i;
                underweightSize++;
            }
        }
    }

    /**
     * {@code nh_res_table_upkeep()} at a time: migrates what may move and schedules the next upkeep.
     *
     * @param now the time in ns
     * @return the number of buckets migrated
     */
    private int upkeep(final long now) {
        long deadline = now + (unbalancedTimerNs != 0 ? unbalancedTimerNs : idleTimerNs);
        int moved = 0;
        for (int b = 0; b < buckets; b++) {
            final int owner = bucketOwner[b];
            final boolean migrate;
            if (owner < 0) {
                migrate = true;
            } else if (has[owner] <= wants[owner]) {
                migrate = false;
            } else {
                final long idlePoint = bucketUsedNs[b] + idleTimerNs;
                if (now >= idlePoint) {
                    migrate = true;
                } else if (unbalancedTimerNs != 0 && now > unbalancedSinceNs + unbalancedTimerNs) {
                    migrate = true;
                } else {
                    if (unbalancedTimerNs != 0) {
                        deadline = Math.min(deadline, unbalancedSinceNs + unbalancedTimerNs);
                    }
                    deadline = Math.min(deadline, idlePoint);
                    migrate = false;
                }
            }
            if (migrate && underweightSize > 0) {
                final int target = underweight[0];
                if (owner >= 0) {
                    has[owner]--;
                }
                bucketOwner[b] = target;
                has[target]++;
                bucketUsedNs[b] = now;
                moved++;
                if (has[target] == wants[target]) {
                    underweightSize--;
                    System.arraycopy(underweight, 1, underweight, 0, underweightSize);
                }
            }
        }
        migrations += moved;
        if (underweightSize > 0) {
            nextUpkeepNs = Math.max(deadline, now + UPKEEP_MIN_INTERVAL_NS);
        } else {
            nextUpkeepNs = Long.MAX_VALUE;
        }
        return moved;
    }

    /**
     * Advances the group's clock, running every upkeep that falls due up to that time (in order).
     *
     * @param now the new time in ns (not before the current one)
     * @return the number of buckets migrated
     */
    public int advanceTo(final long now) {
        int moved = 0;
        while (nextUpkeepNs <= now) {
            final long at = nextUpkeepNs;
            nowNs = at;
            moved += upkeep(at);
        }
        nowNs = now;
        return moved;
    }

    @Override
    public int nexthopCount() {
        return count;
    }

    @Override
    public int choose(final int hash31, final MultipathLookup lookup) {
        return choose(hash31);
    }

    /**
     * {@code nexthop_select_path_res()}: bucket {@code h % N}, marked used at the current time.
     *
     * @param hash31 the multipath hash
     * @return the bucket's member, or {@link MultipathSelector#NO_NEXTHOP} if the group is empty
     */
    public int choose(final int hash31) {
        final int b = hash31 % buckets;
        final int owner = bucketOwner[b];
        if (owner < 0) {
            return MultipathSelector.NO_NEXTHOP;
        }
        bucketUsedNs[b] = nowNs;
        return owner;
    }

    /**
     * The member at a hash without marking the bucket used (for analysis).
     *
     * @param hash31 the multipath hash
     * @return the bucket's member, or -1
     */
    public int peek(final int hash31) {
        return bucketOwner[hash31 % buckets];
    }

    /**
     * A member's device went down, lost carrier or vanished: the member leaves the group (its buckets are
     * handed to the others at once).
     *
     * @param index the member
     * @param now the time in ns
     * @return the number of buckets migrated now
     */
    public int removeMember(final int index, final long now) {
        advanceTo(now);
        if (!member[index]) {
            return 0;
        }
        member[index] = false;
        int remaining = 0;
        for (int i = 0; i < count; i++) {
            if (member[i]) {
                remaining++;
            }
        }
        for (int b = 0; b < buckets; b++) {
            if (bucketOwner[b] == index) {
                bucketOwner[b] = -1;
                has[index]--;
            }
        }
        if (remaining == 0) {
            underweightSize = 0;
            nextUpkeepNs = Long.MAX_VALUE;
            return 0;
        }
        return replace(now);
    }

    /**
     * The control plane re-adds a member ({@code ip nexthop replace} with it back in the list). Its buckets
     * come from overweight members only as they fall idle (or when the unbalanced timer forces them).
     *
     * @param index the member
     * @param now the time in ns
     * @return the number of buckets migrated now
     */
    public int addMember(final int index, final long now) {
        advanceTo(now);
        if (member[index]) {
            return 0;
        }
        member[index] = true;
        return replace(now);
    }

    private int replace(final long now) {
        final long previousSince = unbalancedSinceNs;
        final boolean wasUnbalanced = underweightSize > 0;
        rebalance(now);
        if (wasUnbalanced && underweightSize > 0) {
            unbalancedSinceNs = previousSince;
        }
        return upkeep(now);
    }

    /**
     * The member owning a bucket.
     *
     * @param bucket the bucket index
     * @return the member, or -1 if unoccupied
     */
    public int bucketOwner(final int bucket) {
        return bucketOwner[bucket];
    }

    /** @return the number of buckets */
    public int bucketCount() {
        return buckets;
    }

    /**
     * The number of buckets a member owns.
     *
     * @param index the member
     * @return its bucket count
     */
    public int bucketsOf(final int index) {
        return has[index];
    }

    /** @return the time of the next scheduled upkeep, {@link Long#MAX_VALUE} when balanced */
    public long nextUpkeepNs() {
        return nextUpkeepNs;
    }

    /** @return whether every member owns its fair share */
    public boolean isBalanced() {
        return underweightSize == 0;
    }

    /** @return total buckets migrated since creation (creation included) */
    public long migrations() {
        return migrations;
    }
}
