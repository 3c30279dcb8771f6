package io.pktsim.stack.gro;

import io.pktsim.core.packet.PacketStore;

/**
 * Whether a new TCP flow has a local socket: the heuristic of {@code tcp4_check_fraglist_gro()} /
 * {@code tcp6_check_fraglist_gro()} (net/ipv4/tcp_offload.c, net/ipv6/tcpv6_offload.c, Linux 6.18). With
 * {@code rx-gro-list} on, a flow without a local (established) socket is forwarded and aggregated by fraglist
 * GRO; a flow with one uses ordinary GRO. UDP datagrams are not looked up: 6.18's {@code udp4_gro_receive()} /
 * {@code udp6_gro_receive()} look a socket up only while a UDP encapsulation socket exists
 * ({@code udp_encap_needed_key}), which the model has not, so with {@code rx-gro-list} every UDP datagram is fraglist.
 */
@FunctionalInterface
public interface GroSocketLookup {

    /** No local sockets: every flow is forwarded (a router). */
    GroSocketLookup FORWARD_ALL = (store, handle) -> false;

    /**
     * Looks up the established socket of the packet's flow.
     *
     * @param store the store
     * @param handle the packet, with network and transport offsets set
     * @return true if a local socket owns the flow
     */
    boolean hasLocalSocket(PacketStore store, int handle);
}
