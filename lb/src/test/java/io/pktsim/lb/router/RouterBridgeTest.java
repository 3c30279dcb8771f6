package io.pktsim.lb.router;

import static io.pktsim.lb.router.RouterFixtures.stage;
import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.lb.router.RouterConfig.FirewallKind;
import io.pktsim.lb.router.RouterConfig.OffloadMode;
import io.pktsim.stack.profile.CostStage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LAN bridge ({@code br-lan}, {@link RouterConfig.Lan#bridge}) and where the flowtable's hook sits: the stage
 * cycles and the receive passes each path pays. The fixture's costs: vlan 400, macvlan 450, pppoe 1000, and the
 * bridge {@value #BRIDGE} (set here, distinct from the others).
 */
class RouterBridgeTest {

    private static final long BRIDGE = 600;

    private static RouterConfig config(final int lines, final int dialsPerLine, final OffloadMode offload,
            final FirewallKind fw, final boolean bridge, final List<RouterConfig.App> apps, final Path pcapDir) {
        final RouterConfig b = RouterFixtures.config(lines, dialsPerLine, 100 * RouterFixtures.MBIT, true, false,
                offload, lines * dialsPerLine > 1 ? RouterConfig.Balancing.ecmp(1) : RouterConfig.Balancing.none(),
                apps, 300_000_000L, 3);
        b.profile().costs(b.profile().costs().copy().set(CostStage.BRIDGE, 0, BRIDGE, 0).freeze());
        return new RouterConfig(b.profile(), new RouterConfig.Lan(b.lan().hosts(), b.lan().portRateBps(), bridge),
                b.wan(), false, b.balancing(), b.offload(), new RouterConfig.Firewall(fw, 16384), b.qdisc(),
                b.workload(), b.durationNs(), b.warmupNs(), b.seed(), b.run(),
                pcapDir == null ? RouterConfig.Outputs.NONE : new RouterConfig.Outputs(pcapDir, null));
    }

    private static List<RouterConfig.App> udpDownload() {
        return List.of(RouterFixtures.udp(1, 8, 10 * RouterFixtures.MBIT, 1000));
    }

    private static List<RouterConfig.App> udpUpload() {
        return List.of(new RouterConfig.App(RouterConfig.AppKind.UDP_CBR, 1, 8, RouterConfig.Direction.UPLOAD,
                RouterConfig.CongestionControl.NEWRENO, 10 * RouterFixtures.MBIT, 1000, 0));
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

    private static long fast(final RouterResults r) {
        return r.flowtable().stream().filter(c -> c.name().equals("fast_path_packets")).findFirst().orElseThrow()
                .value();
    }

    /**
     * The classic path: a download leaves through br_dev_xmit; an upload comes up through br_pass_frame_up, one more
     * receive pass; each packet crosses the bridge once. The br-lan tap shows what eth0.1's shows (the same untagged
     * frames at the same times); without a bridge there is no br-lan.
     */
    @Test
    void shouldChargeTheBridgeOncePerPacketOnTheClassicPath(@TempDir final Path tmp) throws Exception {
        final Path on = Files.createDirectories(tmp.resolve("on"));
        final Path off = Files.createDirectories(tmp.resolve("off"));
        // in the window every forwarded packet is a datagram from a dial to the LAN (or, uploading, the other way)
        final RouterResults down = run(config(2, 2, OffloadMode.NONE, FirewallKind.FW3, true, udpDownload(), on));
        final RouterResults downN = run(config(2, 2, OffloadMode.NONE, FirewallKind.FW3, false, udpDownload(),
                off));
        final RouterResults up = run(config(2, 2, OffloadMode.NONE, FirewallKind.FW3, true, udpUpload(), null));
        final RouterResults upN = run(config(2, 2, OffloadMode.NONE, FirewallKind.FW3, false, udpUpload(), null));
        assertThat(down.forwardedPackets()).isGreaterThan(1000);
        assertThat(up.forwardedPackets()).isGreaterThan(1000);
        assertThat(stage(down, "bridge")).isEqualTo(BRIDGE * down.forwardedPackets());
        assertThat(stage(up, "bridge")).isEqualTo(BRIDGE * up.forwardedPackets());
        assertThat(stage(downN, "bridge")).isZero();
        assertThat(stage(upN, "bridge")).isZero();
        // passes: a download eth0, eth0.N, the macvlan, ppp; an upload eth0, eth0.1 and, bridged, br-lan
        assertThat(processed(down)).isEqualTo(4 * down.forwardedPackets());
        assertThat(processed(downN)).isEqualTo(4 * downN.forwardedPackets());
        assertThat(processed(up)).isEqualTo(3 * up.forwardedPackets());
        assertThat(processed(upN)).isEqualTo(2 * upN.forwardedPackets());
        assertThat(Files.size(on.resolve("br-lan.pcap"))).isGreaterThan(100_000);
        assertThat(Files.mismatch(on.resolve("br-lan.pcap"), on.resolve("eth0.1.pcap"))).isEqualTo(-1L);
        assertThat(Files.exists(off.resolve("br-lan.pcap"))).isFalse();
        assertThat(Files.exists(off.resolve("eth0.1.pcap"))).isTrue();
        assertThat(RouterSimulation.interfaceNames(config(2, 2, OffloadMode.NONE, FirewallKind.FW3, true,
                udpDownload(), null))).endsWith("pppoe-wan3", "br-lan");
        assertThat(RouterSimulation.interfaceNames(config(2, 2, OffloadMode.NONE, FirewallKind.FW3, false,
                udpDownload(), null))).doesNotContain("br-lan");
    }

    /** The summary's words for the hooks follow the same rules as the charges above. */
    @Test
    void shouldDescribeWhereTheHooksSit() {
        assertThat(RouterSimulation.flowtableHooks(config(2, 2, OffloadMode.NONE, FirewallKind.FW4, true,
                udpDownload(), null))).isNull();
        assertThat(RouterSimulation.flowtableHooks(config(2, 2, OffloadMode.FLOWTABLE, FirewallKind.FW3, true,
                udpDownload(), null))).isEqualTo("hooked on the dials and br-lan, the layer-3 devices (firewall3): "
                + "every device layer is paid");
        assertThat(RouterSimulation.flowtableHooks(config(2, 2, OffloadMode.FLOWTABLE, FirewallKind.FW4, true,
                udpDownload(), null))).isEqualTo("WAN side hooked on the dials' macvlans (PPPoE popped), LAN side on "
                + "br-lan (fw4 lists br-lan, not its port)");
        assertThat(RouterSimulation.flowtableHooks(config(2, 1, OffloadMode.FLOWTABLE, FirewallKind.FW4, true,
                udpDownload(), null))).isEqualTo("WAN side hooked on eth0 (VLAN tag and PPPoE popped), LAN side on "
                + "eth0 (listed through the lines' VLAN devices; br-lan skipped)");
        assertThat(RouterSimulation.flowtableHooks(config(2, 2, OffloadMode.PPE, FirewallKind.FW4, true,
                udpDownload(), null))).endsWith("LAN side on eth0 (flags offload lists br-lan's port; br-lan skipped)");
        assertThat(RouterSimulation.flowtableHooks(config(2, 2, OffloadMode.FLOWTABLE, FirewallKind.FW4, false,
                udpDownload(), null))).endsWith("LAN side on eth0 (VLAN tag popped)");
    }

    /**
     * firewall3's xt_FLOWOFFLOAD hooks the layer-3 devices: a fast-path download still takes every receive layer,
     * PPPoE with its backlog pass included, and leaves through br-lan.
     */
    @Test
    void shouldHookTheLayer3DevicesUnderFirewall3() {
        final RouterResults r = run(config(2, 2, OffloadMode.FLOWTABLE, FirewallKind.FW3, true, udpDownload(), null));
        final long fwd = r.forwardedPackets();
        assertThat(fast(r)).isGreaterThan(fwd / 2);
        assertThat(stage(r, "pppoe")).isEqualTo(1000 * fwd);
        assertThat(stage(r, "macvlan")).isEqualTo(450 * fwd);
        assertThat(stage(r, "vlan")).isEqualTo(2 * 400 * fwd);
        assertThat(stage(r, "bridge")).isEqualTo(BRIDGE * fwd);
        assertThat(processed(r)).isEqualTo(4 * fwd);
    }

    /**
     * fw4 lists a dial's macvlan: the hook sits there, PPPoE is popped by the flowtable (no pppoe_rcv, no backlog
     * pass), and br-lan, whose port is not in fw4's software list, is the LAN side's device: the bridge is paid.
     */
    @Test
    void shouldHookTheMacvlanAndKeepTheBridgeUnderFw4() {
        final RouterResults r = run(config(2, 2, OffloadMode.FLOWTABLE, FirewallKind.FW4, true, udpDownload(), null));
        final long fwd = r.forwardedPackets();
        final long fast = fast(r);
        final long slow = fwd - fast;
        assertThat(fast).isGreaterThan(fwd / 2);
        assertThat(stage(r, "pppoe")).as("PPPoE only on the classic path").isEqualTo(1000 * slow);
        assertThat(stage(r, "macvlan")).isEqualTo(450 * fwd);
        assertThat(stage(r, "vlan")).isEqualTo(2 * 400 * fwd);
        assertThat(stage(r, "bridge")).isEqualTo(BRIDGE * fwd);
        assertThat(processed(r)).isEqualTo(3 * fast + 4 * slow);
    }

    /**
     * One dial per line: fw4's list has eth0 (the line's VLAN device's lower device), so both sides hook eth0; the
     * download is sent straight to eth0.1 past the bridge (FLOW_OFFLOAD_XMIT_DIRECT), paying its VLAN device.
     */
    @Test
    void shouldHookEth0AndSkipTheBridgeWithOneDialPerLineUnderFw4() {
        final RouterResults r = run(config(2, 1, OffloadMode.FLOWTABLE, FirewallKind.FW4, true, udpDownload(), null));
        final long fwd = r.forwardedPackets();
        final long fast = fast(r);
        final long slow = fwd - fast;
        assertThat(fast).isGreaterThan(fwd / 2);
        assertThat(stage(r, "pppoe")).isEqualTo(1000 * slow);
        assertThat(stage(r, "bridge")).isEqualTo(BRIDGE * slow);
        assertThat(stage(r, "vlan")).as("fast: eth0.1's transmit only").isEqualTo(2 * 400 * slow + 400 * fast);
        assertThat(stage(r, "macvlan")).isZero();
        assertThat(processed(r)).isEqualTo(fast + 3 * slow);
    }
}
