package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.pktsim.core.test.Commands;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The bridge's extra receive pass, checked on the running kernel. Inside a network namespace made for this test, a
 * router forwards UDP datagrams from a LAN veth to a WAN veth, once with the LAN veth a port of a bridge that holds
 * the router's address and once with the address on the veth itself. Each datagram is counted by
 * {@code /proc/net/softnet_stat}'s {@code processed} once per pass through {@code __netif_receive_skb_core()}: the
 * LAN veth, then (bridged) the bridge after {@code br_pass_frame_up()}, then the WAN veth's peer (which stands for
 * the next hop: it is not part of the router). pktsim's router, forwarding an upload from its LAN to a DHCP line,
 * counts its own passes (eth0 and the LAN's VLAN device; this kernel has no 802.1Q module to mirror the VLAN device)
 * and, with br-lan, exactly one more per forwarded packet, as the kernel does. The same for a download through a
 * macvlan on the WAN veth (a dial's macvlan in pktsim): one more pass. Nothing leaves the namespace. Skips
 * itself (JUnit assumption) without root, {@code ip netns} or {@code python3} (which sends the frames on a packet
 * socket).
 */
@Tag("live-kernel")
class RouterBridgeLiveKernelTest {

    private static final int FRAMES = 20_000;

    /** Sends n UDP datagrams from argv[4] to argv[5], from 02:00:00:00:00:01 to the router's MAC (argv[3]). */
    private static final String SEND = String.join("\n",
        "import socket, struct, sys",
        "ifname, n, dmac = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3])",
        "src, dst = socket.inet_aton(sys.argv[4]), socket.inet_aton(sys.argv[5])",
        "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)",
        "s.bind((ifname, 0))",
        "def csum(b):",
        "    t = sum(struct.unpack('!%dH' % (len(b) // 2), b))",
        "    t = (t & 0xffff) + (t >> 16)",
        "    t = (t & 0xffff) + (t >> 16)",
        "    return ~t & 0xffff",
        "payload = b'x' * 64",
        "for i in range(n):",
        "    udp = struct.pack('!HHHH', 10000 + i % 1000, 9, 8 + len(payload), 0) + payload",
        "    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), i & 0xffff, 0, 64, 17, 0, src, dst)",
        "    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]",
        "    s.send(dmac + bytes.fromhex('020000000001') + b'\\x08\\x00' + ip + udp)");

    private static final String ROUTER_MAC = "02:00:00:00:00:10";

    private static Commands.Result exec(final long timeoutMs, final String... cmd) {
        return Commands.run(timeoutMs, cmd);
    }

    private static void in(final String ns, final String line) {
        final Commands.Result r = Commands.inNamespace(10_000, ns, line);
        assertThat(r.code()).as("%s: %s", line, r.out()).isZero();
    }

    /** The sum of every CPU's {@code processed}, the first column of /proc/net/softnet_stat (hex). */
    private static long processed() throws Exception {
        long n = 0;
        for (final String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/softnet_stat"))) {
            n += Long.parseLong(line.strip().split("\\s+")[0], 16);
        }
        return n;
    }

    private static long rxPackets(final String ns, final String dev) throws Exception {
        final Commands.Result r = exec(5000, "ip", "netns", "exec", ns, "cat",
            "/sys/class/net/" + dev + "/statistics/rx_packets");
        assertThat(r.code()).isZero();
        return Long.parseLong(r.out().strip());
    }

    /** The router's LAN or WAN side on the kernel: the veth itself, a bridge over it, or a macvlan on it. */
    enum Side { PLAIN, BRIDGE, MACVLAN }

    /**
     * Passes per forwarded datagram on the kernel: uploads through the LAN side {@code lan}, or, with
     * {@code download}, downloads through a WAN side that is the veth itself or a macvlan on it.
     */
    private static double kernelPasses(final Side side, final boolean download) throws Exception {
        final boolean bridge = side == Side.BRIDGE;
        final String ns = "pktsim-br-" + ProcessHandle.current().pid() + "-"
            + Long.toHexString(new SplittableRandom().nextLong() & 0xFFFFFFL);
        assumeThat(exec(5000, "ip", "netns", "add", ns).code()).as("ip netns add").isZero();
        try {
            for (final String line : new String[] {"sysctl -qw net.ipv6.conf.all.disable_ipv6=1",
                "sysctl -qw net.ipv6.conf.default.disable_ipv6=1", "sysctl -qw net.ipv4.ip_forward=1",
                "sysctl -qw net.ipv4.conf.all.rp_filter=0", "sysctl -qw net.ipv4.conf.default.rp_filter=0",
                "ip link set lo up", "ip link add lan0 type veth peer name lanp",
                "ip link add wan0 type veth peer name wanp", "ip link set lanp up", "ip link set wanp up",
                "ip link set wan0 up", "ip link set lan0 up"}) {
                in(ns, line);
            }
            final String lan = bridge ? "br0" : "lan0";
            if (bridge) {
                in(ns, "ip link add br0 type bridge");
                in(ns, "ip link set br0 address " + ROUTER_MAC);
                in(ns, "ip link set lan0 master br0");
                in(ns, "ip link set br0 up");
            } else if (!download) {
                in(ns, "ip link set lan0 address " + ROUTER_MAC);
            }
            final String wan = download && side == Side.MACVLAN ? "mv0" : "wan0";
            if (wan.equals("mv0")) {
                in(ns, "ip link add link wan0 name mv0 type macvlan mode private");
                in(ns, "ip link set mv0 up");
            }
            if (download) {
                in(ns, "ip link set " + wan + " address " + ROUTER_MAC);
            }
            in(ns, "ip addr add 192.0.2.1/24 dev " + lan);
            in(ns, "ip addr add 198.51.100.1/24 dev " + wan);
            in(ns, "ip neigh add 198.51.100.2 lladdr 02:00:00:00:00:02 dev " + wan + " nud permanent");
            in(ns, "ip neigh add 192.0.2.2 lladdr 02:00:00:00:00:02 dev " + lan + " nud permanent");
            Thread.sleep(300);
            final String into = download ? "wanp" : "lanp";
            final String outOf = download ? "lanp" : "wanp";
            final long forwardedBefore = rxPackets(ns, outOf);
            final long before = processed();
            final Commands.Result sent = exec(60_000, "ip", "netns", "exec", ns, "python3", "-c", SEND, into,
                Integer.toString(FRAMES), ROUTER_MAC.replace(":", ""), download ? "198.51.100.2" : "192.0.2.2",
                download ? "192.0.2.2" : "198.51.100.2");
            assertThat(sent.code()).as("python3 sends the frames: %s", sent.out()).isZero();
            Thread.sleep(300);
            final long passes = processed() - before;
            final long forwarded = rxPackets(ns, outOf) - forwardedBefore;
            assertThat(forwarded).as("datagrams forwarded to %s", outOf).isGreaterThan(FRAMES * 99L / 100);
            return (double) passes / forwarded;
        } finally {
            exec(10_000, "ip", "netns", "del", ns);
        }
    }

    /**
     * Passes per forwarded packet in pktsim: a UDP upload from the LAN to a DHCP line, with or without br-lan, or a
     * UDP download from a line of one dial or of two (each dial a macvlan on the line's VLAN device).
     */
    private static double modelPasses(final boolean bridge, final boolean download, final int dialsPerLine) {
        final RouterConfig b = RouterFixtures.config(1, dialsPerLine, 100 * RouterFixtures.MBIT, false, false,
            RouterConfig.OffloadMode.NONE, dialsPerLine > 1 ? RouterConfig.Balancing.ecmp(1)
                : RouterConfig.Balancing.none(),
            List.of(new RouterConfig.App(RouterConfig.AppKind.UDP_CBR, 1, 4,
                download ? RouterConfig.Direction.DOWNLOAD : RouterConfig.Direction.UPLOAD,
                RouterConfig.CongestionControl.NEWRENO, 10 * RouterFixtures.MBIT, 1000, 0)), 200_000_000L, 1);
        final RouterResults r = new RouterSimulation(new RouterConfig(b.profile(),
            new RouterConfig.Lan(b.lan().hosts(), b.lan().portRateBps(), bridge), b.wan(), false, b.balancing(),
            b.offload(), b.firewall(), b.qdisc(), b.workload(), b.durationNs(), b.warmupNs(), b.seed(), b.run(),
            b.outputs())).run(ProgressListener.NONE);
        long passes = 0;
        for (final RouterResults.Softnet s : r.softnet()) {
            passes += s.processed();
        }
        assertThat(r.forwardedPackets()).isPositive();
        return (double) passes / r.forwardedPackets();
    }

    @Test
    void shouldCountTheBridgesPassAsTheKernelDoes() throws Exception {
        assumeThat(exec(5000, "id", "-u").out().strip()).as("root, for ip netns").isEqualTo("0");
        assumeThat(exec(5000, "python3", "-c", "import socket; socket.AF_PACKET").code()).as("python3").isZero();
        final double plain = kernelPasses(Side.PLAIN, false);
        final double bridged = kernelPasses(Side.BRIDGE, false);
        assertThat(plain).as("the kernel: the LAN veth and the WAN veth's peer").isBetween(1.95, 2.1);
        assertThat(bridged).as("the kernel: and the bridge (br_pass_frame_up)").isBetween(2.95, 3.1);
        final double model = modelPasses(false, false, 1);
        assertThat(model).as("pktsim: eth0, eth0.1").isEqualTo(2.0);
        assertThat(modelPasses(true, false, 1) - model).as("pktsim: br-lan's pass, as the kernel's bridge")
            .isEqualTo(1.0).isCloseTo(bridged - plain, org.assertj.core.data.Offset.offset(0.1));
    }

    /**
     * The same for a macvlan: a frame to the macvlan's address is handed to it by the lower device's rx_handler
     * ({@code macvlan_handle_frame()}, {@code RX_HANDLER_ANOTHER}), one more pass; pktsim's multi-dial lines count it.
     */
    @Test
    void shouldCountTheMacvlansPassAsTheKernelDoes() throws Exception {
        assumeThat(exec(5000, "id", "-u").out().strip()).as("root, for ip netns").isEqualTo("0");
        assumeThat(exec(5000, "python3", "-c", "import socket; socket.AF_PACKET").code()).as("python3").isZero();
        final double plain = kernelPasses(Side.PLAIN, true);
        final double macvlan = kernelPasses(Side.MACVLAN, true);
        assertThat(plain).as("the kernel: the WAN veth and the LAN veth's peer").isBetween(1.95, 2.1);
        assertThat(macvlan).as("the kernel: and the macvlan").isBetween(2.95, 3.1);
        final double model = modelPasses(false, true, 1);
        assertThat(model).as("pktsim: eth0, eth0.2").isEqualTo(2.0);
        assertThat(modelPasses(false, true, 2) - model).as("pktsim: the dial's macvlan, as the kernel's")
            .isEqualTo(1.0).isCloseTo(macvlan - plain, org.assertj.core.data.Offset.offset(0.1));
    }
}
