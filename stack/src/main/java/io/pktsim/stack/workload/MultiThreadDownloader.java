package io.pktsim.stack.workload;

/**
 * A multi-thread downloader (aria2, IDM): one file from one server fetched over N parallel TCP connections,
 * each a range of about size / N bytes. All connections go to the same server address, which matters for
 * balancing: a hash over addresses only (ECMP policy 0) puts them all on one dial.
 */
public final class MultiThreadDownloader {

    private final TcpFlows flows;
    private final DialChooser dials;
    private final int server;
    private final int threads;
    private final long fileBytes;
    private final WorkloadStats stats;
    private final int[] ids;
    private long startNs;
    private long doneNs = -1;
    private int done;
    private final TcpFlows.FlowDoneListener onDone;

    /**
     * @param name the application's name
     * @param flows the flow pool
     * @param dials picks each connection's dial
     * @param server the server
     * @param threads parallel connections
     * @param fileBytes the file's size, in bytes
     */
    public MultiThreadDownloader(final String name, final TcpFlows flows, final DialChooser dials, final int server,
        final int threads, final long fileBytes) {
        if (threads < 1 || fileBytes < threads) {
            throw new IllegalArgumentException("downloader " + name + ": threads " + threads + " (>= 1) and file "
                + fileBytes + " bytes (>= threads)");
        }
        this.flows = flows;
        this.dials = dials;
        this.server = server;
        this.threads = threads;
        this.fileBytes = fileBytes;
        this.stats = new WorkloadStats(name);
        this.ids = new int[threads];
        this.onDone = (flow, nowNs) -> {
            if (++done == threads) {
                doneNs = nowNs;
            }
        };
    }

    /**
     * Opens the N connections.
     *
     * @param nowNs the simulated time, in nanoseconds
     */
    public void start(final long nowNs) {
        startNs = nowNs;
        final long part = fileBytes / threads;
        for (int i = 0; i < threads; i++) {
            final long bytes = i == threads - 1 ? fileBytes - part * (threads - 1) : part;
            ids[i] = flows.open(stats, onDone, dials.choose(server, nowNs), server, bytes, 0, nowNs);
        }
    }

    /** @return the time the last range finished, in ns, or -1 */
    public long doneNs() {
        return doneNs;
    }

    /** @return the download time, in ns, or -1 while running */
    public long durationNs() {
        return doneNs < 0 ? -1 : doneNs - startNs;
    }

    /** @return the statistics */
    public WorkloadStats stats() {
        return stats;
    }
}
