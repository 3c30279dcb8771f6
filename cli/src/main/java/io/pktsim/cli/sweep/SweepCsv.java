package io.pktsim.cli.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.pktsim.cli.scenario.Scenario;
import io.pktsim.lb.router.RouterResults;

/**
 * The rows of results.csv (RFC 4180, lines end in {@code \n}, the columns documented in docs/sweeps.md): the point,
 * its swept values, the seed, then the headline figures of the point's result. Deterministic text: rates in Mbit/s
 * with 3 decimals, loads in percent with 1 decimal, {@link Locale#ROOT}.
 */
public final class SweepCsv {

    /** The columns after the point, the swept keys and the seed. */
    public static final List<String> FIGURES = List.of("goodput_down_mbps", "goodput_up_mbps", "forwarded_packets",
        "cpu_avg_pct", "cpu_hottest", "cpu_hottest_pct", "cores_pct", "drops_total", "drops_ring", "drops_backlog",
        "drops_qdisc", "conntrack_entries", "conntrack_drop", "flowtable_offloaded", "flowtable_fast_path_packets",
        "ppe_entries", "ppe_hw_packets", "tcp_ended", "tcp_reconnects", "latency_down_p50_ms", "latency_down_p99_ms",
        "latency_up_p50_ms", "latency_up_p99_ms", "ring_p99", "backlog_fullest", "backlog_p50", "backlog_p99",
        "bottleneck");

    private SweepCsv() {
    }

    /**
     * @param dims the sweep's dimensions
     * @return the header line, ending with a newline
     */
    public static String header(final List<SweepGrid.Dimension> dims) {
        final List<String> cols = new ArrayList<>();
        cols.add("point");
        for (final SweepGrid.Dimension d : dims) {
            if (!SweepGrid.SEED_KEY.equals(d.key())) {
                cols.add(d.key());
            }
        }
        cols.add("seed");
        cols.addAll(FIGURES);
        return line(cols);
    }

    /**
     * @param dims the sweep's dimensions
     * @param p the point
     * @param r its results
     * @return its row, ending with a newline
     */
    public static String row(final List<SweepGrid.Dimension> dims, final SweepGrid.Point p, final RouterResults r) {
        final Scenario s = p.scenario();
        final List<String> cols = new ArrayList<>();
        cols.add(Integer.toString(p.index()));
        for (int d = 0; d < dims.size(); d++) {
            if (!SweepGrid.SEED_KEY.equals(dims.get(d).key())) {
                cols.add(p.values().get(d));
            }
        }
        cols.add(Long.toString(s.seed()));
        cols.add(mbit(r.goodputDownloadBps()));
        cols.add(mbit(r.goodputUploadBps()));
        cols.add(Long.toString(r.forwardedPackets()));
        cols.add(pct(r.cpuAverage()));
        RouterResults.CpuThread hottest = null;
        for (final RouterResults.CpuThread t : r.cpuThreads()) {
            if (hottest == null || t.busy() > hottest.busy()) {
                hottest = t;
            }
        }
        cols.add(hottest == null ? "" : "cpu" + hottest.cpu());
        cols.add(hottest == null ? "" : pct(hottest.busy()));
        final StringBuilder cores = new StringBuilder();
        for (final RouterResults.CpuCoreLoad c : r.cpuCores()) {
            cores.append(cores.length() == 0 ? "" : ";").append(pct(c.busy()));
        }
        cols.add(cores.toString());
        long total = 0;
        for (final RouterResults.Count c : r.drops().byReason()) {
            total += c.value();
        }
        cols.add(Long.toString(total));
        cols.add(Long.toString(r.drops().ring()));
        cols.add(Long.toString(r.drops().backlog()));
        cols.add(Long.toString(r.drops().qdisc()));
        cols.add(Long.toString(RouterResults.count(r.conntrack(), "entries")));
        cols.add(Long.toString(RouterResults.count(r.conntrack(), "drop")));
        cols.add(Long.toString(RouterResults.count(r.flowtable(), "offloaded")));
        cols.add(Long.toString(RouterResults.count(r.flowtable(), "fast_path_packets")));
        cols.add(Long.toString(RouterResults.count(r.ppe(), "entries")));
        cols.add(Long.toString(RouterResults.count(r.ppe(), "hw_packets")));
        cols.add(Long.toString(RouterResults.count(r.tcp(), "resets") + RouterResults.count(r.tcp(), "idle_timeouts")));
        cols.add(Long.toString(RouterResults.count(r.tcp(), "reconnects")));
        for (final String dir : new String[] {"down_", "up_"}) {
            // empty when no frame went that way
            final boolean any = RouterResults.count(r.latency(), dir + "frames") > 0;
            cols.add(any ? ms(RouterResults.count(r.latency(), dir + "p50_ns")) : "");
            cols.add(any ? ms(RouterResults.count(r.latency(), dir + "p99_ns")) : "");
        }
        // the queues: the RX ring's p99, and the backlog whose median arrival found the most (the first such CPU)
        RouterResults.Occupancy ring = null;
        RouterResults.Occupancy fullest = null;
        for (final RouterResults.Occupancy o : r.occupancy()) {
            if (o.cpu() < 0) {
                ring = o;
            } else if (fullest == null || o.p50() > fullest.p50()) {
                fullest = o;
            }
        }
        cols.add(ring == null ? "" : Long.toString(ring.p99()));
        cols.add(fullest == null ? "" : "cpu" + fullest.cpu());
        cols.add(fullest == null ? "" : Long.toString(fullest.p50()));
        cols.add(fullest == null ? "" : Long.toString(fullest.p99()));
        cols.add(r.bottleneck().replace('\n', ' ').replace('\r', ' '));
        return line(cols);
    }

    /**
     * @param bps bits/s
     * @return Mbit/s with 3 decimals
     */
    static String mbit(final long bps) {
        return String.format(Locale.ROOT, "%.3f", bps / 1e6);
    }

    /**
     * @param ns a duration
     * @return milliseconds with 3 decimals
     */
    static String ms(final long ns) {
        return String.format(Locale.ROOT, "%.3f", ns / 1e6);
    }

    /**
     * @param fraction 0..1
     * @return percent with 1 decimal
     */
    static String pct(final double fraction) {
        return String.format(Locale.ROOT, "%.1f", fraction * 100);
    }

    /**
     * @param cols the fields
     * @return one CSV line, quoted where needed, ending with a newline
     */
    static String line(final List<String> cols) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cols.size(); i++) {
            final String c = cols.get(i);
            sb.append(i == 0 ? "" : ",");
            if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0) {
                sb.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(c);
            }
        }
        return sb.append('\n').toString();
    }

    /**
     * Splits one CSV line (without its newline) written by {@link #line}.
     *
     * @param line the line
     * @return the fields
     */
    static List<String> split(final String line) {
        final List<String> out = new ArrayList<>();
        final StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            final char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        out.add(f.toString());
        return out;
    }
}
