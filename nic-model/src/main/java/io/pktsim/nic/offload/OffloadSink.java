package io.pktsim.nic.offload;

/** Where an offload engine hands the packets it produced (LRO aggregates, TSO segments), in order. */
@FunctionalInterface
public interface OffloadSink {

    /**
     * Receives one packet.
     *
     * @param handle the packet; the callee owns it
     * @param nowNs simulated time, ns
     */
    void deliver(int handle, long nowNs);
}
