package io.pktsim.stack.flowtable;

import io.pktsim.stack.conntrack.ConntrackTable;

/**
 * The hardware behind a flowtable with {@code flags offload}: the driver side of {@code nf_flow_offload_add},
 * {@code nf_flow_offload_del} and {@code nf_flow_offload_stats} (net/netfilter/nf_flow_table_offload.c, Linux
 * 6.18), called for one direction of a flow at a time ({@code NF_FLOW_HW_BIDIRECTIONAL}). Control path: called
 * when a flow enters or leaves the flowtable and by its garbage collector.
 */
public interface HardwareOffload {

    /**
     * Offers one direction of a flow ({@code FLOW_CLS_REPLACE}).
     *
     * @param conntrack the connections
     * @param ctEntry the flow's connection
     * @param dir 0 original, 1 reply: the direction's tuple is {@code conntrack}'s tuple of that direction
     * @param outIfindex the device the direction leaves by (the forward path's top device)
     * @return a hardware id, or a negative refusal
     */
    int replace(ConntrackTable conntrack, int ctEntry, int dir, int outIfindex);

    /**
     * Removes one direction ({@code FLOW_CLS_DESTROY}).
     *
     * @param hwId from {@link #replace}
     */
    void destroy(int hwId);

    /**
     * How long the hardware has not forwarded a packet of this direction ({@code FLOW_CLS_STATS} lastused).
     *
     * @param hwId from {@link #replace}
     * @param nowNs simulated time
     * @return nanoseconds since its last packet, {@code Long.MAX_VALUE} if it never forwarded one
     */
    long idleNs(int hwId, long nowNs);
}
