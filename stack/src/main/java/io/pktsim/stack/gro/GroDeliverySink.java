package io.pktsim.stack.gro;

/**
 * Where GRO hands packets to the stack ({@code netif_receive_skb_list_internal()} behind
 * {@code gro_normal_list()}, net/core/gro.c, Linux 6.18). Called in delivery order; the callee owns the handle
 * from then on (an aggregate's chained segments follow it through {@code PacketStore.next}).
 */
@FunctionalInterface
public interface GroDeliverySink {

    /**
     * Receives one packet.
     *
     * @param handle the packet (an aggregate or a single segment)
     * @param reason why GRO delivered it
     * @param nowNs the simulated time of the delivery, ns
     */
    void deliver(int handle, GroReason reason, long nowNs);
}
