package io.pktsim.stack.workload;

import io.pktsim.core.event.EventLoop;
import io.pktsim.stack.endpoint.TcpEndpoint;

/**
 * A speed test as the common web ones run it: several parallel bulk TCP downloads from one server for a fixed
 * duration (8 by default), after which every server stops and closes. The result is the goodput over the
 * duration, with an optional warm-up left out of the measurement.
 */
public final class SpeedTest {

    private final EventLoop loop;
    private final TcpFlows flows;
    private final DialChooser dials;
    private final int server;
    private final int connections;
    private final long durationNs;
    private final long warmUpNs;
    private final WorkloadStats stats;
    private final int[] ids;
    private final int kind;
    private long startNs;
    private long bytesAtWarmUp;
    private long bytesAtEnd;

    /**
     * @param name the application's name
     * @param loop the event loop
     * @param flows the flow pool
     * @param dials picks each connection's dial
     * @param server the server
     * @param connections parallel downloads (8)
     * @param durationNs the test's duration, in nanoseconds
     * @param warmUpNs the start of the duration left out of the goodput, in nanoseconds
     */
    public SpeedTest(final String name, final EventLoop loop, final TcpFlows flows, final DialChooser dials,
        final int server, final int connections, final long durationNs, final long warmUpNs) {
        if (connections < 1 || durationNs <= warmUpNs || warmUpNs < 0) {
            throw new IllegalArgumentException("speed test " + name + ": connections " + connections
                + " (>= 1), duration " + durationNs + " ns must exceed the warm-up " + warmUpNs + " ns (>= 0)");
        }
        this.loop = loop;
        this.flows = flows;
        this.dials = dials;
        this.server = server;
        this.connections = connections;
        this.durationNs = durationNs;
        this.warmUpNs = warmUpNs;
        this.stats = new WorkloadStats(name);
        this.ids = new int[connections];
        this.kind = loop.register(this::onEvent, name);
    }

    /**
     * Opens the downloads.
     *
     * @param nowNs the simulated time, in nanoseconds
     */
    public void start(final long nowNs) {
        startNs = nowNs;
        for (int i = 0; i < connections; i++) {
            ids[i] = flows.open(stats, null, dials.choose(server, nowNs), server, TcpEndpoint.UNLIMITED, 0, nowNs);
        }
        loop.schedule(nowNs + warmUpNs, kind, 0, 0);
        loop.schedule(nowNs + durationNs, kind, 0, 1);
    }

    private long delivered() {
        long sum = 0;
        for (final int id : ids) {
            if (id >= 0) {
                sum += flows.client(id).bytesDelivered();
            }
        }
        return sum;
    }

    private void onEvent(final int target, final long arg, final long nowNs) {
        if (arg == 0) {
            bytesAtWarmUp = delivered();
            return;
        }
        bytesAtEnd = delivered();
        for (final int id : ids) {
            if (id >= 0) {
                flows.shutdown(id, nowNs);
            }
        }
    }

    /** @return the goodput over the measured part of the duration, in bits/s (0 before the end) */
    public double goodputBps() {
        return (bytesAtEnd - bytesAtWarmUp) * 8e9 / (durationNs - warmUpNs);
    }

    /** @return payload bytes delivered between the warm-up and the end */
    public long measuredBytes() {
        return bytesAtEnd - bytesAtWarmUp;
    }

    /**
     * @param i the connection index
     * @return its flow id (-1 if it could not be opened)
     */
    public int flow(final int i) {
        return ids[i];
    }

    /** @return the statistics */
    public WorkloadStats stats() {
        return stats;
    }

    /** @return the start time, in nanoseconds */
    public long startNs() {
        return startNs;
    }
}
