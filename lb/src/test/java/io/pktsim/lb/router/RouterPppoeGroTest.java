package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.pcap.PcapFormatException;
import io.pktsim.core.pcap.PcapReader;
import io.pktsim.core.test.AllocationMeter;
import io.pktsim.core.trace.JsonLinesTraceSink;
import io.pktsim.core.trace.TraceBus;
import io.pktsim.core.trace.TraceNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GRO of PPPoE session frames: none in mainline 6.18 (no GRO handler for {@code ETH_P_PPP_SES}), and with OpenWrt's
 * {@code pppoe_gro_receive} ({@code napi.pppoeGro}) a download through a PPPoE dial merges as a plain Ethernet one
 * does, goes through PPPoE, conntrack and NAT once per aggregate, and leaves on the LAN as the segments it came in.
 */
class RouterPppoeGroTest {

    @TempDir
    Path tmp;

    private static RouterConfig config(final boolean pppoeGro, final RouterConfig.Outputs outputs) {
        final RouterConfig base = RouterFixtures.config(1, 1, 1000 * RouterFixtures.MBIT, true, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, 4, RouterConfig.Direction.DOWNLOAD)),
                240_000_000L, 3);
        return new RouterConfig(base.profile().driverName("mtk_eth_soc").adaptiveRx(true).rpsCpus(0x4)
                .pppoeGro(pppoeGro), base.lan(), base.wan(), false, base.balancing(), base.offload(), base.firewall(),
                base.qdisc(), base.workload(), base.durationNs(), base.warmupNs(), base.seed(), base.run(), outputs);
    }

    private static long gro(final RouterResults r, final String name) {
        return r.gro().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().value();
    }

    @Test
    void shouldMergePppoeSessionFramesOnlyWithOpenWrtsHandler() {
        final RouterResults mainline = new RouterSimulation(config(false, RouterConfig.Outputs.NONE))
                .run(ProgressListener.NONE);
        final RouterResults openwrt = new RouterSimulation(config(true, RouterConfig.Outputs.NONE))
                .run(ProgressListener.NONE);
        assertThat(gro(mainline, "merged")).as("6.18: no GRO for PPPoE session frames").isZero();
        assertThat(gro(mainline, "received")).isPositive();
        assertThat(gro(openwrt, "merged")).as("pppoe_gro_receive").isGreaterThan(gro(openwrt, "received") / 4);
        // the RPS CPU takes each aggregate up once: fewer passes through __netif_receive_skb_core for more data
        final long mainlineBps = mainline.goodputDownloadBps();
        final long openwrtBps = openwrt.goodputDownloadBps();
        assertThat(openwrtBps).as("the CPU-bound download gains").isGreaterThan(mainlineBps * 3 / 2);
    }

    /**
     * The line's captures show each aggregate once with its PPPoE length field covering it
     * ({@code pppoe_gro_complete}), and GSO at the LAN device gives every segment back the TSval it came in with.
     */
    @Test
    void shouldCaptureAggregatesWithTheirPppoeLengthAndSendTheSegmentsBack() throws IOException,
            PcapFormatException {
        final Path dir = tmp.resolve("pcap");
        Files.createDirectories(dir);
        final RouterResults r = new RouterSimulation(config(true, new RouterConfig.Outputs(dir, null)))
                .run(ProgressListener.NONE);
        assertThat(gro(r, "merged")).isPositive();
        final Map<Long, Set<Integer>> lineTsVal = new HashMap<>();
        long aggregates = 0;
        long sessionFrames = 0;
        try (PcapReader in = PcapReader.open(dir.resolve("eth0.2.pcap"))) {
            final byte[] b = new byte[256];
            while (in.next()) {
                final int n = Math.min(in.capturedLength(), b.length);
                in.frame().getBytes(0, b, 0, n);
                if (u16(b, 12) != 0x8864) {
                    continue;
                }
                sessionFrames++;
                // ETH_P_PPP_SES: the session header's length is the frame past it (PPP protocol and IP packet)
                assertThat(u16(b, 18)).as("PPPoE length of frame %d", sessionFrames)
                        .isEqualTo(in.originalLength() - 14 - 6);
                final int ipLength = u16(b, 24);
                assertThat(u16(b, 18)).isEqualTo(ipLength + 2);
                if (in.originalLength() > 1514) {
                    aggregates++;
                }
                visitTcp(b, 22, lineTsVal);
            }
        }
        assertThat(sessionFrames).isPositive();
        assertThat(aggregates).as("aggregates shown once, longer than a frame").isPositive();
        final long[] checked = new long[1];
        final Map<Long, Set<Integer>> lan = new HashMap<>();
        try (PcapReader in = PcapReader.open(dir.resolve("eth0.1.pcap"))) {
            final byte[] b = new byte[256];
            while (in.next()) {
                final int n = Math.min(in.capturedLength(), b.length);
                in.frame().getBytes(0, b, 0, n);
                if (u16(b, 12) == 0x0800) {
                    visitTcp(b, 14, lan);
                }
            }
        }
        lan.forEach((key, tsVals) -> {
            final Set<Integer> before = lineTsVal.get(key);
            if (before != null) {
                assertThat(before).as("TSval of segment %x", key).containsAll(tsVals);
                checked[0]++;
            }
        });
        assertThat(checked[0]).isGreaterThan(500);
    }

    /**
     * The 64 KiB limit counts the PPPoE header: {@code skb_gro_receive} refuses a segment when {@code p->len + len >=
     * gro_max_size}, {@code p->len} measured from the held skb's PPPoE header. With a 1181-byte dial MTU a segment
     * carries 1129 bytes (MSS 1141 less the timestamps), so 58 segments make an IP packet of 65534 bytes, which the
     * 8 PPPoE bytes take to 65542: the kernel stops at 57. Long moderation lets one connection's polls take 64
     * frames, so the limit is reached.
     */
    @Test
    void shouldCountThePppoeHeaderTowardTheAggregatesLimit() throws IOException, PcapFormatException {
        final RouterConfig c = config(true, RouterConfig.Outputs.NONE);
        final RouterConfig.Wan w = c.wan();
        final Path dir = tmp.resolve("limit");
        Files.createDirectories(dir);
        final RouterConfig one = new RouterConfig(c.profile().adaptiveRx(false).rxUsecs(2000).rxFrames(127), c.lan(),
                new RouterConfig.Wan(w.lines(), w.dialsPerLine(), w.lineRateBps(), 0, true, 1181, 20_000_000L, 16),
                false, c.balancing(), c.offload(), c.firewall(), c.qdisc(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, 1, RouterConfig.Direction.DOWNLOAD)),
                c.durationNs(), c.warmupNs(), c.seed(), c.run(), new RouterConfig.Outputs(dir, null));
        new RouterSimulation(one).run(ProgressListener.NONE);
        int longest = 0;
        try (PcapReader in = PcapReader.open(dir.resolve("eth0.2.pcap"))) {
            final byte[] b = new byte[64];
            while (in.next()) {
                in.frame().getBytes(0, b, 0, Math.min(in.capturedLength(), b.length));
                if (u16(b, 12) == 0x8864 && u16(b, 24) > 1500) {
                    longest = Math.max(longest, u16(b, 24));
                }
            }
        }
        assertThat(longest).as("the longest aggregate's IP length: 57 segments of 1129").isEqualTo(52 + 57 * 1129);
    }

    /** PPPoE GRO, its taps and its trace allocate nothing per packet once warm. */
    @Test
    void shouldAllocateNothingPerPacketOnceWarm() throws IOException {
        final long second = 1_000_000_000L;
        final RouterConfig c = config(true, RouterConfig.Outputs.NONE);
        final RouterSimulation sim = new RouterSimulation(new RouterConfig(c.profile(), c.lan(), c.wan(), false,
                c.balancing(), c.offload(), c.firewall(), c.qdisc(), c.workload(), 3 * second, c.warmupNs(),
                c.seed(), c.run(), RouterConfig.Outputs.NONE));
        final PcapTaps taps = PcapTaps.open(tmp, 160, sim.devices(), List.of());
        try (TraceBus bus = TraceBus.start(new TraceNames(), TraceBus.DEFAULT_RING_SIZE,
                JsonLinesTraceSink.toFile(tmp.resolve("trace.jsonl")))) {
            sim.tap(taps);
            sim.trace(bus);
            sim.start();
            sim.advance(second);
            final long delivered = sim.delivered();
            final long a0 = AllocationMeter.allocatedBytes();
            sim.advance(second + second / 2);
            final long a1 = AllocationMeter.allocatedBytes();
            assertThat(sim.delivered() - delivered).as("packets in the window").isGreaterThan(20_000);
            assertThat(a1 - a0).as("bytes allocated simulating 0.5 s").isLessThanOrEqualTo(64 << 10);
        } finally {
            taps.abort();
        }
    }

    /** Records a TCP data segment's (seq, ack) → TSval from an IPv4 packet at {@code ip}. */
    private static void visitTcp(final byte[] b, final int ip, final Map<Long, Set<Integer>> into) {
        if ((b[ip] & 0xF0) != 0x40 || (b[ip + 9] & 0xFF) != 6) {
            return;
        }
        final int ihl = (b[ip] & 0x0F) * 4;
        final int th = ip + ihl;
        final int doff = (b[th + 12] & 0xF0) >>> 2;
        final int payload = u16(b, ip + 2) - ihl - doff;
        if (payload <= 0 || doff < 32) {
            return;
        }
        final long key = u32(b, th + 4) << 32 | u32(b, th + 8);
        into.computeIfAbsent(key, k -> new HashSet<>()).add((int) u32(b, th + 24));
    }

    private static int u16(final byte[] b, final int at) {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }

    private static long u32(final byte[] b, final int at) {
        return (long) u16(b, at) << 16 | u16(b, at + 2);
    }
}
