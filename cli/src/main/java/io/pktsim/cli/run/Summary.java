package io.pktsim.cli.run;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.pktsim.cli.config.Units;
import io.pktsim.cli.scenario.Scenario;
import io.pktsim.lb.router.RouterResults;
import io.pktsim.lb.router.RouterSimulation;

/**
 * The human summary of a run: goodput per direction and per dial, CPU per hardware thread, per core and on
 * average with the top stages, drops, and the bottleneck in words. Deterministic (no wall clock).
 */
public final class Summary {

    /** How many stages the summary lists. */
    public static final int TOP_STAGES = 5;

    private Summary() {
    }

    /**
     * @param o where to print
     * @param s the scenario as run
     * @param r the results
     */
    public static void print(final PrintWriter o, final Scenario s, final RouterResults r) {
        o.println(s.description().isBlank() ? s.name() : s.name() + ": " + s.description());
        o.printf(Locale.ROOT, "  %s, %d x %d %s, %s, offload %s; %s measured after %s warm-up; seed %d, run %d%n",
            s.device().preset().label() + (s.device().profile().dsa() ? " (DSA)" : ""), s.wan().lines(),
            s.wan().dialsPerLine(), s.wan().lines() * s.wan().dialsPerLine() == 1 ? "dial" : "dials",
            s.balancing().mode().label(),
            s.offload().label(), Units.formatNs(s.durationNs()), Units.formatNs(s.warmUpNs()), s.seed(), s.run());
        if (!s.wan().redials().isEmpty()) {
            // the redials as scheduled, in the dials' names (times from the run's start, warm-up included)
            final StringBuilder redials = new StringBuilder();
            for (final Scenario.Redial x : s.wan().redials()) {
                redials.append(redials.length() == 0 ? "" : ", ").append(r.dials().get(x.dial()).name())
                    .append(" down from ").append(Units.formatNs(x.atNs())).append(" to ")
                    .append(Units.formatNs(x.atNs() + x.downNs()));
            }
            o.println("  redials: " + redials);
        }
        o.printf(Locale.ROOT, "goodput:    download %s, upload %s (%d packets forwarded)%n",
            mbit(r.goodputDownloadBps()), mbit(r.goodputUploadBps()), r.forwardedPackets());
        if (!r.dials().isEmpty()) {
            o.println("per dial:");
            for (final RouterResults.Dial d : r.dials()) {
                o.printf(Locale.ROOT, "  %-12s line %d  down %s  up %s  %d %s%n", d.name(), d.line(),
                    mbit(d.downloadBps()), mbit(d.uploadBps()), d.flows(), d.flows() == 1 ? "flow" : "flows");
            }
        }
        final int threads = r.cpuThreads().size();
        o.printf(Locale.ROOT, "CPU:        %s average over %d hardware %s%n", pct(r.cpuAverage()), threads,
            threads == 1 ? "thread" : "threads");
        for (final RouterResults.CpuThread t : r.cpuThreads()) {
            // ksoftirqd/N: the part of the softirq that handle_softirqs left to the CPU's ksoftirqd (what top lists)
            final String ksoftirqd = t.ksoftirqd() > 0
                ? String.format(Locale.ROOT, " (ksoftirqd/%d %s)", t.cpu(), pct(t.ksoftirqd())) : "";
            o.printf(Locale.ROOT, "  cpu%d (core %d): %s busy (hard IRQ %s, softirq %s%s, kernel threads %s)%n",
                t.cpu(), t.core(), pct(t.busy()), pct(t.hardIrq()), pct(t.softirq()), ksoftirqd, pct(t.thread()));
        }
        final StringBuilder cores = new StringBuilder();
        for (final RouterResults.CpuCoreLoad c : r.cpuCores()) {
            cores.append(cores.length() == 0 ? "" : ", ").append("core ").append(c.core()).append(' ')
                .append(pct(c.busy()));
        }
        if (cores.length() > 0) {
            o.println("  " + cores);
        }
        final List<RouterResults.Stage> stages = new ArrayList<>(r.stages());
        stages.sort((a, b) -> a.cycles() != b.cycles() ? Long.compare(b.cycles(), a.cycles())
            : a.name().compareTo(b.name()));
        if (!stages.isEmpty()) {
            final StringBuilder top = new StringBuilder();
            for (int i = 0; i < Math.min(TOP_STAGES, stages.size()); i++) {
                top.append(i == 0 ? "" : ", ").append(stages.get(i).name()).append(' ')
                    .append(pct(stages.get(i).fraction()));
            }
            o.println("  top stages: " + top);
        }
        final StringBuilder other = new StringBuilder();
        for (final RouterResults.Count c : r.drops().byReason()) {
            if (c.value() != 0) {
                other.append(other.length() == 0 ? "; by reason: " : ", ").append(c.name()).append(' ')
                    .append(c.value());
            }
        }
        final String hooks = RouterSimulation.flowtableHooks(ScenarioMapper.toConfig(s, null, null));
        if (hooks != null) {
            // where the flowtable catches the packets of each side (docs/forwarding.md, "Software flow offload")
            o.println("flowtable:  " + hooks);
        }
        o.printf(Locale.ROOT, "drops:      ring %d, backlog %d, qdisc %d%s%n", r.drops().ring(), r.drops().backlog(),
            r.drops().qdisc(), other);
        if (!r.latency().isEmpty()) {
            // how long a frame spends in the router (port to port, queues included) each way, and NAPI's batches
            final StringBuilder lat = new StringBuilder();
            for (final String dir : new String[] {"down", "up"}) {
                if (RouterResults.count(r.latency(), dir + "_frames") > 0) {
                    lat.append(lat.length() == 0 ? "" : "; ").append(dir.equals("down") ? "download" : "upload")
                        .append(" p50 ").append(duration(RouterResults.count(r.latency(), dir + "_p50_ns")))
                        .append(", p99 ").append(duration(RouterResults.count(r.latency(), dir + "_p99_ns")));
                }
            }
            o.printf(Locale.ROOT, "latency:    %s; RX polls of %d frames (median), %d (p99)%n", lat,
                RouterResults.count(r.pollBatch(), "p50"), RouterResults.count(r.pollBatch(), "p99"));
        }
        if (!r.occupancy().isEmpty()) {
            // what arrivals found in the RX ring and the RPS backlogs (the bufferbloat's place, and the drops')
            final StringBuilder q = new StringBuilder();
            for (final RouterResults.Occupancy x : r.occupancy()) {
                q.append(q.length() == 0 ? "" : "; ").append(x.cpu() < 0 ? "RX ring" : "backlog cpu" + x.cpu())
                    .append(" p50 ").append(x.p50()).append(", p99 ").append(x.p99())
                    .append(x.cpu() < 0 ? " frames" : " packets");
                if (x.full() > 0) {
                    q.append(", ").append(x.full()).append(" found it full");
                }
                final long squeezes = x.cpu() < 0 ? 0 : timeSqueezes(r, x.cpu());
                if (squeezes > 0) {
                    // the CPU's net_rx_action runs that ended on their budget or time limit (softnet_stat column 3)
                    q.append(", ").append(squeezes).append(" time_squeeze");
                }
            }
            o.printf(Locale.ROOT, "queues:     %s%n", q);
        }
        final List<RouterResults.Count> tcp = r.tcp();
        final long refused = RouterResults.count(tcp, "connects_refused");
        final long bindsRefused = RouterResults.count(r.udp(), "binds_refused");
        if (refused + bindsRefused > 0) {
            // the workload's sockets that got no source port (more to one server than ip_local_port_range holds)
            o.printf(Locale.ROOT, "not opened: %s, no free source port in their host's ip_local_port_range"
                + " 32768-60999%n", refused == 0 ? bindsRefused + " UDP sockets (EAGAIN)" : refused
                + " TCP connections (connect(): EADDRNOTAVAIL)"
                + (bindsRefused == 0 ? "" : " and " + bindsRefused + " UDP sockets (EAGAIN)"));
        }
        final long connections = RouterResults.count(tcp, "connections") - refused;
        final long established = RouterResults.count(tcp, "established");
        if (established < connections) {
            // connections whose handshake never completed (the drops above took their SYNs or SYN-ACKs)
            o.printf(Locale.ROOT, "tcp:        %d of %d connections not established (SYN sent again %d times, SYN-ACK"
                + " %d, connects failed %d)%n", connections - established, connections,
                RouterResults.count(tcp, "syn_retransmits"), RouterResults.count(tcp, "synack_retransmits"),
                RouterResults.count(tcp, "connect_failed"));
        }
        final long resets = RouterResults.count(tcp, "resets");
        final long idle = RouterResults.count(tcp, "idle_timeouts");
        final long connect = RouterResults.count(tcp, "app_connect_timeouts");
        if (resets + idle + connect > 0) {
            // connections that ended (a server's reset after a redial, an application's idle or connect timeout),
            // and what the applications did about it
            final long gaveUp = RouterResults.count(tcp, "app_gave_up");
            final long waiting = RouterResults.count(tcp, "reconnects_waiting");
            o.printf(Locale.ROOT, "ended:      %d connections (%d reset by their server, %d by their"
                + " application's idle timeout%s), %d opened again%s%s%s%n", resets + idle + connect, resets, idle,
                connect == 0 ? "" : ", " + connect + " by its connect timeout",
                RouterResults.count(tcp, "reconnects"), RouterResults.count(tcp, "reconnects_refused") == 0 ? ""
                    : ", " + RouterResults.count(tcp, "reconnects_refused")
                        + " not (no spare slot or source port)",
                gaveUp == 0 ? "" : ", " + gaveUp + " given up (their application's limit on its tries)",
                waiting == 0 ? "" : ", " + waiting + " waiting to try their peer again (libtorrent)");
        }
        o.println("bottleneck: " + r.bottleneck());
        final String hint = spreadHint(r);
        if (hint != null) {
            o.println("hint:       " + hint);
        }
        final String gso = gsoHint(r);
        if (gso != null) {
            o.println("hint:       " + gso);
        }
        o.flush();
    }

