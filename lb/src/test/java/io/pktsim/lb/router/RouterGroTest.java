package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.pcap.PcapFormatException;
import io.pktsim.core.pcap.PcapReader;
import io.pktsim.nic.ppe.PpeFlowTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router's GRO is 6.18's {@code dev_gro_receive} / {@code tcp_gro_receive}, and its interrupt moderation on an
 * MT7621 is mtk_eth_soc's {@code net_dim}: a gigabit TCP download through a K2P (DHCP WAN, so the segments are
 * GRO's), traced and captured.
 */
class RouterGroTest {

    @TempDir
    Path tmp;

    private static RouterConfig config(final boolean adaptive, final int connections,
            final RouterConfig.Outputs outputs) {
        final RouterConfig base = RouterFixtures.config(1, 1, 1000 * RouterFixtures.MBIT, false, false,
                RouterConfig.OffloadMode.FLOWTABLE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, connections,
                        RouterConfig.Direction.DOWNLOAD)),
                240_000_000L, 3);
        return RouterFixtures.withProfile(base,
                base.profile().driverName("mtk_eth_soc").adaptiveRx(adaptive).rpsCpus(0x4), outputs);
    }

    private static long gro(final RouterResults r, final String name) {
        return r.gro().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().value();
    }

    /**
     * tcp_gro_receive compares every option word, so an aggregate's segments share one TSval, and GSO at the LAN
     * device gives each segment back exactly the header it arrived with: (seq, ack) → TSval is the same on the
     * line (before GRO) and on the LAN (after GSO). A GRO that merged across a TSval tick would send the later
     * segments out with the head's.
     */
    @Test
    void shouldGiveEverySegmentBackTheTimestampItArrivedWith() throws IOException, PcapFormatException {
        final Path dir = tmp.resolve("pcap");
        Files.createDirectories(dir);
        final Path trace = tmp.resolve("t.jsonl");
        final RouterResults r = new RouterSimulation(config(true, 8, new RouterConfig.Outputs(dir, trace)))
                .run(ProgressListener.NONE);
        assertThat(gro(r, "merged")).as("GRO merged segments").isGreaterThan(gro(r, "received") / 4);
        // eth0.2: the line, untagged; frames from the servers carry the data segments (a retransmission: the same
        // sequence again with a later TSval)
        final Map<Long, java.util.Set<Integer>> lineTsVal = new HashMap<>();
        forEachTcpData(dir.resolve("eth0.2.pcap"),
                (key, tsVal) -> lineTsVal.computeIfAbsent(key, k -> new java.util.HashSet<>()).add(tsVal));
        final long[] checked = new long[1];
        forEachTcpData(dir.resolve("eth0.1.pcap"), (key, tsVal) -> {
            final java.util.Set<Integer> before = lineTsVal.get(key);
            if (before != null) {
                assertThat(before).as("TSval of segment %x", key).contains(tsVal);
                checked[0]++;
            }
        });
        assertThat(checked[0]).isGreaterThan(2_000);
        // and merges did stop at TSval ticks (reason 5), never past 45 segments of 1448 bytes
        long headerFlushes = 0;
        long longest = 0;
        for (final RouterTraceTest.Event e : RouterTraceTest.read(trace)) {
            if ("gro_flush".equals(e.kind())) {
                assertThat(e.num("reason")).isBetween(1L, 6L);
                headerFlushes += e.num("reason") == 5 ? 1 : 0;
                longest = Math.max(longest, e.num("segs"));
            }
        }
        assertThat(headerFlushes).isPositive();
        assertThat(longest).as("longer than the old 18-segment cap").isGreaterThan(18L).isLessThanOrEqualTo(45L);
    }

    /** A TCP data segment's (seq, ack) and TSval, from an untagged Ethernet + IPv4 capture. */
    private interface SegmentVisitor {
        void visit(long seqAck, int tsVal);
    }

    private static void forEachTcpData(final Path file, final SegmentVisitor v) throws IOException,
            PcapFormatException {
        try (PcapReader r = PcapReader.open(file)) {
            final byte[] b = new byte[256];
            while (r.next()) {
                final int n = Math.min(r.capturedLength(), b.length);
                r.frame().getBytes(0, b, 0, n);
                if (u16(b, 12) != 0x0800 || (b[23] & 0xFF) != 6) {
                    continue;
                }
                final int ihl = (b[14] & 0x0F) * 4;
                final int th = 14 + ihl;
                final int doff = (b[th + 12] & 0xF0) >>> 2;
                final int payload = u16(b, 16) - ihl - doff;
                if (payload <= 0 || doff < 32) {
                    continue;
                }
                final long seq = u32(b, th + 4);
                final long ack = u32(b, th + 8);
                v.visit(seq << 32 | ack, (int) u32(b, th + 24));
            }
        }
    }

    private static int u16(final byte[] b, final int at) {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }

    private static long u32(final byte[] b, final int at) {
        return (long) u16(b, at) << 16 | u16(b, at + 2);
    }

    /**
     * GRO keeps 8 hash buckets of 8 packets and flushes them at the end of a poll bucket by bucket, oldest first:
     * the end-of-poll flushes of one poll come in non-decreasing {@code skb->hash & 7}, and a bucket's oldest is
     * pushed out only when a ninth flow lands in it. With 40 connections the buckets hold 5 flows on average.
     */
    @Test
    void shouldFlushBucketByBucketAtTheEndOfAPoll() throws IOException {
        final Path trace = tmp.resolve("b.jsonl");
        new RouterSimulation(config(true, 40, new RouterConfig.Outputs(null, trace))).run(ProgressListener.NONE);
        // the skb->hash of each polled frame, by packet handle (a held packet's handle is not reused while held)
        final Map<Long, Long> hashOfPacket = new HashMap<>();
        long lastTime = -1;
        int lastBucket = -1;
        long endFlushes = 0;
        long pollsWithSeveral = 0;
        int inPoll = 0;
        for (final RouterTraceTest.Event e : RouterTraceTest.read(trace)) {
            switch (e.kind()) {
                case "rx_hash" -> {
                    final long foe = e.num("foe");
                    hashOfPacket.put(e.num("packet"), foe >= 0 ? e.num("skb_hash") : 0L);
                    if (foe >= 0) {
                        assertThat(e.num("skb_hash")).isEqualTo(PpeFlowTable.skbHash((int) foe) & 0xFFFF_FFFFL);
                    }
                }
                case "gro_flush" -> {
                    if (e.num("reason") != 4) {
                        break;
                    }
                    endFlushes++;
                    final int bucket = (int) (hashOfPacket.get(e.num("packet")) & 7);
                    final long time = Long.parseLong(e.fields().get("time_ns"));
                    if (time == lastTime) {
                        assertThat(bucket).as("flush at %d", time).isGreaterThanOrEqualTo(lastBucket);
                        if (++inPoll == 2) {
                            pollsWithSeveral++;
                        }
                    } else {
                        inPoll = 1;
                    }
                    lastTime = time;
                    lastBucket = bucket;
                }
                default -> {
                }
            }
        }
        assertThat(endFlushes).isPositive();
        assertThat(pollsWithSeveral).as("polls flushing several buckets").isGreaterThan(100);
    }

    /**
     * {@code gro_normal_one} / {@code gro_normal_list} (include/net/gro.h, 6.18): what GRO passes up (a frame it does
     * not hold, a completed aggregate) waits in the poll's {@code rx_list} until it holds {@code gro_normal_batch}
     * segments, then the list goes up at once; the rest goes up at the end of the poll. Every polled frame goes up in
     * exactly one list, a list that went up early holds at least 8 segments and went up with the packet that brought
     * it there (so at most 8 packets), and the poll's last list comes after its GRO flushes and before its end.
     */
    @Test
    void shouldPassPacketsUpInGroNormalBatchLists() throws IOException {
        final Path trace = tmp.resolve("l.jsonl");
        new RouterSimulation(config(true, 8, new RouterConfig.Outputs(null, trace))).run(ProgressListener.NONE);
        long polled = 0;
        long listed = 0;
        long lists = 0;
        long early = 0;
        long aggregatesListed = 0;
        long segsSinceList = 0;
        RouterTraceTest.Event pending = null;
        for (final RouterTraceTest.Event e : RouterTraceTest.read(trace)) {
            switch (e.kind()) {
                case "rx_hash" -> {
                    if (pending != null) {
                        // a list followed by more frames of the same poll went up because it was full
                        assertThat(pending.num("segs")).as("early list %s", pending.fields()).isGreaterThanOrEqualTo(8);
                        assertThat(pending.num("packets")).isBetween(1L, 8L);
                        early++;
                        pending = null;
                    }
                    polled++;
                }
                case "gro_flush" -> segsSinceList += e.num("segs");
                case "gro_list" -> {
                    if (pending != null) {
                        // two lists in a row (the end-of-poll flushes of long aggregates): the first went up full
                        assertThat(pending.num("segs")).as("early list %s", pending.fields()).isGreaterThanOrEqualTo(8);
                        early++;
                    }
                    lists++;
                    listed += e.num("segs");
                    aggregatesListed += e.num("segs") > e.num("packets") ? 1 : 0;
                    segsSinceList = 0;
                    pending = e;
                }
                case "napi_poll" -> {
                    assertThat(segsSinceList).as("GRO flushed after the poll's last list").isZero();
                    pending = null;
                }
                default -> {
                }
            }
        }
        assertThat(polled).isGreaterThan(10_000);
        assertThat(listed).as("segments that went up in lists").isEqualTo(polled);
        assertThat(early).as("lists that went up full").isGreaterThan(lists / 10);
        assertThat(aggregatesListed).as("lists with an aggregate").isPositive();
    }

    /**
     * mtk_eth_soc's RX DIM starts at profile 0 (a zeroed {@code struct dim}), leaves it with the first traffic and,
     * at a gigabit of full frames, climbs to profile 4 (256 us: 13 PDMA units of 20 us, 127 frames) and stays near
     * it: far fewer interrupts than the static 4 frames / 80 us of kernels up to 5.12, and no less goodput.
     */
    @Test
    void shouldModerateInterruptsAsNetDimDoes() throws IOException {
        final Path trace = tmp.resolve("d.jsonl");
        final RouterResults adaptive = new RouterSimulation(config(true, 8, new RouterConfig.Outputs(null, trace)))
                .run(ProgressListener.NONE);
        final RouterResults fixed = new RouterSimulation(config(false, 8, RouterConfig.Outputs.NONE))
                .run(ProgressListener.NONE);
        int step = 0;
        long lastProfile = 0;
        for (final RouterTraceTest.Event e : RouterTraceTest.read(trace)) {
            if ("dim_rx".equals(e.kind())) {
                final long profile = e.num("profile");
                if (step++ == 0) {
                    assertThat(profile).as("the first step: from 0, going right").isEqualTo(1L);
                }
                assertThat(Math.abs(profile - lastProfile)).isEqualTo(1L);
                assertThat(e.num("usecs")).isEqualTo(new long[] {20, 20, 80, 140, 260}[(int) profile]);
                assertThat(e.num("frames")).isEqualTo(127L);
                lastProfile = profile;
            }
        }
        assertThat(lastProfile).isGreaterThanOrEqualTo(3L);
        assertThat(gro(adaptive, "irqs")).isLessThan(gro(fixed, "irqs") / 4);
        // (the fewer interrupts leave cpu0 more time for the ring: no less goodput)
        assertThat(adaptive.goodputDownloadBps()).isGreaterThanOrEqualTo(fixed.goodputDownloadBps());
    }
}
