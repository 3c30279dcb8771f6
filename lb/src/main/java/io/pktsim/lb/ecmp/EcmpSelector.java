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
