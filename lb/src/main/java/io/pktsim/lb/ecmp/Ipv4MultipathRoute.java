package io.pktsim.lb.ecmp;

import java.util.Arrays;

import io.pktsim.stack.fib.MultipathLookup;
import io.pktsim.stack.fib.MultipathSelector;

/**
 * A classic IPv4 multipath route ({@code struct fib_info} with several {@code fib_nh}), Linux 6.18:
 * weights 1..256, upper bounds by {@code fib_rebalance()}, and the choice of {@code fib_select_multipath()}
 * (net/ipv4/fib_semantics.c) in its 6.18 "score" form.
 *
 * <p>The choice walks the nexthops in route order, skipping those with upper bound -1 (dead, or linkdown
 * with {@code ignore_routes_with_linkdown}) and, with {@code fib_multipath_use_neigh}, those whose gateway's
 * neighbour entry is not valid (device-only nexthops are always good). Each remaining nexthop scores +1 if
 * {@code h <= ub} and +2 if the lookup's source address is its preferred source; the first with a score
 * higher than all before it wins (the walk starts at -1, so the first remaining nexthop is the fallback).
 * Forwarded lookups have no source: the first nexthop with {@code h <= ub} wins. If no nexthop remains, the
 * FIB lookup's own default stays: the first nexthop that is neither dead nor ignored-linkdown.
 *
 * <p>Device events as {@code fib_sync_down_dev()} / {@code fib_sync_up()}: admin down marks the nexthop
 * dead, carrier loss marks it linkdown (still used unless {@code ignore_routes_with_linkdown} is set for its
 * device), each followed by a rebalance; unregistering any nexthop's device deletes the whole route. The
 * sysctls {@code ignore_routes_with_linkdown} take effect at the next event, as in the kernel (bounds are
 * recomputed only on events).
 */
public final class Ipv4MultipathRoute implements NexthopChooser {

    /** The largest weight ({@code rtnh_hops} 255, iproute2 {@code weight 256}). */
    public static final int MAX_WEIGHT = 256;

    private final int count;
    private final int[] weights;
    private final boolean[] dead;
    private final boolean[] linkdown;
    private final boolean[] ignoreLinkdown;
    private final boolean[] neighbourValid;
    private final boolean[] hasGateway;
    private final int[] preferredSource;
    private final boolean[] usable;
    private final int[] upperBounds;
    private final int[] packedBounds;
    private final int[] packedIndex;
    private final long[] choices = new long[UpperBounds.PACKED_CHOICES_LENGTH];
    private int packedCount;
    private boolean useNeigh;
    private boolean deleted;
    private int usableCount;
    /**
     * {@code !deleted && usableCount > 0 && !useNeigh}: a lookup without a source address takes the plain
     * hash-threshold rule. Kept up to date by every change of those three, so that a forwarded packet pays one
     * test instead of four.
     */
    private boolean plainForwarding;

    /**
     * Creates a route with all nexthops up, gateways with valid (or absent) neighbour entries.
     *
     * @param nexthopWeights the weights in route order, 1..256 each
     * @throws IllegalArgumentException for an empty list or a weight out of range
     */
    public Ipv4MultipathRoute(final int... nexthopWeights) {
        count = nexthopWeights.length;
        if (count == 0) {
            throw new IllegalArgumentException("a multipath route needs at least one nexthop");
        }
        weights = nexthopWeights.clone();
        for (final int w : weights) {
            if (w < 1 || w > MAX_WEIGHT) {
                throw new IllegalArgumentException("nexthop weight must be 1.." + MAX_WEIGHT + ", not " + w);
            }
        }
        dead = new boolean[count];
        linkdown = new boolean[count];
        ignoreLinkdown = new boolean[count];
        neighbourValid = new boolean[count];
        hasGateway = new boolean[count];
        preferredSource = new int[count];
        usable = new boolean[count];
        upperBounds = new int[count];
        packedBounds = new int[count];
        packedIndex = new int[count];
        Arrays.fill(neighbourValid, true);
        Arrays.fill(hasGateway, true);
        rebalance();
    }

    /** {@code fib_rebalance()}: recomputes the upper bounds from the current flags. */
    private void rebalance() {
        for (int i = 0; i < count; i++) {
            usable[i] = !dead[i] && !(linkdown[i] && ignoreLinkdown[i]);
        }
        usableCount = UpperBounds.rebalance(weights, usable, count, upperBounds);
        packedCount = UpperBounds.pack(upperBounds, count, packedBounds, packedIndex);
        if (packedCount > 0) {
            UpperBounds.buildPackedChoices(packedBounds, packedIndex, packedCount, choices);
        }
        updatePlainForwarding();
    }

    private void updatePlainForwarding() {
        plainForwarding = !deleted && usableCount > 0 && !useNeigh;
    }

    @Override
    public int nexthopCount() {
        return count;
    }

