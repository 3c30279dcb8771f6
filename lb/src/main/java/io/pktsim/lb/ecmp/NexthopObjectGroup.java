package io.pktsim.lb.ecmp;

import io.pktsim.stack.fib.MultipathLookup;
import io.pktsim.stack.fib.MultipathSelector;

/**
 * A hash-threshold nexthop-object group ({@code ip nexthop add id G group A,w/B,w}; a route with
 * {@code nhid G}), Linux 6.18: upper bounds by {@code nh_hthr_group_rebalance()} over the members, and the
 * choice of {@code nexthop_select_path_hthr()} (net/ipv4/nexthop.c): members whose nexthop is not good (its
 * gateway's neighbour entry not valid; always checked, no sysctl) are skipped, the first good member with
 * {@code h <= ub} wins, and if none qualifies the first good member (member 0 if none is good) is used.
 *
 * <p>Device events: admin down, carrier loss and unregistering of a member's device all delete the member's
 * nexthop object ({@code nexthop_flush_dev()}), so it leaves the group and the survivors are rebalanced;
 * it does not come back by itself ({@link #addMember} models the control plane re-adding it). When the last
 * member goes, the group and its routes go ({@link #choose} returns no nexthop).
 *
 * <p>Simplification: re-added members take their original place in the group order (a real
 * {@code ip nexthop replace} puts them where the command lists them).
 */
public final class NexthopObjectGroup implements NexthopChooser {

    /** The largest group weight (16-bit weights, about Linux 6.12 and later). */
    public static final int MAX_WEIGHT = 65536;

    private final int count;
    private final int[] weights;
    private final boolean[] member;
    private final boolean[] good;
    private final int[] upperBounds;
    private int memberCount;

    /**
     * Creates a group with every member present and good.
     *
     * @param memberWeights the weights in group order, 1..65536
     * @throws IllegalArgumentException for an empty list or a weight out of range
     */
    public NexthopObjectGroup(final int... memberWeights) {
        count = memberWeights.length;
        if (count == 0) {
            throw new IllegalArgumentException("a nexthop group needs at least one member");
        }
        weights = memberWeights.clone();
        for (final int w : weights) {
            if (w < 1 || w > MAX_WEIGHT) {
                throw new IllegalArgumentException("group weight must be 1.." + MAX_WEIGHT + ", not " + w);
            }
        }
        member = new boolean[count];
        good = new boolean[count];
        upperBounds = new int[count];
        for (int i = 0; i < count; i++) {
            member[i] = true;
            good[i] = true;
        }
        rebalance();
    }

    private void rebalance() {
        memberCount = UpperBounds.rebalance(weights, member, count, upperBounds);
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
     * {@code nexthop_select_path_hthr()} for a hash.
     *
     * @param hash31 the multipath hash
     * @return the chosen member, or {@link MultipathSelector#NO_NEXTHOP} if the group is empty
     */
    public int choose(final int hash31) {
        if (memberCount == 0) {
            return MultipathSelector.NO_NEXTHOP;
        }
        int firstGood = -1;
        for (int i = 0; i < count; i++) {
            if (!member[i] || !good[i]) {
                continue;
            }
            if (firstGood < 0) {
                firstGood = i;
            }
            if (hash31 <= upperBounds[i]) {
                return i;
            }
        }
        if (firstGood >= 0) {
            return firstGood;
        }
        for (int i = 0; i < count; i++) {
            if (member[i]) {
                return i;
            }
        }
        return MultipathSelector.NO_NEXTHOP;
    }

    /**
     * Sets whether a member's gateway has a valid neighbour entry.
     *
     * @param index the member
     * @param value false for FAILED, INCOMPLETE and the like
     */
    public void setGood(final int index, final boolean value) {
        good[index] = value;
    }

    /**
     * The member's device went down, lost carrier or vanished: its nexthop object is deleted and leaves
     * the group.
     *
     * @param index the member
     */
    public void removeMember(final int index) {
        member[index] = false;
        rebalance();
    }

    /**
     * The control plane adds the member's nexthop back to the group.
     *
     * @param index the member
     */
    public void addMember(final int index) {
        member[index] = true;
        rebalance();
    }

    /**
     * The current upper bound of a member.
     *
     * @param index the member
     * @return {@code ub}, or -1 if not in the group
     */
    public int upperBound(final int index) {
        return upperBounds[index];
    }
}
