package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.pcap.PcapReader;
import io.pktsim.stack.profile.CostStage;
import io.pktsim.stack.profile.CostTable;
import io.pktsim.stack.profile.DeviceProfile;
import org.agrona.DirectBuffer;

/** Small router configurations for the lb tests (the calibrated profile lives in the CLI's profiles). */
final class RouterFixtures {
    static final long MBIT = 1_000_000L;

    private RouterFixtures() {
    }

    /** An MT7621-like profile with round costs (not the calibrated one). */
    static DeviceProfile mt7621Like() {
        final CostTable t = new CostTable();
        t.set(CostStage.HARD_IRQ, 3000, 0, 0);
        t.set(CostStage.NAPI_POLL, 1500, 0, 0);
        t.set(CostStage.DRIVER_RX, 0, 2000, 500);
        t.set(CostStage.GRO, 0, 450, 0);
        t.set(CostStage.NETIF_RECEIVE, 0, 2000, 0);
        t.set(CostStage.FIB, 0, 1100, 0);
        t.set(CostStage.FORWARD, 0, 2000, 0);
        t.set(CostStage.DRIVER_TX, 0, 1800, 250);
        t.set(CostStage.TX_COMPLETION, 0, 500, 0);
        t.set(CostStage.IPI, 1500, 0, 0);
        t.set(CostStage.BACKLOG, 0, 300, 0);
        t.set(CostStage.VLAN, 0, 400, 0);
        t.set(CostStage.MACVLAN, 0, 450, 0);
        t.set(CostStage.PPPOE, 0, 1000, 0);
        t.set(CostStage.CONNTRACK, 0, 2500, 0);
        t.set(CostStage.CONNTRACK_NEW, 0, 8000, 0);
        t.set(CostStage.NAT, 0, 750, 0);
        t.set(CostStage.NF_RULE, 0, 250, 0);
        t.set(CostStage.FIB_RULE, 0, 150, 0);
        t.set(CostStage.QDISC, 0, 1500, 0);
        t.set(CostStage.FLOWTABLE, 0, 1500, 0);
        return new DeviceProfile().name("mt7621-test").cores(2).threadsPerCore(2).clockHz(880_000_000L)
                .smtThroughputPermille(1200).rxRingSlots(512).txRingSlots(2048).rxUsecs(80).rxFrames(4)
                .separateTxNapi(true).threadedNapi(true).napiWeight(64).netdevBudget(300).costs(t.freeze());
    }

    static RouterConfig config(final int lines, final int dialsPerLine, final long lineBps, final boolean pppoe,
            final boolean ipv6, final RouterConfig.OffloadMode offload, final RouterConfig.Balancing balancing,
            final List<RouterConfig.App> apps, final long durationNs, final long seed) {
        return new RouterConfig(mt7621Like(), new RouterConfig.Lan(8, 1_000_000_000L),
                new RouterConfig.Wan(lines, dialsPerLine, lineBps, 0, pppoe, pppoe ? 1492 : 1500, 20_000_000L, 16),
                ipv6, balancing, offload, new RouterConfig.Firewall(RouterConfig.FirewallKind.FW3, 16384),
                RouterConfig.QdiscKind.FQ_CODEL, apps, durationNs, durationNs / 4, seed, 0,
                RouterConfig.Outputs.NONE);
    }

    /**
     * One line of 1 Gbit/s, one plain dial (no PPPoE), a UDP download of 1000-byte datagrams at {@code rateBps} for
     * 200 ms, the stack on cpu2 ({@code rps_cpus} 0x4, the K2P's steering): at 900 Mbit/s cpu2 is saturated and its
     * backlog overflows, at 10 Mbit/s it keeps up.
     */
    static RouterConfig udpToCpu2(final long rateBps) {
        final RouterConfig c = config(1, 1, 1000 * MBIT, false, false, RouterConfig.OffloadMode.NONE,
                RouterConfig.Balancing.none(), List.of(udp(1, 1, rateBps, 1000)), 200_000_000L, 3);
        return c.withProfile(c.profile().rpsCpus(0x4));
    }

