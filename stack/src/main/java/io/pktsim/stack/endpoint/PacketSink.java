package io.pktsim.stack.endpoint;

/**
 * Takes a packet handed on by an endpoint, a link, a shaper or a demultiplexer. The receiver owns the handle
 * from then on: it forwards it, or frees it (a drop, counted by the receiver).
 */
@FunctionalInterface
public interface PacketSink {

    /**
     * Takes one packet.
     *
     * @param packet the {@link io.pktsim.core.packet.PacketStore} handle
     * @param nowNs the simulated time, in nanoseconds
     */
    void accept(int packet, long nowNs);
}