    /** A latency for the summary: {@code 850 us}, {@code 22.4 ms}, {@code 1.20 s}. */
    static String duration(final long ns) {
        if (ns < 10_000L) {
            return String.format(Locale.ROOT, "%.1f us", ns / 1e3);
        }
        if (ns < 1_000_000L) {
            return String.format(Locale.ROOT, "%d us", Math.round(ns / 1e3));
        }
        if (ns < 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f ms", ns / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", ns / 1e9);
    }

    /**
     * When one CPU holds the router while every other is less than half busy: the work is not spread, which the
     * steering (RPS, OpenWrt's packet steering) decides more than any cost (docs/planning.md). Null otherwise.
     */
    static String spreadHint(final RouterResults r) {
        final List<RouterResults.CpuThread> threads = r.cpuThreads();
        if (!r.bottleneck().startsWith("CPU:") || threads.size() < 2) {
            return null;
        }
        RouterResults.CpuThread top = threads.get(0);
        for (final RouterResults.CpuThread t : threads) {
            if (t.busy() > top.busy()) {
                top = t;
            }
        }
        double others = 0;
        for (final RouterResults.CpuThread t : threads) {
            if (t != top) {
                others = Math.max(others, t.busy());
            }
        }
        if (top.busy() < SATURATED || others >= HALF) {
            return null;
        }
        return "cpu" + top.cpu() + " is saturated while no other CPU is more than " + pct(others) + " busy: "
            + "the work is not spread over the CPUs (RPS: device.napi.rpsCpus, OpenWrt's packet steering; "
            + "see docs/planning.md)";
    }