    static RouterConfig.App tcp(final RouterConfig.AppKind kind, final int hosts, final int connections,
            final RouterConfig.Direction dir) {
        return new RouterConfig.App(kind, hosts, connections, dir, RouterConfig.CongestionControl.NEWRENO, 0, 0, 0);
    }

    static RouterConfig.App udp(final int hosts, final int connections, final long rateBps, final int bytes) {
        return new RouterConfig.App(RouterConfig.AppKind.UDP_CBR, hosts, connections,
                RouterConfig.Direction.DOWNLOAD, RouterConfig.CongestionControl.NEWRENO, rateBps, bytes, 0);
    }

    /** {@code base} with another device profile and outputs, everything else as it is. */
    static RouterConfig withProfile(final RouterConfig base, final DeviceProfile profile,
            final RouterConfig.Outputs outputs) {
        return new RouterConfig(profile, base.lan(), base.wan(), base.ipv6(), base.balancing(), base.offload(),
                base.firewall(), base.qdisc(), base.workload(), base.durationNs(), base.warmupNs(), base.seed(),
                base.run(), outputs);
    }

    /** The cycles a run charged to stage {@code name}. */
    static long stage(final RouterResults r, final String name) {
        return r.stages().stream().filter(s -> s.name().equals(name)).mapToLong(RouterResults.Stage::cycles).sum();
    }

    /** The segments GRO merged in a run (its {@code gro.merged} counter). */
    static long merged(final RouterResults r) {
        return r.gro().stream().filter(c -> c.name().equals("merged")).findFirst().orElseThrow().value();
    }

    /**
     * {@code base} on today's OpenWrt K2P NAPI path: mtk_eth_soc with DIM, packet steering 0x4, OpenWrt's PPPoE GRO,
     * fraglist GRO as {@code groList} says, and these costs.
     */
    static RouterConfig openWrtNapi(final RouterConfig base, final CostTable costs, final boolean groList,
            final RouterConfig.Outputs outputs) {
        return withProfile(base, base.profile().costs(costs).driverName("mtk_eth_soc").adaptiveRx(true).rpsCpus(0x4)
                .pppoeGro(true).groList(groList), outputs);
    }

    /**
     * Calls {@code check} with each UDP aggregate (IP length above 1492, the IP header at 14) that the LAN's VLAN
     * device's capture {@code pcap} holds.
     *
     * @return how many there were
     */
    static int forEachLanUdpAggregate(final Path pcap, final Consumer<DirectBuffer> check) throws Exception {
        int n = 0;
        try (PcapReader r = PcapReader.open(pcap)) {
            while (r.next()) {
                final DirectBuffer f = r.frame();
                if (f.getByte(14 + 9) == 17 && (f.getShort(14 + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF) > 1492) {
                    n++;
                    check.accept(f);
                }
            }
        }
        return n;
    }

    /**
     * Calls {@code check} with each full-size UDP datagram eth0's capture {@code pcap} shows it sending to the LAN
     * (VLAN 1, the IP header at 18), having asserted that it is a datagram (IP length 1492), not an aggregate, with
     * a valid IPv4 header checksum.
     */
    static void forEachLanUdpDatagramSent(final Path pcap, final Consumer<DirectBuffer> check) throws Exception {
        try (PcapReader r = PcapReader.open(pcap)) {
            while (r.next()) {
                final DirectBuffer f = r.frame();
                if ((f.getShort(12, ByteOrder.BIG_ENDIAN) & 0xFFFF) != 0x8100
                        || (f.getShort(14, ByteOrder.BIG_ENDIAN) & 0x0FFF) != 1 || f.getByte(18 + 9) != 17
                        || r.originalLength() < 1400) {
                    continue;
                }
                assertThat(f.getShort(18 + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF).as("a datagram, not an aggregate")
                        .isEqualTo(1492);
                assertThat(InetChecksum.finish(InetChecksum.sum(f, 18, 20, 0L))).isZero();
                check.accept(f);
            }
        }
    }
}
