package io.pktsim.stack.flowtable;

import io.pktsim.core.counter.CounterDescriptor;

/**
 * Counters of a {@link FlowTable}: why flows entered or did not ({@code nft_flow_offload_eval}), fast-path hits
 * and misses ({@code nf_flow_offload_ip_hook}), teardowns ({@code nf_flow_offload_gc_step}), Linux 6.18.
 */
public enum FlowTableCounter implements CounterDescriptor {
    /** {@code flow add @ft} added a flow (both directions). */
    ADDED("added", "Flows added to the flowtable."),
    /** Not offloaded: TCP not ESTABLISHED and assured, a FIN or RST on the packet, or not TCP/UDP. */
    NOT_ESTABLISHED("not_established", "Offload refused: TCP not established+assured, FIN/RST, or not TCP/UDP."),
    /** Not offloaded: the connection is not confirmed yet (its first packet). */
    NOT_CONFIRMED("not_confirmed", "Offload refused: the connection is not confirmed yet."),
    /** Not offloaded: the connection already has a flow ({@code IPS_OFFLOAD} set). */
    ALREADY_OFFLOADED("already_offloaded", "Offload refused: the connection is already offloaded."),
    /** Not offloaded: the model's preallocated flow capacity is exhausted. */
    TABLE_FULL("table_full", "Offload refused: no free flow slot."),
    /** A packet took the fast path. */
    HIT("hit", "Packets forwarded by the flowtable fast path."),
    /** A packet found no flow and continues on the classic path. */
    MISS("miss", "Packets that found no flow."),
    /** A packet of a flow was larger than the path MTU and continues on the classic path. */
    MISS_MTU("miss_mtu", "Packets of a flow sent to the classic path because they exceed the MTU."),
    /** A FIN or RST marked a flow as closing ({@code NF_FLOW_CLOSING}). */
    CLOSING("closing", "Flows marked closing by a FIN or RST."),
    /** A SYN on a closing flow tore it down; the packet went to the classic path. */
    TEARDOWN_SYN("teardown_syn", "Closing flows torn down by a new SYN."),
    /** A flow was idle for its timeout and was removed by the garbage collector. */
    TIMED_OUT("timed_out", "Flows removed after their idle timeout."),
    /** A flow was removed because its conntrack entry died. */
    CONNTRACK_GONE("conntrack_gone", "Flows removed because their connection was deleted."),
    /** A flow was removed because one of its devices went down. */
    DEVICE_DOWN("device_down", "Flows removed because a device they use went down."),
    /** A flow sent through the neighbour layer was removed because its cached route went stale. */
    STALE_ROUTE("stale_route", "Flows removed because a route change made their cached route stale.");

    private final String label;
    private final String description;

    FlowTableCounter(final String label, final String description) {
        this.label = label;
        this.description = description;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public String description() {
        return description;
    }
}