    /**
     * {@code fib_select_multipath()} for a hash.
     *
     * @param hash31 the multipath hash
     * @param lookup the lookup: {@link MultipathLookup#hasSource()} and the key's IPv4 source address give
     *     the source-address preference of local traffic
     * @return the chosen nexthop, or {@link MultipathSelector#NO_NEXTHOP} if the route is deleted or dead
     */
    @Override
    public int choose(final int hash31, final MultipathLookup lookup) {
        if (plainForwarding & !lookup.hasSource()) {
            return UpperBounds.chooseInPackedTable(choices, packedBounds, packedIndex, packedCount, hash31);
        }
        final boolean hasSource = lookup.hasSource() && lookup.key().ipv4Src() != 0;
        return choose(hash31, hasSource, hasSource ? lookup.key().ipv4Src() : 0);
    }

    /**
     * {@code fib_select_multipath()} for a hash and an optional source address.
     *
     * @param hash31 the multipath hash
     * @param hasSource whether the lookup carries a source address
     * @param source the source address (big-endian int), read only if {@code hasSource}
     * @return the chosen nexthop, or {@link MultipathSelector#NO_NEXTHOP}
     */
    public int choose(final int hash31, final boolean hasSource, final int source) {
        if (deleted || usableCount == 0) {
            return MultipathSelector.NO_NEXTHOP;
        }
        final boolean neigh = useNeigh;
        if (!neigh && !hasSource) {
            // Forwarding without neighbour checks: the plain hash-threshold rule.
            return UpperBounds.chooseInPackedTable(choices, packedBounds, packedIndex, packedCount, hash31);
        }
        final int[] ub = upperBounds;
        int best = -1;
        int bestScore = -1;
        for (int i = 0; i < count; i++) {
            final int bound = ub[i];
            if (bound == UpperBounds.EXCLUDED || neigh && hasGateway[i] && !neighbourValid[i]) {
                continue;
            }
            int score = hash31 <= bound ? 1 : 0;
            if (hasSource && preferredSource[i] == source) {
                score += 2;
            }
            if (score > bestScore) {
                best = i;
                bestScore = score;
                if (score == 3 || !hasSource && score == 1) {
                    return i;
                }
            }
        }
        return best >= 0 ? best : firstUsable();
    }

    private int firstUsable() {
        for (int i = 0; i < count; i++) {
            if (usable[i]) {
                return i;
            }
        }
        return MultipathSelector.NO_NEXTHOP;
    }

    /**
     * Sets {@code net.ipv4.fib_multipath_use_neigh} (read at every lookup).
     *
     * @param value the sysctl
     */
    public void setUseNeigh(final boolean value) {
        useNeigh = value;
        updatePlainForwarding();
    }

    /**
     * Sets {@code ignore_routes_with_linkdown} for a nexthop's device (all, default or the device); it
     * takes effect at the next device event, as in the kernel.
     *
     * @param index the nexthop
     * @param value the sysctl
     */
    public void setIgnoreRoutesWithLinkdown(final int index, final boolean value) {
        ignoreLinkdown[index] = value;
    }

    /**
     * Sets whether a gateway's neighbour entry is valid ({@code NUD_VALID}; no entry counts as valid).
     *
     * @param index the nexthop
     * @param valid false for FAILED, INCOMPLETE and the like
     */
    public void setNeighbourValid(final int index, final boolean valid) {
        neighbourValid[index] = valid;
    }

    /**
     * Marks a nexthop device-only ({@code nexthop dev pppX}, no {@code via}): always good for
     * {@code fib_multipath_use_neigh}.
     *
     * @param index the nexthop
     */
    public void setDeviceOnly(final int index) {
        hasGateway[index] = false;
    }

    /**
     * Sets a nexthop's preferred source address ({@code nh_saddr}, its device's address).
     *
     * @param index the nexthop
     * @param address the address (big-endian int)
     */
    public void setPreferredSource(final int index, final int address) {
        preferredSource[index] = address;
    }

    /**
     * The device of a nexthop went administratively down: the nexthop is dead ({@code RTNH_F_DEAD}).
     *
     * @param index the nexthop
     */
    public void deviceDown(final int index) {
        dead[index] = true;
        linkdown[index] = true;
        rebalance();
    }

    /**
     * The device of a nexthop came up again ({@code fib_sync_up()}).
     *
     * @param index the nexthop
     * @param carrier whether the device has carrier (else it stays linkdown)
     */
    public void deviceUp(final int index, final boolean carrier) {
        dead[index] = false;
        linkdown[index] = !carrier;
        rebalance();
    }

    /**
     * Carrier lost or regained on a nexthop's device ({@code RTNH_F_LINKDOWN}).
     *
     * @param index the nexthop
     * @param lost true for carrier loss
     */
    public void carrierChanged(final int index, final boolean lost) {
        linkdown[index] = lost;
        rebalance();
    }

    /**
     * A nexthop's device was unregistered (a pppX interface disappeared): the whole route is deleted.
     *
     * @param index the nexthop whose device vanished
     */
    public void deviceUnregistered(final int index) {
        deleted = true;
        updatePlainForwarding();
    }

    /** @return whether the route was deleted by a vanishing device */
    public boolean isDeleted() {
        return deleted;
    }

    /**
     * The current upper bound of a nexthop.
     *
     * @param index the nexthop
     * @return {@code ub}, or -1 if excluded
     */
    public int upperBound(final int index) {
        return upperBounds[index];
    }
}
