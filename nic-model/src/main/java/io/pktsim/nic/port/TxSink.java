package io.pktsim.nic.port;

/**
 * Takes the frames a {@link NicPort} puts on the wire, to deliver them at the far end (for example by
 * scheduling the peer port's {@code receive} at the arrival time). With a sink the packet belongs to the sink
 * once handed over; without one the port frees it at TX completion.
 */
@FunctionalInterface
public interface TxSink {

    /**
     * A frame is on the wire.
     *
     * @param packet the packet handle
     * @param arrivalNs the time its last bit arrives at the far end, in nanoseconds
     */
    void onWire(int packet, long arrivalNs);
}
