package io.pktsim.lb.router;

import static io.pktsim.lb.router.RouterFixtures.merged;
import static io.pktsim.lb.router.RouterFixtures.stage;
import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.stack.profile.CostStage;
import io.pktsim.stack.profile.CostTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fraglist GRO ({@code device.napi.groList}, {@code rx-gro-list on}) in the router: 6.18's
 * {@code tcp_gro_receive} chains a forwarded flow's segments when their flag words are equal, at most 64, and
 * {@code skb_segment_list} splits the aggregate back at the first device without {@code NETIF_F_GSO_FRAGLIST},
 * where regular GRO's aggregate leaves by TSO (a gigabit download through a DHCP WAN) or is copied by
 * {@code skb_segment} (an upload by a PPPoE dial).
 */
class RouterFraglistGroTest {

    private static final long DRIVER_TX = 1800;
    private static final long GSO_LIST = 400;
    private static final long PPPOE = 1000;
    /** RouterFixtures' warm-up: a quarter of the 300 ms run. */
    private static final long WARM_UP_NS = 75_000_000L;

    @TempDir
    Path tmp;

    private static RouterResults run(final boolean groList, final boolean pppoe, final RouterConfig.Direction dir,
            final Path trace) {
        return runWith(groList, pppoe, dir, new RouterConfig.Outputs(null, trace));
    }

