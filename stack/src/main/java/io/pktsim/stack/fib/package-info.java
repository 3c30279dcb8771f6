/**
 * The FIB's side of multipath routing: what the stack hands to the load balancer when a route lookup ends
 * on a route with several nexthops ({@code fib_select_path()} / {@code fib_select_multipath()} in
 * net/ipv4/fib_semantics.c and {@code fib6_select_path()} in net/ipv6/route.c, Linux 6.18).
 *
 * <p>The stack decides <em>that</em> a route has several nexthops; module {@code lb} decides <em>which</em>,
 * through {@link io.pktsim.stack.fib.MultipathSelector}. {@link io.pktsim.stack.fib.MultipathLookup} carries
 * everything the kernel's hash functions read: the flow key from the packet (or the flow descriptor), the
 * inner key of an encapsulated packet, the embedded header of an ICMP error, a pre-set {@code skb->hash},
 * the lookup's source address for local traffic and the tunnel's {@code flowi4_multipath_hash}.
 *
 * <p>Simplification: one lookup object is reused per simulation thread; it is filled field by field and
 * allocates nothing.
 */
package io.pktsim.stack.fib;
