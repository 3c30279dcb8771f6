package io.pktsim.cli.gro;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.pktsim.cli.PktsimMain;
import io.pktsim.stack.gro.GroConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code pktsim gro}: replays a capture through one NAPI instance's GRO as Linux 6.18 does it and reports
 * what the stack received and why each packet was delivered. See docs/gro.md.
 */
@Command(
    name = "gro",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Replay a capture through Linux 6.18 GRO: what is received, and why.",
        "IN.pcap holds Ethernet frames (link type 1). Frames with the same timestamp",
        "are taken by one NAPI poll (split at --weight); a later timestamp starts a",
        "later poll. Without --out and --json, prints a summary.",
        "Exit codes: 0 done, 1 an output could not be written, 2 bad usage or input."})
public final class GroCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "IN.pcap",
        description = "The capture to replay (pcap, micro- or nanosecond timestamps, link type 1).")
    private String in;

    @Option(names = "--out", paramLabel = "OUT.pcap",
        description = "Write what the stack received, one record per packet; an aggregate is one large frame.")
    private String out;

    @Option(names = "--json", paramLabel = "FILE|-",
        description = "Write a JSON array, one object per packet received (- for standard output).")
    private String json;

    @Option(names = "--weight", paramLabel = "N", defaultValue = "64",
        description = "NAPI weight: frames per poll, 1..65536 (default ${DEFAULT-VALUE}).")
    private int weight;

    @Option(names = "--rx-hash", paramLabel = "none|l4", defaultValue = GroReplay.HASH_L4,
        description = "Receive hash: l4 as an RSS NIC sets it (default); none leaves it unset, every flow in "
            + "GRO bucket 0 (tun/tap).")
    private String rxHash;

    @Option(names = "--rx-csum", paramLabel = "none|unnecessary|complete|partial", defaultValue = "unnecessary",
        description = "Checksum state the NIC reports (default ${DEFAULT-VALUE}); none makes GRO verify the TCP "
            + "checksum in software.")
    private String rxCsum;

    @Option(names = "--hz", paramLabel = "HZ", defaultValue = "250",
        description = "CONFIG_HZ, jiffies per second, 1..1000000 (default ${DEFAULT-VALUE}).")
    private int hz;

    @Option(names = "--gro-flush-timeout-ns", paramLabel = "N", defaultValue = "0",
        description = "/sys/class/net/DEV/gro_flush_timeout, ns (default 0: flush at the end of every poll).")
    private long flushTimeoutNs;

    @Option(names = "--napi-defer-hard-irqs", paramLabel = "N", defaultValue = "0",
        description = "/sys/class/net/DEV/napi_defer_hard_irqs (default 0).")
    private int deferHardIrqs;

    @Option(names = "--gro-list", description = "Fraglist GRO (ethtool -K DEV rx-gro-list on), as for forwarding.")
    private boolean groList;

    @Option(names = "--udp-gro-forwarding", description = "Non-fraglist UDP GRO of forwarded datagrams (ethtool -K "
        + "DEV rx-udp-gro-forwarding on): a flow's datagrams merge into one SKB_GSO_UDP_L4 packet; with --gro-list, "
        + "fraglist GRO takes them instead.")
    private boolean udpGroForwarding;

    @Option(names = "--pppoe-gro", description = "OpenWrt's PPPoE GRO (650-net-pppoe-implement-GRO-support.patch): "
        + "PPPoE session frames carrying TCP merge; mainline 6.18 has none (no_handler).")
    private boolean pppoeGro;

    @Override
    public Integer call() {
        final PrintWriter stdout = spec.commandLine().getOut();
        final PrintWriter stderr = spec.commandLine().getErr();
        final GroReplay replay;
        final boolean nanoseconds;
        final String problem = ReplayCommands.outputsProblem(in, out, json);
        if (problem != null) {
            return ReplayCommands.badUsage(stderr, "gro", problem);
        }
        try {
            replay = new GroReplay(weight, rxHash, rxCsum, config());
            nanoseconds = PcapInput.read(Path.of(in), replay::add);
        } catch (final BadInputException e) {
            return ReplayCommands.badInput(stderr, "gro", e);
        }
        final List<ReplayRecord> records = replay.run();
        try {
            ReplayCommands.writeOutputs(stdout, out, json, records, nanoseconds,
                ReplayOutput.render(w -> ReplayJson.writeGro(records, w)));
        } catch (final ReplayOutput.WriteFailure e) {
            return ReplayCommands.failed(spec, stderr, "gro", e);
        }
        if (out == null && json == null) {
            printSummary(stdout, replay, records);
        }
        return PktsimMain.EXIT_OK;
    }

    private GroConfig config() throws BadInputException {
        if (hz < 1 || hz > 1_000_000) {
            throw new BadInputException(0, "--hz " + hz + " is outside 1..1000000");
        }
        if (flushTimeoutNs < 0) {
            throw new BadInputException(0, "--gro-flush-timeout-ns " + flushTimeoutNs + " is negative");
        }
        if (deferHardIrqs < 0) {
            throw new BadInputException(0, "--napi-defer-hard-irqs " + deferHardIrqs + " is negative");
        }
        return new GroConfig().hz(hz).groFlushTimeoutNs(flushTimeoutNs).napiDeferHardIrqs(deferHardIrqs)
            .rxGroList(groList).udpGroForwarding(udpGroForwarding).pppoeGro(pppoeGro);
    }

    /**
     * Per PPPoE session: frames in, packets delivered and aggregates, so that a student sees which session's frames
     * merged (each session is its own flow: {@code compare_pppoe_header()}); nothing when no frame is PPPoE.
     */
    private static void printPppoe(final PrintWriter o, final GroReplay replay, final List<ReplayRecord> records) {
        final Map<Integer, long[]> sessions = new java.util.TreeMap<>();
        for (final byte[] f : replay.frames()) {
            final int sid = ReplayJson.pppoeSession(f);
            if (sid >= 0) {
                sessions.computeIfAbsent(sid, k -> new long[3])[0]++;
            }
        }
        if (sessions.isEmpty()) {
            return;
        }
        for (final ReplayRecord r : records) {
            final int sid = ReplayJson.pppoeSession(r.frame());
            if (sid >= 0) {
                final long[] c = sessions.computeIfAbsent(sid, k -> new long[3]);
                c[1]++;
                c[2] += r.segs() != null && r.segs() > 1 ? 1 : 0;
            }
        }
        o.println(replay.pppoeGro() ? "pppoe sessions (OpenWrt's pppoe_gro_receive; each session its own flow):"
            : "pppoe sessions (no GRO handler for ETH_P_PPP_SES in mainline 6.18; --pppoe-gro for OpenWrt's):");
        for (final Map.Entry<Integer, long[]> e : sessions.entrySet()) {
            final long[] c = e.getValue();
            o.printf(Locale.ROOT, "  0x%04x  %d frames in, %d delivered, %d %s%n", e.getKey(), c[0], c[1], c[2],
                c[2] == 1 ? "aggregate" : "aggregates");
        }
    }

    private static void printSummary(final PrintWriter o, final GroReplay replay, final List<ReplayRecord> records) {
        long mergedSegments = 0;
        long aggregates = 0;
        final Map<String, Long> reasons = new LinkedHashMap<>();
        for (final ReplayRecord r : records) {
            final int segs = r.segs() == null ? 1 : r.segs();
            if (segs > 1) {
                mergedSegments += segs;
                aggregates++;
            }
            reasons.merge(r.flushReason(), 1L, Long::sum);
        }
        final List<Map.Entry<String, Long>> sorted = new ArrayList<>(reasons.entrySet());
        sorted.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey())
            : Long.compare(b.getValue(), a.getValue()));
        o.printf(Locale.ROOT, "frames in:          %d (%d %s)%n", replay.frameCount(), replay.polls(),
            replay.polls() == 1 ? "poll" : "polls");
        o.printf(Locale.ROOT, "packets delivered:  %d%n", records.size());
        o.printf(Locale.ROOT, "segments merged:    %d (into %d %s)%n", mergedSegments, aggregates,
            aggregates == 1 ? "aggregate" : "aggregates");
        o.println("flush reasons:");
        for (final Map.Entry<String, Long> e : sorted) {
            o.printf(Locale.ROOT, "  %-18s %d%n", e.getKey(), e.getValue());
        }
        printPppoe(o, replay, records);
        o.flush();
    }
}
