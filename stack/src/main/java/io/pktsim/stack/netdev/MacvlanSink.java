package io.pktsim.stack.netdev;

/**
 * Receives the broadcast clones a {@link MacvlanPort} makes, one per macvlan device: where
 * {@code macvlan_broadcast_one} hands each to {@code netif_rx} (drivers/net/macvlan.c, Linux 6.18).
 */
@FunctionalInterface
public interface MacvlanSink {

    /**
     * One clone, received on a macvlan device ({@code macvlan_broadcast_one} → {@code netif_rx}).
     *
     * @param handle the clone; the sink owns it
     * @param ifindex the macvlan device it was received on
     */
    void deliver(int handle, int ifindex);
}
