package io.pktsim.stack.workload;

import io.pktsim.core.event.EventLoop;
import io.pktsim.core.random.RandomStream;

/**
 * A web browser: page loads arrive as a Poisson process; each page comes from one server, has a number of
 * objects (1 plus an exponentially distributed count) of exponentially distributed sizes, and is fetched over at
 * most {@code maxPersistentConnectionsPerServer} parallel connections (Firefox's
 * {@code network.http.max-persistent-connections-per-server}, default 6, Chrome's fixed 6), the objects spread
 * over them round-robin. Every draw comes from the application's named stream.
 *
 * <p>Simplification: a connection carries its share of one page's objects and closes; keep-alive across pages,
 * request bytes and think time inside a page are not modelled.
 */
public final class Browser {

    private final EventLoop loop;
    private final TcpFlows flows;
    private final DialChooser dials;
    private final RandomStream random;
    private final int maxPerServer;
    private final long meanPageGapNs;
    private final double meanObjects;
    private final double meanObjectBytes;
    private final int servers;
    private final WorkloadStats stats;
    private final int kind;
    private final long[] connBytes;
    private long untilNs;
    private long pages;

    /**
     * @param name the application's name (and its statistics')
     * @param loop the event loop
     * @param flows the flow pool
     * @param dials picks each connection's dial
     * @param random the named stream of this browser
     * @param maxPersistentConnectionsPerServer parallel connections per page (6)
     * @param meanPageGapNs the mean time between page loads, in nanoseconds
     * @param meanObjects the mean number of objects per page (at least 1)
     * @param meanObjectBytes the mean object size, in bytes
     * @param servers page loads pick a server uniformly among the first {@code servers}
     */
    public Browser(final String name, final EventLoop loop, final TcpFlows flows, final DialChooser dials,
        final RandomStream random, final int maxPersistentConnectionsPerServer, final long meanPageGapNs,
        final double meanObjects, final double meanObjectBytes, final int servers) {
        if (maxPersistentConnectionsPerServer < 1 || maxPersistentConnectionsPerServer > 255 || meanPageGapNs <= 0
            || meanObjects < 1 || meanObjectBytes < 1 || servers < 1) {
            throw new IllegalArgumentException("browser " + name + ": max-persistent-connections-per-server "
                + maxPersistentConnectionsPerServer + " (1..255), page gap " + meanPageGapNs + " ns (> 0), objects "
                + meanObjects + " (>= 1), object size " + meanObjectBytes + " (>= 1), servers " + servers);
        }
        this.loop = loop;
        this.flows = flows;
        this.dials = dials;
        this.random = random;
        this.maxPerServer = maxPersistentConnectionsPerServer;
        this.meanPageGapNs = meanPageGapNs;
        this.meanObjects = meanObjects;
        this.meanObjectBytes = meanObjectBytes;
        this.servers = servers;
        this.stats = new WorkloadStats(name);
        this.connBytes = new long[maxPersistentConnectionsPerServer];
        this.kind = loop.register(this::onPage, name);
    }

    /**
     * Starts browsing: the first page loads at {@code fromNs}.
     *
     * @param fromNs the first page's time, in nanoseconds
     * @param toNs no page load starts at or after this time, in nanoseconds
     */
    public void start(final long fromNs, final long toNs) {
        untilNs = toNs;
        if (fromNs < toNs) {
            loop.schedule(fromNs, kind, 0, 0);
        }
    }

    private void onPage(final int target, final long arg, final long nowNs) {
        pages++;
        final int server = random.nextInt(servers);
        final int objects = 1 + (int) Math.round(random.nextExponential(meanObjects - 1 + 1e-9));
        final int conns = Math.min(objects, maxPerServer);
        for (int i = 0; i < conns; i++) {
            connBytes[i] = 0;
        }
        for (int o = 0; o < objects; o++) {
            connBytes[o % conns] += 1 + (long) random.nextExponential(meanObjectBytes);
        }
        for (int i = 0; i < conns; i++) {
            flows.open(stats, null, dials.choose(server, nowNs), server, connBytes[i], 0, nowNs);
        }
        final long next = nowNs + Math.max(1, random.nextExponentialNs(meanPageGapNs));
        if (next < untilNs) {
            loop.schedule(next, kind, 0, 0);
        }
    }

    /** @return page loads started */
    public long pages() {
        return pages;
    }

    /** @return the statistics */
    public WorkloadStats stats() {
        return stats;
    }
}
