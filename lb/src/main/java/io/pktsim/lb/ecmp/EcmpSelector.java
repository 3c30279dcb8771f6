package io.pktsim.lb.ecmp;

import io.pktsim.stack.fib.MultipathLookup;
import io.pktsim.stack.fib.MultipathSelector;

/**
 * The load balancer's answer to the stack's {@link MultipathSelector}: the kernel's multipath hash
 * ({@link MultipathHash}) followed by a nexthop choice ({@link NexthopChooser}), as
 * {@code fib_select_path()} / {@code fib6_select_path()} do it in Linux 6.18. Allocation-free.
 */
public final class EcmpSelector implements MultipathSelector {

    private final MultipathHash hash;
    private final NexthopChooser chooser;
    private int lastHash31;

    /**
     * Combines a hash configuration with a route or group.
     *
     * @param hash the namespace's hash configuration (policy, fields, seed)
     * @param chooser the multipath route or nexthop group
     */
    public EcmpSelector(final MultipathHash hash, final NexthopChooser chooser) {
        this.hash = hash;
        this.chooser = chooser;
    }

    @Override
    public int selectNexthop(final MultipathLookup lookup) {
        final int h = hash.hash(lookup);
        lastHash31 = h;
        return chooser.choose(h, lookup);
    }

    /**
     * Chooses the nexthops of many lookups: {@code nexthops[i] = selectNexthop(lookups[i])} for every {@code i}
     * in {@code from .. from + count - 1}, the same values as one call each, for throughput where flows come in
     * bulk (a flow table, the {@code pktsim ecmp} rows): the hashes are computed in one loop, IPv6 flows two at
     * a time with interleaved SipHash chains ({@link MultipathHash#hashAll}), then each is mapped to its nexthop.
     * Allocation-free; {@link #lastHash31()} is the hash of the last lookup of the range.
     *
     * @param lookups the lookups
     * @param from index of the first lookup
     * @param count number of lookups, 0 or more
     * @param nexthops receives each lookup's nexthop index (or {@link MultipathSelector#NO_NEXTHOP}) at the
     *     lookup's own index
     * @throws IndexOutOfBoundsException if the range does not fit {@code lookups} or {@code nexthops}
     */
    public void selectNexthops(final MultipathLookup[] lookups, final int from, final int count,
        final int[] nexthops) {
        hash.hashAll(lookups, from, count, nexthops);
        final NexthopChooser c = chooser;
        final int end = from + count;
        for (int i = from; i < end; i++) {
            final int h = nexthops[i];
            lastHash31 = h;
            nexthops[i] = c.choose(h, lookups[i]);
        }
    }

    @Override
    public int nexthopCount() {
        return chooser.nexthopCount();
    }

    /** @return the 31-bit hash of the last selection (for trace events) */
    public int lastHash31() {
        return lastHash31;
    }

    /** @return the hash configuration */
    public MultipathHash hash() {
        return hash;
    }

    /** @return the route or group */
    public NexthopChooser chooser() {
        return chooser;
    }
}
