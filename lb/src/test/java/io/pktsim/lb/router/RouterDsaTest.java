package io.pktsim.lb.router;

import static io.pktsim.lb.router.RouterFixtures.stage;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pktsim.core.pcap.PcapReader;

import io.pktsim.stack.profile.CostStage;
import io.pktsim.stack.profile.DeviceProfile;

/**
 * The switch under DSA ({@link DeviceProfile#dsa}): a frame through a DSA user port pays the conduit's pass, the
 * tagger ({@code dsa}) and the user port's {@code gro_cells} NAPI and pass instead of the VLAN device's; a K2P's
 * line 0 ({@code wan} on its own GMAC) pays neither; swconfig never pays {@code dsa}.
 */
class RouterDsaTest {

    private static final long DSA_CYCLES = 400;

    private enum Switch { SWCONFIG, DSA_K2P, DSA_ALL_PORTS }

    private static RouterConfig config(final Switch sw, final RouterConfig.OffloadMode offload,
            final List<RouterConfig.App> apps, final int lines, final boolean pppoe) {
        final RouterConfig base = RouterFixtures.config(lines, 1, 100 * RouterFixtures.MBIT, pppoe, false, offload,
                lines > 1 ? RouterConfig.Balancing.ecmp(1) : RouterConfig.Balancing.none(), apps, 300_000_000L, 7);
        final DeviceProfile p = base.profile();
        p.costs(costsWithDsa(p));
        p.dsa(sw != Switch.SWCONFIG).wanOnOwnGmac(sw == Switch.DSA_K2P);
        return new RouterConfig(p, base.lan(), base.wan(), false, base.balancing(), base.offload(), base.firewall(),
                base.qdisc(), base.workload(), base.durationNs(), base.warmupNs(), base.seed(), base.run(),
                base.outputs());
    }

    private static io.pktsim.stack.profile.CostTable costsWithDsa(final DeviceProfile p) {
        return p.costs().copy().set(CostStage.DSA, 0, DSA_CYCLES, 0).freeze();
    }

    private static List<RouterConfig.App> udpDownload() {
        return List.of(RouterFixtures.udp(1, 4, 20 * RouterFixtures.MBIT, 1000));
    }

