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
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UDP GRO for forwarding ({@code device.napi.udpGroForwarding}, {@code rx-udp-gro-forwarding}, {@code
 * NETIF_F_GRO_UDP_FWD}) in the router engine: {@code udp_gro_receive_segment}'s {@code skb_gro_receive} merges a
 * flow's datagrams into one {@code SKB_GSO_UDP_L4} packet (the new datagram's payload counted against 64 KiB), and
 * {@code __udp_gso_segment} cuts it at the first device without UDP segmentation: eth0 on mtk_eth_soc (no payload
 * copy, stage {@code gso} per datagram), where every datagram carries the head's headers (the TTL decremented once)
 * and an IPv4 ID numbered from the head's. With {@code groList} too fraglist GRO takes the datagrams. The stack's
 * {@code GroTable} has the same rules, which cli's {@code GroUdpForwardingLiveKernelTest} checks on the live kernel.
 */
class RouterUdpGroForwardingTest {

    private static final long DRIVER_TX = 1800;
    private static final long GSO = 1000;

    @TempDir
    Path tmp;

    /** Two UDP flows of 480 Mbit/s each (1492-byte packets) down one PPPoE dial on a gigabit line, 300 ms. */
    private static RouterResults run(final boolean udpGroForwarding, final boolean groList,
            final RouterConfig.Outputs outputs) {
        final RouterConfig base = RouterFixtures.config(1, 1, 1000 * RouterFixtures.MBIT, true, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.udp(1, 2, 480 * RouterFixtures.MBIT, 1492)), 300_000_000L, 3);
        final CostTable costs = base.profile().costs().copy().set(CostStage.DRIVER_TX, 0, DRIVER_TX, 0);
        costs.set(CostStage.GSO, 0, GSO, 0);
        costs.set(CostStage.GSO_LIST, 0, 400, 0);
        base.profile().udpGroForwarding(udpGroForwarding);
        return new RouterSimulation(RouterFixtures.openWrtNapi(base, costs.freeze(), groList, outputs))
                .run(ProgressListener.NONE);
    }

    /**
     * {@code skb_gro_receive} counts the new datagram's UDP payload, {@code skb_gro_receive_list} the whole skb: 50
     * datagrams of 1424 bytes (IPv4, 1452-byte IP packets) go up 46 + 4 without fraglist and 45 + 5 with it, as the
     * live kernel does.
     */
    @Test
    void shouldCountTheNewDatagramsPayloadAgainst64Kib() {
        final int ulen = 8 + 1424;
        final int ip = 20 + ulen;
        // the held packet of 45 datagrams: its IP header, its UDP header, 45 payloads
        final int held45 = 28 + 45 * 1424;
        assertThat(RouterSimulation.udpFraglistRefusal(ulen, held45, ulen, ulen - 8)).as("payload only").isZero();
        assertThat(RouterSimulation.udpFraglistRefusal(ulen, held45, ulen, ip)).as("fraglist: whole").isEqualTo(2);
        assertThat(RouterSimulation.udpFraglistRefusal(ulen, held45 + 1424, ulen, ulen - 8)).isEqualTo(2);
    }

    /**
     * Without either option no datagram merges; with {@code udpGroForwarding} the CPU-bound dial's datagrams are
     * merged, pay the stack once per aggregate, then {@code __udp_gso_segment} and the driver once per datagram
     * (no {@code skb_segment_list}), and the router forwards far more; with {@code groList} too, fraglist GRO takes
     * them ({@code gso_list}, no {@code gso}).
     */
    @Test
    void shouldMergeForwardedDatagramsAndCutThemAtEth0() throws Exception {
        final Path trace = tmp.resolve("fwd.jsonl");
        final RouterResults fwd = run(true, false, new RouterConfig.Outputs(null, trace));
        final RouterResults plain = run(false, false, RouterConfig.Outputs.NONE);
        final RouterResults both = run(true, true, RouterConfig.Outputs.NONE);
        assertThat(merged(plain)).isZero();
        assertThat(merged(fwd)).isGreaterThan(fwd.forwardedPackets() / 2);
        assertThat(stage(fwd, "gso_list")).isZero();
        assertThat((double) stage(fwd, "gso") / GSO).as("__udp_gso_segment: a segment per datagram in an aggregate")
                .isGreaterThan(merged(fwd)).isLessThanOrEqualTo(fwd.forwardedPackets());
        assertThat((double) stage(fwd, "driver_tx") / DRIVER_TX).as("a driver send per datagram")
                .isCloseTo(fwd.forwardedPackets(), Percentage.withPercentage(1));
        assertThat(fwd.forwardedPackets()).isGreaterThan(plain.forwardedPackets() * 3 / 2);
        assertThat(stage(both, "gso")).isZero();
        assertThat(stage(both, "gso_list")).isPositive();
        long cuts = 0;
        for (final RouterTraceTest.Event e : RouterTraceTest.read(trace)) {
            if ("gso".equals(e.kind())) {
                assertThat(e.num("how")).as("skb_segment (UDP GSO), at eth0").isEqualTo(1L);
                cuts++;
            }
        }
        assertThat(cuts).isGreaterThan(100L);
    }

    /**
     * The taps: the LAN's VLAN device shows an aggregate whole, with its UDP length and the pseudo-header sum that
     * {@code udp4_gro_complete} writes; eth0 shows the datagrams it sends after the cut, every one with the
     * forwarded TTL (63, unlike a fraglist split) and IDs counting from the head's, every IPv4 header checksum valid.
     */
    @Test
    void shouldShowTheAggregateOnTheVlanAndTheDatagramsOnEth0() throws Exception {
        final Path dir = tmp.resolve("pcap");
        Files.createDirectories(dir);
        run(true, false, new RouterConfig.Outputs(dir, null));
        final int aggregates = RouterFixtures.forEachLanUdpAggregate(dir.resolve("eth0.1.pcap"), f -> {
            final int ip = 14;
            final int udpLen = (f.getShort(ip + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF) - 20;
            assertThat(f.getShort(ip + 24, ByteOrder.BIG_ENDIAN) & 0xFFFF).isEqualTo(udpLen);
            final long pseudo = InetChecksum.pseudoIpv4(f.getInt(ip + 12, ByteOrder.BIG_ENDIAN),
                    f.getInt(ip + 16, ByteOrder.BIG_ENDIAN), 17, udpLen);
            assertThat(f.getShort(ip + 26, ByteOrder.BIG_ENDIAN) & 0xFFFF).as("the pseudo-header sum")
                    .isEqualTo(InetChecksum.fold(pseudo));
        });
        assertThat(aggregates).isGreaterThan(100);
        // datagrams after a head, and the ID before each
        final int[] counted = {0, -1};
        RouterFixtures.forEachLanUdpDatagramSent(dir.resolve("eth0.pcap"), f -> {
            final int ip = 18;
            assertThat(f.getByte(ip + 8) & 0xFF).as("the forwarded TTL on every datagram").isEqualTo(63);
            final int id = f.getShort(ip + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            if (id != 0) {
                assertThat(id).as("ID after %d", counted[1]).isEqualTo(counted[1] + 1);
                counted[0]++;
            }
            counted[1] = id;
        });
        assertThat(counted[0]).isGreaterThan(1000);
    }

    /**
     * UDP GRO for forwarding (with TCP downloads beside it), every tap and the trace on, allocates nothing per packet
     * once warm: the aggregates' cut at eth0 ({@code gso} {@code how} 1), the datagrams' headers and the taps'
     * aggregate view included.
     */
    @Test
    void shouldAllocateNothingPerPacketOnceWarm() throws Exception {
        RouterUdpFraglistGroTest.assertNoAllocationOnceWarm(tmp, false, true, 1);
    }

    /**
     * An mlx5 NIC segments UDP itself ({@code mlx5e_build_nic_netdev()} sets {@code NETIF_F_GSO_UDP_L4}): the
     * aggregate leaves eth0 whole, as by TSO ({@code gso} {@code how} 0, no {@code gso} stage), and one driver send
     * takes it.
     */
    @Test
    void shouldLeaveTheCutToAnMlx5Nic() throws Exception {
        final Path trace = tmp.resolve("mlx5.jsonl");
        final RouterConfig base = RouterFixtures.config(1, 1, 1000 * RouterFixtures.MBIT, false, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.udp(1, 2, 480 * RouterFixtures.MBIT, 1500)), 200_000_000L, 3);
        final CostTable costs = base.profile().costs().copy().set(CostStage.GSO, 0, GSO, 0).freeze();
        final RouterResults r = new RouterSimulation(RouterFixtures.withProfile(base,
                RouterMultiQueueTest.x86Like(1).costs(costs).adaptiveRx(false).rxUsecs(100).rxFrames(64)
                        .udpGroForwarding(true),
                new RouterConfig.Outputs(null, trace))).run(ProgressListener.NONE);
        assertThat(merged(r)).isPositive();
        assertThat(stage(r, "gso")).isZero();
        long whole = 0;
        for (final RouterTraceTest.Event e : RouterTraceTest.read(trace)) {
            if ("gso".equals(e.kind())) {
                assertThat(e.num("how")).isZero();
                whole++;
            }
        }
        assertThat(whole).isPositive();
    }
}
