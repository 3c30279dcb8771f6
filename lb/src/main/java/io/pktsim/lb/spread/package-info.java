/**
 * Dial-spread analytics: how many of N dials (nexthops) C connections keep busy when each connection picks a
 * dial independently with the dial's share of the weight (per-connection ECMP with an L4 hash, mwan3's random
 * choice). Exact expectations by the balls-into-bins law {@code E = sum(1 - (1 - p_i)^C)} evaluated in log
 * space ({@code log1p}), the exact distribution of the number of busy dials for equal weights (integer
 * counting, and a stable probability recursion for large C), and the same quantities measured with the real
 * Linux hash over a given flow set.
 *
 * <p>Simplification: the law assumes independent choices; a real flow set may be correlated (policy 0 puts
 * every connection between the same two addresses on one dial), which is exactly what
 * {@link io.pktsim.lb.spread.DialSpread#measure} shows.
 */
package io.pktsim.lb.spread;
