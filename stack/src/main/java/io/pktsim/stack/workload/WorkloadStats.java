package io.pktsim.stack.workload;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.counter.Distribution;
import io.pktsim.stack.endpoint.TcpCounter;
import io.pktsim.stack.endpoint.TcpEndpoint;

/**
 * Streamed statistics of the flows of one application: counters per direction and fixed-range histograms of
 * flow completion time, per-flow goodput and per-flow smoothed RTT. Memory stays constant however long the
 * run and however many flows complete; a flow is folded in when it completes ({@link #recordFlow}), and the
 * flows still open are added by the caller when it reports ({@link TcpFlows#bytesDown(WorkloadStats)}).
 */
public final class WorkloadStats {

    private final String app;
    private final Counters<WorkloadCounter> counters = new Counters<>(WorkloadCounter.class);
    private final Distribution completionUs;
    private final Distribution goodputKbps;
    private final Distribution srttUs;

    /**
     * @param app the application's name (for reports)
     */
    public WorkloadStats(final String app) {
        this.app = app;
        this.completionUs = new Distribution(app + "_flow_completion", "us", 3_600_000_000L, 2);
        this.goodputKbps = new Distribution(app + "_flow_goodput", "kbit/s", 100_000_000L, 2);
        this.srttUs = new Distribution(app + "_flow_srtt", "us", 60_000_000L, 2);
    }

    /**
     * Folds in a completed flow (not on the per-packet path).
     *
     * @param client the client end
     * @param server the server end
     * @param openedNs when the SYN was sent, in ns
     * @param nowNs the completion time, in ns
     */
    public void recordFlow(final TcpEndpoint client, final TcpEndpoint server, final long openedNs,
        final long nowNs) {
        final long down = client.bytesDelivered();
        final long up = server.bytesDelivered();
        counters.increment(WorkloadCounter.FLOWS_COMPLETED);
        counters.add(WorkloadCounter.BYTES_DOWN, down);
        counters.add(WorkloadCounter.BYTES_UP, up);
        counters.add(WorkloadCounter.RETRANSMITTED_SEGMENTS,
            client.counters().get(TcpCounter.RETRANSMITTED_SEGMENTS)
                + server.counters().get(TcpCounter.RETRANSMITTED_SEGMENTS));
        counters.add(WorkloadCounter.TIMEOUTS,
            client.counters().get(TcpCounter.TIMEOUTS) + server.counters().get(TcpCounter.TIMEOUTS));
        counters.add(WorkloadCounter.FAST_RETRANSMITS,
            client.counters().get(TcpCounter.FAST_RETRANSMITS) + server.counters().get(TcpCounter.FAST_RETRANSMITS));
        final long durationNs = Math.max(1, nowNs - openedNs);
        completionUs.record(durationNs / 1000);
        goodputKbps.record((down + up) * 8_000_000L / durationNs);
        final long srtt = Math.max(client.srttNs(), server.srttNs());
        srttUs.record(srtt / 1000);
    }

    /** @return the application's name */
    public String app() {
        return app;
    }

    /** @return the counters */
    public Counters<WorkloadCounter> counters() {
        return counters;
    }

    /** @return flow completion times, in microseconds */
    public Distribution completionUs() {
        return completionUs;
    }

    /** @return per-flow goodput (both directions), in kbit/s */
    public Distribution goodputKbps() {
        return goodputKbps;
    }

    /** @return per-flow smoothed RTT at completion, in microseconds */
    public Distribution srttUs() {
        return srttUs;
    }
}
