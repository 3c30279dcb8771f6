package io.pktsim.lb.router;

import static io.pktsim.lb.router.RouterFixtures.merged;
import static io.pktsim.lb.router.RouterFixtures.stage;
import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.header.InetChecksum;
import io.pktsim.stack.profile.CostStage;
import io.pktsim.stack.profile.CostTable;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fraglist GRO of forwarded UDP ({@code device.napi.groList}): 6.18's {@code udp_gro_receive_segment} chains a
 * flow's datagrams on a device with {@code NETIF_F_GRO_FRAGLIST} (without it a forwarded datagram is never merged:
 * {@code NETIF_F_GRO_UDP_FWD} is off), and {@code skb_segment_list} gives them back at eth0, each with its own IP
 * header: the TTL {@code ip_forward} never decremented and an IPv4 ID numbered from the head's. The decisions and
 * the headers are the ones {@code RouterFraglistLiveKernelTest} checks against the running kernel.
 */
class RouterUdpFraglistGroTest {

    private static final long DRIVER_TX = 1800;
    private static final long GSO_LIST = 400;

    @TempDir
    Path tmp;

    /** Two UDP flows of 480 Mbit/s each (1492-byte packets) down one PPPoE dial on a gigabit line, 300 ms. */
    private static RouterResults run(final boolean groList, final RouterConfig.Outputs outputs) {
        final RouterConfig base = RouterFixtures.config(1, 1, 1000 * RouterFixtures.MBIT, true, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.udp(1, 2, 480 * RouterFixtures.MBIT, 1492)), 300_000_000L, 3);
        final CostTable costs = base.profile().costs().copy().set(CostStage.DRIVER_TX, 0, DRIVER_TX, 0);
        costs.set(CostStage.GSO_LIST, 0, GSO_LIST, 0);
        return new RouterSimulation(RouterFixtures.openWrtNapi(base, costs.freeze(), groList, outputs))
                .run(ProgressListener.NONE);
    }

    /**
     * {@code udp_gro_receive_segment}: a longer datagram or one that would take {@code p->len + skb->len} to 64 KiB
     * is refused (the held packet leaves); a shorter one, or the 64th, is chained and completes the aggregate. The
     * live kernel's bursts: 1000, 1000, 500, 1000 bytes give 3 + 1; 1000, 1200, 1200, 1000 give 1 + 3; 1472-byte
     * datagrams 44 (then the 45th is held anew); 100-byte ones 64.
     */
    @Test
    void shouldChainDatagramsAsUdpGroReceiveSegmentDoes() {
        assertThat(groupsOf(1008, 1008, 508, 1008)).containsExactly(3, 1);
        assertThat(groupsOf(1008, 1208, 1208, 1008)).containsExactly(1, 3);
        assertThat(groupsOf(repeat(1480, 50))).containsExactly(44, 6);
        assertThat(groupsOf(repeat(108, 70))).containsExactly(64, 6);
        assertThat(RouterSimulation.udpFraglistRefusal(1008, 1500, 1009, 1029)).isEqualTo(1);
        assertThat(RouterSimulation.udpFraglistRefusal(1480, 1500 + 43 * 1472, 1480, 1500)).isEqualTo(2);
        assertThat(RouterSimulation.udpFraglistRefusal(1480, 1500 + 42 * 1472, 1480, 1500)).isZero();
        assertThat(RouterSimulation.udpFraglistComplete(1008, 1008, 63)).isZero();
        assertThat(RouterSimulation.udpFraglistComplete(1008, 1008, 64)).isEqualTo(8);
        assertThat(RouterSimulation.udpFraglistComplete(1008, 508, 2)).isEqualTo(6);
    }

    private static int[] repeat(final int ulen, final int n) {
        final int[] a = new int[n];
        java.util.Arrays.fill(a, ulen);
        return a;
    }

    /**
     * One flow's datagrams (UDP lengths; IPv4, 20-byte headers) through the engine's decisions, held across polls:
     * the segment count of each aggregate in order.
     */
    static List<Integer> groupsOf(final int... ulens) {
        final List<Integer> out = new java.util.ArrayList<>();
        int heldUlen = -1;
        int heldLen = 0;
        int segs = 0;
        for (final int ulen : ulens) {
            final int ipLen = ulen + 20;
            if (segs > 0) {
                final int refused = RouterSimulation.udpFraglistRefusal(heldUlen, heldLen, ulen, ipLen);
                if (refused == 0) {
                    segs++;
                    heldLen += ulen - 8;
                    if (RouterSimulation.udpFraglistComplete(heldUlen, ulen, segs) != 0) {
                        out.add(segs);
                        segs = 0;
                    }
                    continue;
                }
                out.add(segs);
            }
            heldUlen = ulen;
            heldLen = ipLen;
            segs = 1;
        }
        if (segs > 0) {
            out.add(segs);
        }
        return out;
    }

    /** skb_segment_list's segment i: TTL one more than the forwarded head's, ID the head's plus i, valid checksum. */
    @Test
    void shouldGiveEachSegmentItsOwnTtlAndANumberedId() {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[60]);
        b.putByte(0, (byte) 0x45);
        b.putShort(2, (short) 1028, ByteOrder.BIG_ENDIAN);
        b.putShort(4, (short) 0xFFFE, ByteOrder.BIG_ENDIAN);
        b.putShort(6, (short) 0x4000, ByteOrder.BIG_ENDIAN);
        b.putByte(8, (byte) 63);
        b.putByte(9, (byte) 17);
        b.putInt(12, 0x0a09_0001, ByteOrder.BIG_ENDIAN);
        b.putInt(16, 0x0a08_0002, ByteOrder.BIG_ENDIAN);
        b.putShort(10, (short) InetChecksum.finish(InetChecksum.sum(b, 0, 20, 0L)), ByteOrder.BIG_ENDIAN);
        RouterSimulation.fraglistSegmentHeaders(b, 0, 3);
        assertThat(b.getByte(8) & 0xFF).isEqualTo(64);
        assertThat(b.getShort(4, ByteOrder.BIG_ENDIAN) & 0xFFFF).as("0xfffe + 3 wraps").isEqualTo(1);
        assertThat(InetChecksum.finish(InetChecksum.sum(b, 0, 20, 0L))).as("header checksum").isZero();
        final UnsafeBuffer v6 = new UnsafeBuffer(new byte[40]);
        v6.putByte(0, (byte) 0x60);
        v6.putByte(7, (byte) 63);
        RouterSimulation.fraglistSegmentHeaders(v6, 0, 5);
        assertThat(v6.getByte(7) & 0xFF).as("hop limit").isEqualTo(64);
    }

    /**
     * Without fraglist GRO no datagram merges; with it the CPU-bound dial's datagrams are chained, pay the stack
     * once per aggregate and the driver and {@code skb_segment_list} once per datagram, and the router forwards far
     * more.
     */
    @Test
    void shouldChainForwardedDatagramsOnlyWithFraglistGro() throws Exception {
        final Path trace = tmp.resolve("list.jsonl");
        final RouterResults list = run(true, new RouterConfig.Outputs(null, trace));
        final RouterResults plain = run(false, new RouterConfig.Outputs(null, null));
        assertThat(merged(plain)).isZero();
        assertThat(stage(plain, "gso_list")).isZero();
        assertThat(merged(list)).isGreaterThan(list.forwardedPackets() / 2);
        assertThat((double) stage(list, "driver_tx") / DRIVER_TX).as("a driver send per datagram")
                .isCloseTo(list.forwardedPackets(), Percentage.withPercentage(1));
        assertThat((double) stage(list, "gso_list") / GSO_LIST).isGreaterThan(0.95 * merged(list))
                .isLessThanOrEqualTo(2.0 * merged(list));
        assertThat(list.forwardedPackets()).isGreaterThan(plain.forwardedPackets() * 3 / 2);
        long longest = 0;
        for (final RouterTraceTest.Event e : RouterTraceTest.read(trace)) {
            if ("gro_flush".equals(e.kind())) {
                assertThat(e.num("reason")).isIn(1L, 2L, 3L, 4L, 6L, 8L);
                longest = Math.max(longest, e.num("segs"));
            }
        }
        assertThat(longest).isGreaterThan(2L).isLessThanOrEqualTo(44L);
    }

    /**
     * The taps: the LAN's VLAN device shows a fraglist aggregate whole, its UDP length the aggregate's; eth0 shows
     * the datagrams it sends after the split: the head with the forwarded TTL (63) and ID 0, each later one with the
     * TTL it came with (64) and the next ID, every IPv4 header checksum valid.
     */
    @Test
    void shouldShowTheAggregateOnTheVlanAndTheSegmentsWithTheirOwnTtlOnEth0() throws Exception {
        final Path dir = tmp.resolve("pcap");
        Files.createDirectories(dir);
        run(true, new RouterConfig.Outputs(dir, null));
        final int aggregates = RouterFixtures.forEachLanUdpAggregate(dir.resolve("eth0.1.pcap"), f -> {
            final int ip = 14;
            final int ipLen = f.getShort(ip + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            assertThat(f.getShort(ip + 24, ByteOrder.BIG_ENDIAN) & 0xFFFF).isEqualTo(ipLen - 20);
        });
        assertThat(aggregates).isGreaterThan(100);
        // later datagrams, and the ID before each
        final int[] later = {0, -1};
        RouterFixtures.forEachLanUdpDatagramSent(dir.resolve("eth0.pcap"), f -> {
            final int ip = 18;
            final int ttl = f.getByte(ip + 8) & 0xFF;
            final int id = f.getShort(ip + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            if (ttl == 64) {
                later[0]++;
                assertThat(id).as("ID after %d", later[1]).isEqualTo(later[1] + 1);
            } else {
                assertThat(ttl).isEqualTo(63);
                assertThat(id).isZero();
            }
            later[1] = id;
        });
        assertThat(later[0]).isGreaterThan(1000);
    }

    /**
     * Fraglist GRO of UDP and TCP together, with every tap and the trace on, allocates nothing per packet once warm
     * (the segments' own headers, the fraglist taps and the gso events included).
     */
    @Test
    void shouldAllocateNothingPerPacketOnceWarm() throws Exception {
        assertNoAllocationOnceWarm(tmp, true, false, 2);
    }

    /**
     * UDP and TCP downloads through one PPPoE dial with OpenWrt's NAPI path, fraglist GRO or UDP GRO for forwarding as
     * given, every tap and the trace on: no allocation per packet over 0.5 s once warm, and more than 1,000 GRO
     * aggregates left the router as trace {@code gso} {@code how} says (2 split by {@code skb_segment_list}, 1 cut
     * by {@code skb_segment}).
     */
    static void assertNoAllocationOnceWarm(final Path tmp, final boolean groList, final boolean udpGroForwarding,
            final long how) throws Exception {
        final long second = 1_000_000_000L;
        final RouterConfig base = RouterFixtures.config(1, 1, 1000 * RouterFixtures.MBIT, true, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.udp(1, 2, 300 * RouterFixtures.MBIT, 1492),
                        RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, 8, RouterConfig.Direction.DOWNLOAD)),
                3 * second, 3);
        base.profile().udpGroForwarding(udpGroForwarding);
        final RouterSimulation sim = new RouterSimulation(RouterFixtures.openWrtNapi(base, base.profile().costs(),
                groList, RouterConfig.Outputs.NONE));
        final PcapTaps taps = PcapTaps.open(tmp, 160, sim.devices(), List.of());
        try (io.pktsim.core.trace.TraceBus bus = io.pktsim.core.trace.TraceBus.start(
                new io.pktsim.core.trace.TraceNames(), io.pktsim.core.trace.TraceBus.DEFAULT_RING_SIZE,
                io.pktsim.core.trace.JsonLinesTraceSink.toFile(tmp.resolve("trace.jsonl")))) {
            sim.tap(taps);
            sim.trace(bus);
            sim.start();
            sim.advance(second);
            final long delivered = sim.delivered();
            final long a0 = io.pktsim.core.test.AllocationMeter.allocatedBytes();
            sim.advance(second + second / 2);
            final long a1 = io.pktsim.core.test.AllocationMeter.allocatedBytes();
            assertThat(sim.delivered() - delivered).as("packets in the window").isGreaterThan(20_000);
            assertThat(a1 - a0).as("bytes allocated simulating 0.5 s").isLessThanOrEqualTo(64 << 10);
        } finally {
            taps.abort();
        }
        // the window ran the path asked for: aggregates split or cut as `how` says
        assertThat(RouterTraceTest.read(tmp.resolve("trace.jsonl")).stream()
                .filter(e -> "gso".equals(e.kind()) && e.num("how") == how).count()).isGreaterThan(1000L);
    }
}