    /**
     * When the CPU holds the router and the ppp devices' software GSO ({@code skb_segment}, stage {@code gso}: each
     * upload segment copied and checksummed) is at least {@link #GSO_SHARE} of the work: fraglist GRO splits an
     * aggregate without the copy (docs/forwarding.md). Null otherwise.
     */
    static String gsoHint(final RouterResults r) {
        if (!r.bottleneck().startsWith("CPU:")) {
            return null;
        }
        long all = 0;
        long gso = 0;
        for (final RouterResults.Stage st : r.stages()) {
            all += st.cycles();
            gso += "gso".equals(st.name()) ? st.cycles() : 0;
        }
        if (all == 0 || gso < GSO_SHARE * all) {
            return null;
        }
        return "the ppp devices' software GSO (skb_segment, stage gso) takes " + pct((double) gso / all)
            + " of the CPU work, copying every upload segment; fraglist GRO (device.napi.groList, OpenWrt's "
            + "default) splits the aggregates without a copy (see docs/forwarding.md)";
    }

    /** The share of all charged cycles from which {@link #gsoHint} speaks. */
    private static final double GSO_SHARE = 0.05;

    /** A CPU at least this busy holds the router; the others, below {@link #HALF}, could take work. */
    private static final double SATURATED = 0.99;
    private static final double HALF = 0.5;

    /**
     * @param bps bits/s
     * @return e.g. {@code 301.2 Mbit/s}
     */
    static String mbit(final long bps) {
        return String.format(Locale.ROOT, "%.1f Mbit/s", bps / 1e6);
    }

    /**
     * @param fraction 0..1
     * @return e.g. {@code 97.0 %}
     */
    static String pct(final double fraction) {
        return String.format(Locale.ROOT, "%.1f %%", fraction * 100);
    }

    /** CPU {@code cpu}'s {@code time_squeeze} count ({@code softnet}), 0 when it has no softnet entry. */
    private static long timeSqueezes(final RouterResults r, final int cpu) {
        for (final RouterResults.Softnet sn : r.softnet()) {
            if (sn.cpu() == cpu) {
                return sn.timeSqueeze();
            }
        }
        return 0;
    }
}
