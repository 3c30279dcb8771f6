package io.pktsim.stack.gso;

/** Where software GSO and the forwarding output hand the packets they put on the wire, in order. */
@FunctionalInterface
public interface GsoSink {

    /**
     * Receives one wire packet (a segment, a fragment or an unchanged packet).
     *
     * @param handle the packet; the callee owns it
     */
    void transmit(int handle);
}
