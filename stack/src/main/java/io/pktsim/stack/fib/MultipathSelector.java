package io.pktsim.stack.fib;

/**
 * Chooses one nexthop of a multipath route for one lookup. The stack calls it once per packet (once per GRO
 * super-packet) of a forwarded flow and once per route lookup of local traffic; implementations live in
 * module {@code lb} and model {@code fib_select_multipath()} (net/ipv4/fib_semantics.c), {@code
 * fib6_select_path()} (net/ipv6/route.c) and {@code nexthop_select_path()} (net/ipv4/nexthop.c), Linux 6.18.
 *
 * <p>Implementations are hot-path code: they allocate nothing and keep no per-flow state (the kernel hashes
 * every packet again).
 */
public interface MultipathSelector {

    /** Returned when the route has no usable nexthop (all dead, or the route was deleted). */
    int NO_NEXTHOP = -1;

    /**
     * Chooses a nexthop.
     *
     * @param lookup the lookup, filled by the stack
     * @return the chosen nexthop's index in route order (0-based), or {@link #NO_NEXTHOP}
     */
    int selectNexthop(MultipathLookup lookup);

    /**
     * The number of nexthops the route was configured with (indices run from 0 to this minus one).
     *
     * @return the nexthop count
     */
    int nexthopCount();
}
