package io.pktsim.cli.gro;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.pktsim.cli.PktsimMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code pktsim gso}: cuts the TCP super-packets of a capture with Linux 6.18 software GSO and the forwarding
 * MTU check, and reports the wire packets. See docs/gso.md.
 */
@Command(
    name = "gso",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Cut TCP super-packets with Linux 6.18 GSO: wire segments, IDs, flags.",
        "Each frame of IN.pcap (Ethernet, link type 1) is a TCP super-packet (full IP",
        "length, up to 64 KiB) cut into --gso-size payloads; with --udp-gso, UDP ones",
        "too (UDP_SEGMENT, rx-udp-gro-forwarding). A segment above --mtu is",
        "dropped with the ICMP the kernel would send (DF or IPv6; reported on standard",
        "error) or IP-fragmented. Without --out and --json, prints a summary.",
        "Exit codes: 0 done, 1 an output could not be written, 2 bad usage or input."})
public final class GsoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "IN.pcap",
        description = "The super-packets (pcap, micro- or nanosecond timestamps, link type 1).")
    private String in;

    @Option(names = "--gso-size", required = true, paramLabel = "N",
        description = "Payload bytes per segment (skb_shinfo(skb)->gso_size, the MSS), at least 1.")
    private int gsoSize;

    @Option(names = "--mtu", paramLabel = "BYTES", defaultValue = "1500",
        description = "Egress MTU, 68..65535 (default ${DEFAULT-VALUE}).")
    private int mtu;

    @Option(names = "--out", paramLabel = "OUT.pcap", description = "Write the wire packets, in order.")
    private String out;

    @Option(names = "--json", paramLabel = "FILE|-",
        description = "Write a JSON array, one object per wire packet (- for standard output).")
    private String json;

    @Option(names = "--tx-csum", paramLabel = "on|off", defaultValue = "off",
        description = "Whether the egress device checksums: on leaves the pseudo-header sum in each segment for "
            + "the NIC; off (default) computes the TCP (or UDP) checksum in software.")
    private String txCsum;

    @Option(names = "--pppoe-gro", description = "OpenWrt's PPPoE GSO (pppoe_gso_segment, "
        + "650-net-pppoe-implement-GRO-support.patch): cut PPPoE super-packets, each segment with its own PPPoE "
        + "length; mainline 6.18 has none.")
    private boolean pppoeGro;

    @Option(names = "--udp-gso", description = "UDP datagrams whose payload exceeds --gso-size are UDP GSO "
        + "super-packets too (SKB_GSO_UDP_L4: a UDP_SEGMENT send, an rx-udp-gro-forwarding aggregate), cut by "
        + "__udp_gso_segment; without it UDP leaves whole.")
    private boolean udpGso;

    @Override
    public Integer call() {
        final PrintWriter stdout = spec.commandLine().getOut();
        final PrintWriter stderr = spec.commandLine().getErr();
        final GsoReplay replay;
        final boolean nanoseconds;
        final String problem = ReplayCommands.outputsProblem(in, out, json);
        if (problem != null) {
            return ReplayCommands.badUsage(stderr, "gso", problem);
        }
        try {
            if (!"on".equals(txCsum) && !"off".equals(txCsum)) {
                throw new BadInputException(0, "--tx-csum " + txCsum + " is not on or off");
            }
            replay = new GsoReplay(gsoSize, mtu, "on".equals(txCsum), pppoeGro, udpGso);
            nanoseconds = PcapInput.read(Path.of(in), replay::add);
        } catch (final BadInputException e) {
            return ReplayCommands.badInput(stderr, "gso", e);
        }
        final List<ReplayRecord> records = replay.run();
        try {
            ReplayCommands.writeOutputs(stdout, out, json, records, nanoseconds,
                ReplayOutput.render(w -> ReplayJson.writeGso(records, w)));
        } catch (final ReplayOutput.WriteFailure e) {
            return ReplayCommands.failed(spec, stderr, "gso", e);
        }
        if (out == null && json == null) {
            printSummary(stdout, replay, records);
        }
        for (final String icmp : replay.icmpReports()) {
            stderr.println("pktsim gso: " + in + ": " + icmp);
        }
        stderr.flush();
        return PktsimMain.EXIT_OK;
    }

    private static void printSummary(final PrintWriter o, final GsoReplay replay, final List<ReplayRecord> records) {
        long fragments = 0;
        for (final ReplayRecord r : records) {
            fragments += r.fragment() ? 1 : 0;
        }
        final int others = replay.frameCount() - replay.superPacketCount();
        final int tcp = replay.superPacketCount() - replay.udpSuperPacketCount();
        final int udp = replay.udpSuperPacketCount();
        o.printf(Locale.ROOT, "frames in:          %d (%d TCP %s%s%s)%n", replay.frameCount(), tcp,
            tcp == 1 ? "super-packet" : "super-packets",
            udp == 0 ? "" : ", " + udp + " UDP " + (udp == 1 ? "super-packet" : "super-packets"),
            others == 0 ? "" : ", " + others + " other");
        o.printf(Locale.ROOT, "wire packets out:   %d (%d of them IP fragments)%n", records.size(), fragments);
        o.printf(Locale.ROOT, "dropped, ICMP sent: %d%n", replay.icmpReports().size());
        o.flush();
    }
}