    private static RouterResults runWith(final boolean groList, final boolean pppoe, final RouterConfig.Direction dir,
            final RouterConfig.Outputs outputs) {
        final RouterConfig base = RouterFixtures.config(1, 1, 1000 * RouterFixtures.MBIT, pppoe, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, 8, dir)), 300_000_000L, 3);
        // the driver's per-packet work only, so that its cycles count its sends
        final CostTable costs = base.profile().costs().copy().set(CostStage.DRIVER_TX, 0, DRIVER_TX, 0);
        costs.set(CostStage.GSO, 0, 1000, 1000);
        costs.set(CostStage.GSO_LIST, 0, GSO_LIST, 0);
        return new RouterSimulation(RouterFixtures.openWrtNapi(base, costs.freeze(), groList, outputs))
                .run(ProgressListener.NONE);
    }

    private static double cyclesPerPacket(final RouterResults r) {
        return (double) r.stages().stream().mapToLong(RouterResults.Stage::cycles).sum() / r.forwardedPackets();
    }

    /**
     * A download leaves to the LAN: regular GRO's aggregate is one TSO send, a fraglist aggregate one driver send
     * per segment after {@code skb_segment_list} (at least two segments of each multi-segment aggregate, at most
     * all merged segments twice). Fraglist merges stop where regular ones go on: at any flag difference (reason
     * 7), and never past 45 segments of 1448 bytes (64 KiB counted whole per skb).
     */
    @Test
    void shouldSendEverySegmentOfAFraglistAggregateThroughTheDriver() throws IOException {
        final Path trace = tmp.resolve("list.jsonl");
        final RouterResults list = run(true, false, RouterConfig.Direction.DOWNLOAD, trace);
        final RouterResults tso = run(false, false, RouterConfig.Direction.DOWNLOAD, null);
        assertThat(merged(list)).isGreaterThan(list.forwardedPackets() / 4);
        assertThat(merged(tso)).isGreaterThan(tso.forwardedPackets() / 4);
        assertThat((double) stage(list, "driver_tx") / DRIVER_TX).as("driver sends with fraglist GRO")
                .isCloseTo(list.forwardedPackets(), Percentage.withPercentage(1));
        // (an aggregate the full backlog drops counts in merged, not in forwarded: fewer sends than this bound)
        assertThat((double) stage(tso, "driver_tx") / DRIVER_TX).as("driver sends with regular GRO and TSO")
                .isGreaterThanOrEqualTo(tso.forwardedPackets() - merged(tso))
                .isLessThan(0.8 * tso.forwardedPackets());
        assertGsoListPerSegment(list);
        assertThat(stage(tso, "gso_list")).isZero();
        assertThat(stage(list, "gso")).isZero();
        long longest = 0;
        long gsoSegs = 0;
        for (final RouterTraceTest.Event e : RouterTraceTest.read(trace)) {
            if ("gro_flush".equals(e.kind())) {
                assertThat(e.num("reason")).isBetween(1L, 8L);
                longest = Math.max(longest, e.num("segs"));
            } else if ("gso".equals(e.kind())) {
                // every aggregate is split by skb_segment_list at eth0 (ifindex 1), after its qdisc
                assertThat(e.num("how")).isEqualTo(2L);
                assertThat(e.num("ifindex")).isEqualTo(1L);
                gsoSegs += e.num("time_ns") >= WARM_UP_NS ? e.num("segs") : 0;
            }
        }
        assertThat(longest).isGreaterThan(8L).isLessThanOrEqualTo(45L);
        assertThat((double) gsoSegs).as("segments the gso events name after the warm-up")
                .isCloseTo((double) stage(list, "gso_list") / GSO_LIST, Percentage.withPercentage(1));
    }

    /**
     * {@code skb_segment_list} is charged per segment of every forwarded aggregate: at least once per merged
     * segment and once more per aggregate, at most twice per merged segment (an aggregate the full backlog drops
     * counts in merged and is charged nothing: the lower bound leaves it 5 %).
     */
    private static void assertGsoListPerSegment(final RouterResults r) {
        assertThat((double) stage(r, "gso_list") / GSO_LIST).isGreaterThan(0.95 * merged(r))
                .isLessThanOrEqualTo(2.0 * merged(r));
    }

    /**
     * tcp_gro_receive's fraglist branch: any flag word bit that differs (PSH here, which regular GRO merges and
     * completes on), a 64th segment, or 64 KiB with the new skb counted whole, refuses the merge.
     */
    @Test
    void shouldRefuseAFraglistMergeOnAnyFlagTheCountOrTheSize() {
        final org.agrona.concurrent.UnsafeBuffer b = new org.agrona.concurrent.UnsafeBuffer(new byte[64]);
        final int th = 0;
        final int th2 = 32;
        b.putInt(th + 12, 0x8010_01F5, java.nio.ByteOrder.BIG_ENDIAN);
        b.putInt(th2 + 12, 0x8010_01F5, java.nio.ByteOrder.BIG_ENDIAN);
        assertThat(RouterSimulation.fraglistRefusal(b, th, th2, 10, 20_000)).isZero();
        assertThat(RouterSimulation.fraglistRefusal(b, th, th2, 63, 65_535)).isZero();
        assertThat(RouterSimulation.fraglistRefusal(b, th, th2, 64, 20_000)).isEqualTo(8);
        assertThat(RouterSimulation.fraglistRefusal(b, th, th2, 10, 65_536)).isEqualTo(2);
        b.putInt(th + 12, 0x8018_01F5, java.nio.ByteOrder.BIG_ENDIAN);
        assertThat(RouterSimulation.fraglistRefusal(b, th, th2, 10, 20_000)).as("PSH").isEqualTo(7);
        b.putInt(th + 12, 0x8010_01F6, java.nio.ByteOrder.BIG_ENDIAN);
        assertThat(RouterSimulation.fraglistRefusal(b, th, th2, 10, 20_000)).as("window").isEqualTo(7);
    }

    /**
     * The taps: the LAN's VLAN device passes a fraglist aggregate on whole and shows it once, as it shows a regular
     * aggregate; eth0 splits a fraglist aggregate after its qdisc and shows each segment ({@code xmit_one} taps after
     * {@code validate_xmit_skb_list}), where it shows a regular aggregate whole (TSO).
     */
    @Test
    void shouldShowAFraglistAggregateWholeAboveEth0AndItsSegmentsOnEth0() throws Exception {
        for (final boolean groList : new boolean[] {false, true}) {
            final Path dir = tmp.resolve("pcap-" + groList);
            java.nio.file.Files.createDirectories(dir);
            runWith(groList, false, RouterConfig.Direction.DOWNLOAD, new RouterConfig.Outputs(dir, null));
            assertThat(longest(dir.resolve("eth0.1.pcap"), -1)).as("eth0.1, groList %s", groList)
                    .isGreaterThan(3000);
            // on eth0 the frames to the LAN (VLAN 1); those from the line (VLAN 2) are GRO's aggregates on receive
            if (groList) {
                assertThat(longest(dir.resolve("eth0.pcap"), 1)).as("eth0: segments").isLessThanOrEqualTo(1518);
            } else {
                assertThat(longest(dir.resolve("eth0.pcap"), 1)).as("eth0: TSO aggregates").isGreaterThan(3000);
            }
        }
    }

    /** The longest frame (its original length) in a capture, of 802.1Q VLAN {@code vid} only if not -1. */
    private static int longest(final Path file, final int vid) throws Exception {
        int max = 0;
        try (io.pktsim.core.pcap.PcapReader r = io.pktsim.core.pcap.PcapReader.open(file)) {
            while (r.next()) {
                final org.agrona.DirectBuffer f = r.frame();
                final boolean tagged = (f.getShort(12, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF) == 0x8100;
                if (vid < 0 || tagged && (f.getShort(14, java.nio.ByteOrder.BIG_ENDIAN) & 0x0FFF) == vid) {
                    max = Math.max(max, r.originalLength());
                }
            }
        }
        return max;
    }

    /**
     * An upload by a PPPoE dial: the fraglist aggregate is split without a copy (no {@code gso} stage), and every
     * segment still crosses PPPoE alone: one PPPoE pass per forwarded packet, as with regular GRO.
     */
    @Test
    void shouldSplitAnUploadWithoutCopyingAtThePppDevice() {
        final RouterResults list = run(true, true, RouterConfig.Direction.UPLOAD, null);
        final RouterResults copy = run(false, true, RouterConfig.Direction.UPLOAD, null);
        assertThat(merged(list)).isGreaterThan(list.forwardedPackets() / 4);
        assertThat(stage(list, "gso")).isZero();
        assertGsoListPerSegment(list);
        assertThat(stage(copy, "gso")).isPositive();
        assertThat(stage(copy, "gso_list")).isZero();
        for (final RouterResults r : List.of(list, copy)) {
            assertThat((double) stage(r, "pppoe") / PPPOE)
                    .isCloseTo(r.forwardedPackets(), Percentage.withPercentage(1));
        }
        // without the copy a forwarded packet costs less
        assertThat(cyclesPerPacket(list)).isLessThan(cyclesPerPacket(copy));
    }
}
