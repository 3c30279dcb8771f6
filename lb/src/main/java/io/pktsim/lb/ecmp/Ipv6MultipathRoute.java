package io.pktsim.lb.ecmp;

import io.pktsim.stack.fib.MultipathLookup;
import io.pktsim.stack.fib.MultipathSelector;

/**
 * A classic IPv6 multipath route: a set of sibling routes ({@code fib6_siblings}), Linux 6.18. Upper bounds by
 * {@code rt6_multipath_rebalance()} over the siblings that are not dead ({@code rt6_is_dead()}: dead, or
 * linkdown with {@code ignore_routes_with_linkdown}); the choice of {@code fib6_select_path()}
 * (net/ipv6/route.c): the first sibling in insertion order whose upper bound is at least {@code h}.
 *
 * <p>Device events: admin down makes that sibling dead and linkdown, carrier loss linkdown, both followed by
 * a rebalance; unregistering a sibling's device removes only that sibling. Nexthop indices keep their
 * configuration order; a removed sibling is never chosen again.
 *
 * <p>Simplification: neighbour state matters only on hosts with forwarding disabled
 * ({@code RT6_LOOKUP_F_REACHABLE}); routers forward, so it is not modelled.
 */
public final class Ipv6MultipathRoute implements NexthopChooser {

    private final int count;
    private final int[] weights;
    private final boolean[] dead;
    private final boolean[] linkdown;
    private final boolean[] ignoreLinkdown;
    private final boolean[] removed;
    private final boolean[] usable;
    private final int[] upperBounds;
    private final int[] packedBounds;
    private final int[] packedIndex;
    private final long[] choices = new long[UpperBounds.PACKED_CHOICES_LENGTH];
    private int packedCount;
    private int usableCount;

    /**
     * Creates the sibling set with all siblings up.
     *
     * @param nexthopWeights the weights in insertion order, 1..256 each
     * @throws IllegalArgumentException for an empty list or a weight out of range
     */
    public Ipv6MultipathRoute(final int... nexthopWeights) {
        count = nexthopWeights.length;
        if (count == 0) {
            throw new IllegalArgumentException("a multipath route needs at least one nexthop");
        }
        weights = nexthopWeights.clone();
        for (final int w : weights) {
            if (w < 1 || w > Ipv4MultipathRoute.MAX_WEIGHT) {
                throw new IllegalArgumentException("nexthop weight must be 1..256, not " + w);
            }
        }
        dead = new boolean[count];
        linkdown = new boolean[count];
        ignoreLinkdown = new boolean[count];
        removed = new boolean[count];
        usable = new boolean[count];
        upperBounds = new int[count];
        packedBounds = new int[count];
        packedIndex = new int[count];
        rebalance();
    }

    private void rebalance() {
        for (int i = 0; i < count; i++) {
            usable[i] = !removed[i] && !dead[i] && !(linkdown[i] && ignoreLinkdown[i]);
        }
        usableCount = UpperBounds.rebalance(weights, usable, count, upperBounds);
        packedCount = UpperBounds.pack(upperBounds, count, packedBounds, packedIndex);
        if (packedCount > 0) {
            UpperBounds.buildPackedChoices(packedBounds, packedIndex, packedCount, choices);
        }
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
     * {@code fib6_select_path()} for a hash.
     *
     * @param hash31 the multipath hash
     * @return the first sibling with {@code h <= ub}, or {@link MultipathSelector#NO_NEXTHOP} if none is usable
     */
    public int choose(final int hash31) {
        if (usableCount == 0) {
            return MultipathSelector.NO_NEXTHOP;
        }
        return UpperBounds.chooseInPackedTable(choices, packedBounds, packedIndex, packedCount, hash31);
    }

    /**
     * Sets {@code net.ipv6.conf.*.ignore_routes_with_linkdown} for a sibling's device (effective at the next
     * event).
     *
     * @param index the sibling
     * @param value the sysctl
     */
    public void setIgnoreRoutesWithLinkdown(final int index, final boolean value) {
        ignoreLinkdown[index] = value;
    }

    /**
     * The sibling's device went administratively down: dead and linkdown.
     *
     * @param index the sibling
     */
    public void deviceDown(final int index) {
        dead[index] = true;
        linkdown[index] = true;
        rebalance();
    }

    /**
     * The sibling's device came up again.
     *
     * @param index the sibling
     * @param carrier whether it has carrier
     */
    public void deviceUp(final int index, final boolean carrier) {
        dead[index] = false;
        linkdown[index] = !carrier;
        rebalance();
    }

    /**
     * Carrier lost or regained.
     *
     * @param index the sibling
     * @param lost true for carrier loss
     */
    public void carrierChanged(final int index, final boolean lost) {
        linkdown[index] = lost;
        rebalance();
    }

    /**
     * The sibling's device was unregistered: only this sibling is removed.
     *
     * @param index the sibling
     */
    public void deviceUnregistered(final int index) {
        removed[index] = true;
        rebalance();
    }

    /**
     * The current upper bound of a sibling.
     *
     * @param index the sibling
     * @return {@code ub}, or -1 if excluded or removed
     */
    public int upperBound(final int index) {
        return upperBounds[index];
    }
}
