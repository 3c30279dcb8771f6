package io.pktsim.stack.workload;

import io.pktsim.core.event.EventLoop;
import io.pktsim.core.random.RandomStream;

/**
 * A peer-to-peer client (BitTorrent-like): many peers and many small flows. Flows arrive as a Poisson process,
 * each to a peer drawn uniformly among the servers, downloading or (with probability {@code uploadShare})
 * uploading an exponentially distributed number of bytes (a few pieces). Every draw comes from the
 * application's named stream. Simplification: each exchange is its own short connection.
 */
public final class P2p {

    private final EventLoop loop;
    private final TcpFlows flows;
    private final DialChooser dials;
    private final RandomStream random;
    private final int peers;
    private final long meanFlowGapNs;
    private final double meanFlowBytes;
    private final double uploadShare;
    private final WorkloadStats stats;
    private final int kind;
    private long untilNs;

    /**
     * @param name the application's name
     * @param loop the event loop
     * @param flows the flow pool
     * @param dials picks each connection's dial
     * @param random the named stream of this client
     * @param peers the number of peers (servers 0 .. peers - 1)
     * @param meanFlowGapNs the mean time between new flows, in nanoseconds
     * @param meanFlowBytes the mean bytes per flow
     * @param uploadShare the probability that a flow uploads instead of downloading
     */
    public P2p(final String name, final EventLoop loop, final TcpFlows flows, final DialChooser dials,
        final RandomStream random, final int peers, final long meanFlowGapNs, final double meanFlowBytes,
        final double uploadShare) {
        if (peers < 1 || meanFlowGapNs <= 0 || meanFlowBytes < 1 || uploadShare < 0 || uploadShare > 1) {
            throw new IllegalArgumentException("p2p " + name + ": peers " + peers + " (>= 1), flow gap "
                + meanFlowGapNs + " ns (> 0), flow size " + meanFlowBytes + " (>= 1), upload share " + uploadShare
                + " (0..1)");
        }
        this.loop = loop;
        this.flows = flows;
        this.dials = dials;
        this.random = random;
        this.peers = peers;
        this.meanFlowGapNs = meanFlowGapNs;
        this.meanFlowBytes = meanFlowBytes;
        this.uploadShare = uploadShare;
        this.stats = new WorkloadStats(name);
        this.kind = loop.register(this::onFlow, name);
    }

    /**
     * Starts opening flows.
     *
     * @param fromNs the first flow's time, in nanoseconds
     * @param toNs no flow starts at or after this time, in nanoseconds
     */
    public void start(final long fromNs, final long toNs) {
        untilNs = toNs;
        if (fromNs < toNs) {
            loop.schedule(fromNs, kind, 0, 0);
        }
    }

    private void onFlow(final int target, final long arg, final long nowNs) {
        final int peer = random.nextInt(peers);
        final long bytes = 1 + (long) random.nextExponential(meanFlowBytes);
        final boolean upload = random.nextBoolean(uploadShare);
        flows.open(stats, null, dials.choose(peer, nowNs), peer, upload ? 0 : bytes, upload ? bytes : 0, nowNs);
        final long next = nowNs + Math.max(1, random.nextExponentialNs(meanFlowGapNs));
        if (next < untilNs) {
            loop.schedule(next, kind, 0, 0);
        }
    }

    /** @return the statistics */
    public WorkloadStats stats() {
        return stats;
    }
}
