package io.pktsim.stack.gro;

/**
 * A hook for the trace bus: told of every GRO decision with its reason. With no listener attached a trace point
 * costs one branch. Implementations must not allocate if the simulation is to stay allocation-free.
 */
public interface GroTraceListener {

    /**
     * A packet was received by GRO and merged, held or delivered alone.
     *
     * @param nowNs simulated time, ns
     * @param handle the received packet
     * @param result what happened to it
     * @param reason for {@link GroResult#NORMAL}, why it went alone; otherwise null
     * @param heldHandle the aggregate it was merged into or compared with, or -1
     */
    void onReceive(long nowNs, int handle, GroResult result, GroReason reason, int heldHandle);

    /**
     * A held packet was completed (an aggregate or a single segment) and queued for the stack.
     *
     * @param nowNs simulated time, ns
     * @param handle the completed packet
     * @param segments how many wire segments it carries
     * @param reason why it was completed
     */
    void onComplete(long nowNs, int handle, int segments, GroReason reason);
}
