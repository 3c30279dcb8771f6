package io.pktsim.lb.ecmp;

import io.pktsim.stack.fib.MultipathLookup;

/**
 * The second half of a multipath decision: given the 31-bit hash, pick a nexthop. Implemented by the
 * classic IPv4 route ({@link Ipv4MultipathRoute}), the IPv6 sibling set ({@link Ipv6MultipathRoute}) and the
 * nexthop-object groups ({@link NexthopObjectGroup}, {@link ResilientNexthopGroup}).
 */
public interface NexthopChooser {

    /**
     * Chooses a nexthop for a hash.
     *
     * @param hash31 the multipath hash {@code h}, 0..2^31-1
     * @param lookup the lookup (read for the source-address preference of local IPv4 traffic only)
     * @return the nexthop index in configuration order, or {@code MultipathSelector.NO_NEXTHOP}
     */
    int choose(int hash31, MultipathLookup lookup);

    /** @return the number of nexthops the route or group was configured with */
    int nexthopCount();
}