    private static List<RouterConfig.App> tcp(final RouterConfig.Direction dir) {
        return List.of(RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, 4, dir));
    }

    private static RouterResults run(final RouterConfig c) {
        return new RouterSimulation(c).run(ProgressListener.NONE);
    }

    private static long processed(final RouterResults r) {
        long n = 0;
        for (final RouterResults.Softnet s : r.softnet()) {
            n += s.processed();
        }
        return n;
    }

    private static long gro(final RouterResults r, final String name) {
        return r.gro().stream().filter(c -> c.name().equals(name)).findFirst()
                .map(RouterResults.Count::value).orElse(-1L);
    }

    private static void noDropsBeforeForwarding(final RouterResults r) {
        assertThat(r.drops().backlog()).isZero();
        assertThat(r.forwardedPackets()).isGreaterThan(1_000);
    }

    @Test
    void shouldNeverChargeDsaUnderSwconfig() {
        final RouterResults r = run(config(Switch.SWCONFIG, RouterConfig.OffloadMode.NONE, udpDownload(), 2, true));
        noDropsBeforeForwarding(r);
        assertThat(stage(r, "dsa")).isZero();
        assertThat(stage(r, "vlan")).isEqualTo(2 * 400 * r.forwardedPackets());
        // eth0, the VLAN device's another_round and ppp's netif_rx
        assertThat(processed(r)).isEqualTo(3 * r.forwardedPackets());
        assertThat(gro(r, "cell_received")).as("no gro_cells counters under swconfig").isEqualTo(-1);
    }

    /** Line 0 of a K2P is wan on the second GMAC: one pass, no tagger, no VLAN; the LAN side pays the tagger. */
    @Test
    void shouldPayNeitherVlanNorTaggerOnTheK2psWanPort() {
        final RouterResults r = run(config(Switch.DSA_K2P, RouterConfig.OffloadMode.NONE, udpDownload(), 1, true));
        noDropsBeforeForwarding(r);
        assertThat(stage(r, "vlan")).isZero();
        assertThat(stage(r, "dsa")).as("the transmit to lan1 only").isEqualTo(DSA_CYCLES * r.forwardedPackets());
        assertThat(processed(r)).as("wan's pass only (then pppoe's netif_rx pass)")
                .isEqualTo(2 * r.forwardedPackets());
        assertThat(gro(r, "cell_received")).isZero();
        assertThat(gro(r, "cell_polls")).isZero();
    }

    /**
     * Every port a DSA port (the MT7620): the conduit's pass and the user port's replace eth0's and the VLAN
     * device's; the tagger both ways; one gro_cells frame per frame.
     */
    @Test
    void shouldPassTheConduitThenTheUserPortForEveryFrame() {
        final RouterResults sw = run(config(Switch.SWCONFIG, RouterConfig.OffloadMode.NONE, udpDownload(), 2, false));
        final RouterResults r = run(config(Switch.DSA_ALL_PORTS, RouterConfig.OffloadMode.NONE, udpDownload(), 2,
                false));
        noDropsBeforeForwarding(r);
        assertThat(stage(r, "vlan")).isZero();
        assertThat(stage(r, "dsa")).isEqualTo(2 * DSA_CYCLES * r.forwardedPackets());
        assertThat(processed(r)).isEqualTo(2 * r.forwardedPackets());
        assertThat(processed(sw)).isEqualTo(2 * sw.forwardedPackets());
        assertThat(gro(r, "cell_received")).isEqualTo(gro(r, "received"));
        assertThat(gro(r, "cell_polls")).isPositive().isLessThanOrEqualTo(gro(r, "polls") * 3);
        // the cell's GRO runs instead of the poll's: as many GRO cycles as swconfig's per frame
        assertThat(stage(r, "gro")).isEqualTo(450 * gro(r, "received"));
        assertThat(stage(r, "netif_receive")).isEqualTo(2 * 2000 * r.forwardedPackets());
    }

    /**
     * The flowtable's ingress hook sits on the user port (nft_dev_path_info stops at DEV_PATH_DSA) and its fast path
     * sends to the user port: a fast-path frame passes the conduit and the user port (one pass more than swconfig's,
     * whose hook is on eth0) and pays the tagger both ways.
     */
    @Test
    void shouldRunTheFlowtableOnTheUserPort() {
        // fw4 without a bridge: the hook at the bottom of each side's path (eth0, the user port)
        final RouterResults sw = run(fw4(config(Switch.SWCONFIG, RouterConfig.OffloadMode.FLOWTABLE, udpDownload(),
                1, false)));
        final RouterResults r = run(fw4(config(Switch.DSA_ALL_PORTS, RouterConfig.OffloadMode.FLOWTABLE,
                udpDownload(), 1, false)));
        noDropsBeforeForwarding(sw);
        noDropsBeforeForwarding(r);
        final long fastSw = sw.flowtable().stream().filter(c -> c.name().equals("fast_path_packets")).findFirst()
                .orElseThrow().value();
        final long fast = r.flowtable().stream().filter(c -> c.name().equals("fast_path_packets")).findFirst()
                .orElseThrow().value();
        assertThat(fast).isGreaterThan(r.forwardedPackets() / 2);
        final long slowSw = sw.forwardedPackets() - fastSw;
        final long slow = r.forwardedPackets() - fast;
        assertThat(processed(sw)).as("swconfig: 1 pass on the fast path, 2 on the slow one")
                .isEqualTo(fastSw + 2 * slowSw);
        assertThat(processed(r)).as("DSA: the conduit's pass and the user port's on both paths")
                .isEqualTo(2 * fast + 2 * slow);
        assertThat(stage(r, "dsa")).isEqualTo(2 * DSA_CYCLES * r.forwardedPackets());
        assertThat(stage(sw, "vlan")).as("swconfig's fast path pops the tag itself and sends through eth0.1")
                .isEqualTo(2 * 400 * slowSw + 400 * fastSw);
    }

    private static RouterConfig fw4(final RouterConfig c) {
        return new RouterConfig(c.profile(), c.lan(), c.wan(), c.ipv6(), c.balancing(), c.offload(),
                new RouterConfig.Firewall(RouterConfig.FirewallKind.FW4, 16384), c.qdisc(), c.workload(),
                c.durationNs(), c.warmupNs(), c.seed(), c.run(), c.outputs());
    }

    /**
     * TCP from a DSA port merges in the port's gro_cells NAPI (the conduit's GRO has no handler for ETH_P_XDSA);
     * every merged frame still took its own conduit pass: processed = frames forwarded + aggregates.
     */
    @Test
    void shouldMergeInTheCellAndPassTheConduitPerFrame() {
        final RouterResults r = run(config(Switch.DSA_K2P, RouterConfig.OffloadMode.NONE,
                tcp(RouterConfig.Direction.UPLOAD), 1, false));
        noDropsBeforeForwarding(r);
        final long merged = gro(r, "merged");
        assertThat(merged).as("uploads from lan1 merge").isGreaterThan(gro(r, "received") / 4);
        final long aggregates = gro(r, "received") - merged;
        // uploads come from lan1 (DSA), their ACKs from wan (GMAC1, no tagger); nothing dropped before forward
        assertThat(r.drops().byReason().stream().filter(c -> c.name().equals("no_route")).mapToLong(
                RouterResults.Count::value).sum()).isZero();
        final long fromLan = gro(r, "cell_received");
        assertThat(fromLan).isPositive().isLessThan(gro(r, "received"));
        // passes: per aggregate from lan1 its frames + the user port; per frame from wan one
        assertThat(processed(r)).isEqualTo(r.forwardedPackets() + (aggregates - (gro(r, "received") - fromLan)));
    }

    /**
     * eth0's tap shows the MTK tag (tag_mtk.c): received, the source port (lan3 is switch port 2); sent, the port's
     * bit (lan1, port 0); a K2P's wan frames are on wan (untagged), never on eth0.
     */
    @Test
    void shouldShowTheMtkTagOnTheConduitsTap(@TempDir final Path tmp) throws Exception {
        // the ACKs from lan1 (port 0) and the data to it; the lines' data from lan2/lan3 and their ACKs to them
        final RouterConfig c = config(Switch.DSA_K2P, RouterConfig.OffloadMode.NONE,
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, 16, RouterConfig.Direction.DOWNLOAD)), 3,
                false);
        final Path dir = Files.createDirectories(tmp.resolve("pcap"));
        final RouterResults r = new RouterSimulation(new RouterConfig(c.profile(), c.lan(), c.wan(), false,
                c.balancing(), c.offload(), c.firewall(), c.qdisc(), c.workload(), c.durationNs(), c.warmupNs(),
                c.seed(), c.run(), new RouterConfig.Outputs(dir, null))).run(ProgressListener.NONE);
        assertThat(r.forwardedPackets()).isPositive();
        final Map<Integer, Integer> tags = new TreeMap<>();
        try (PcapReader p = PcapReader.open(dir.resolve("eth0.pcap"))) {
            final byte[] b = new byte[16];
            while (p.next()) {
                p.frame().getBytes(0, b, 0, 16);
                tags.merge((b[12] & 0xFF) << 8 | b[13] & 0xFF, 1, Integer::sum);
            }
        }
        // received: the source port (lan1 0, lan2 1, lan3 2); sent: the port's bit (lan1 1, lan2 2, lan3 4)
        assertThat(tags.keySet()).as("MTK tags, never 0x8100").isSubsetOf(0x0000, 0x0001, 0x0002, 0x0004)
                .contains(0x0000, 0x0001);
        long wan = 0;
        try (PcapReader p = PcapReader.open(dir.resolve("wan.pcap"))) {
            final byte[] b = new byte[14];
            while (p.next()) {
                p.frame().getBytes(0, b, 0, 14);
                assertThat((b[12] & 0xFF) << 8 | b[13] & 0xFF).as("untagged IPv4 on wan").isEqualTo(0x0800);
                wan++;
            }
        }
        assertThat(wan).isPositive();
        assertThat(Files.exists(dir.resolve("eth0.1.pcap"))).isFalse();
        assertThat(Files.exists(dir.resolve("lan1.pcap"))).isTrue();
    }

    /**
     * The conduit merges nothing, so RPS queues an aggregate's frames one by one: with {@code netdev_max_backlog} 1
     * the input queue takes a frame while it holds at most one ({@code qlen <= max_backlog}, 6.18), so an aggregate
     * of three frames or more never fits (all or none here) and one of two fits only into an empty queue: every
     * packet forwarded is a single frame (two passes) or a pair (three passes for two frames), and some are pairs.
     */
    @Test
    void shouldQueueAnAggregatesFramesInTheBacklog() {
        final RouterConfig c = config(Switch.DSA_ALL_PORTS, RouterConfig.OffloadMode.NONE,
                tcp(RouterConfig.Direction.UPLOAD), 1, false);
        final RouterResults r = run(new RouterConfig(c.profile().rpsCpus(0x4).netdevMaxBacklog(1), c.lan(), c.wan(),
                false, c.balancing(), c.offload(), c.firewall(), c.qdisc(), c.workload(), c.durationNs(),
                c.warmupNs(), c.seed(), c.run(), c.outputs()));
        assertThat(gro(r, "merged")).as("GRO merged before the backlog").isPositive();
        assertThat(r.drops().backlog()).isPositive();
        assertThat(r.forwardedPackets()).isPositive();
        assertThat(processed(r)).as("no aggregate of three frames got through")
                .isGreaterThanOrEqualTo(3 * r.forwardedPackets() / 2)
                .as("pairs got through").isLessThan(2 * r.forwardedPackets());
    }

    @Test
    void shouldGiveTheSameResultsTwice() {
        final RouterConfig c = config(Switch.DSA_K2P, RouterConfig.OffloadMode.NONE,
                tcp(RouterConfig.Direction.DOWNLOAD), 2, true);
        assertThat(run(c)).isEqualTo(run(c));
    }

    @Test
    void shouldNameThePortsAsOpenWrtDoes() {
        assertThat(RouterSimulation.interfaceNames(config(Switch.DSA_K2P, RouterConfig.OffloadMode.NONE,
                udpDownload(), 3, true))).containsExactly("eth0", "lan1", "wan", "lan2", "lan3", "pppoe-wan0",
                "pppoe-wan1", "pppoe-wan2");
        assertThat(RouterSimulation.interfaceNames(config(Switch.SWCONFIG, RouterConfig.OffloadMode.NONE,
                udpDownload(), 2, false))).containsExactly("eth0", "eth0.1", "eth0.2", "eth0.3");
    }
}
