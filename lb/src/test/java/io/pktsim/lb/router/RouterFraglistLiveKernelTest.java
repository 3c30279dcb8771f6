package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.pcap.PcapReader;
import io.pktsim.core.test.Commands;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fraglist GRO of forwarded traffic, checked on the running kernel. Inside a network namespace made for this test a
 * router forwards from veth {@code v1} (GRO in NAPI, {@code rx-gro-list on}, {@code gro_flush_timeout} 1 ms, as
 * the kernel's selftests/net/gro.sh sets a veth up) to veth {@code v2} ({@code tx-gso-list off}, so
 * {@code validate_xmit_skb} splits the aggregate there and the tap after it shows the segments); {@code v3}, v2's
 * peer, the next hop, sits in a second namespace that forwards nothing back. Bursts of one flow (IPv4 UDP and TCP,
 * IPv6 UDP) go into {@code v1}'s peer from a packet socket; dumpcap captures the aggregates {@code v1} passes up
 * and the frames {@code v2} sends. Nothing leaves the two namespaces, which the test deletes. Skips itself (JUnit
 * assumption) without root, {@code ip netns}, {@code ethtool}, {@code python3} or {@code dumpcap}.
 *
 * <p>What pktsim's router must match ({@link RouterSimulation#udpFraglistRefusal},
 * {@link RouterSimulation#udpFraglistComplete}, {@link RouterSimulation#fraglistSegmentHeaders}): the UDP
 * aggregates {@code udp_gro_receive_segment} makes of a burst (their UDP lengths), and the IP header of every
 * segment {@code skb_segment_list} gives back, byte for byte: the head forwarded (TTL 63), the others with the TTL
 * (hop limit) they came with and IPv4 IDs numbered from the head's, for UDP and TCP over IPv4 and UDP over IPv6.
 */
@Tag("live-kernel")
class RouterFraglistLiveKernelTest {

    /** Writes the frames of one flow (argv: v1's MAC, udp or tcp, the payload sizes) as a classic pcap on stdout. */
    private static final String FRAMES = String.join("\n",
        "import struct, sys",
        "def csum(b):",
        "    if len(b) % 2: b += b'\\0'",
        "    t = sum(struct.unpack('!%dH' % (len(b) // 2), b))",
        "    while t >> 16: t = (t & 0xffff) + (t >> 16)",
        "    return ~t & 0xffff",
        "dst, kind, sizes = bytes.fromhex(sys.argv[1]), sys.argv[2], [int(x) for x in sys.argv[3].split(',')]",
        "src, dip = bytes([10, 9, 0, 1]), bytes([10, 8, 0, 2])",
        "out = sys.stdout.buffer",
        "out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))",
        "seq = 1000",
        "for i, n in enumerate(sizes):",
        "    data = bytes([i & 0xff]) * n",
        "    if kind == 'udp6':",
        "        s6, d6 = bytes.fromhex('fd09' + '00' * 13 + '01'), bytes.fromhex('fd08' + '00' * 13 + '02')",
        "        l4 = struct.pack('!HHHH', 40000, 5001, 8 + n, 0)",
        "        c = csum(s6 + d6 + struct.pack('!IxxxB', 8 + n, 17) + l4 + data) or 0xffff",
        "        ip6 = struct.pack('!IHBB', 0x60000000, 8 + n, 17, 64) + s6 + d6",
        "        f = dst + bytes([2, 0, 0, 0, 0, 1]) + b'\\x86\\xdd' + ip6 + l4[:6] + struct.pack('!H', c) + data",
        "        out.write(struct.pack('<IIII', 0, 0, len(f), len(f)) + f)",
        "        continue",
        "    if kind == 'udp':",
        "        l4 = struct.pack('!HHHH', 40000, 5001, 8 + n, 0)",
        "        c = csum(src + dip + struct.pack('!BBH', 0, 17, 8 + n) + l4 + data) or 0xffff",
        "        l4, proto = l4[:6] + struct.pack('!H', c), 17",
        "    else:",
        "        l4 = struct.pack('!HHIIBBHHH', 40000, 5001, seq, 1, 5 << 4, 0x10, 502, 0, 0)",
        "        c = csum(src + dip + struct.pack('!BBH', 0, 6, 20 + n) + l4 + data)",
        "        l4, proto, seq = l4[:16] + struct.pack('!H', c) + l4[18:], 6, seq + n",
        "    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(l4) + n, 0, 0x4000, 64, proto, 0, src, dip)",
        "    f = dst + bytes([2, 0, 0, 0, 0, 1]) + b'\\x08\\x00' + ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]",
        "    f += l4 + data",
        "    out.write(struct.pack('<IIII', 0, 0, len(f), len(f)) + f)");

    /** Sends every frame of a classic pcap file (argv[1]) on a packet socket bound to argv[2]. */
    private static final String INJECT = String.join("\n",
        "import socket, struct, sys",
        "data = open(sys.argv[1], 'rb').read()",
        "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)",
        "s.bind((sys.argv[2], 0))",
        "at = 24",
        "while at < len(data):",
        "    incl = struct.unpack('<I', data[at + 8:at + 12])[0]",
        "    s.send(data[at + 16:at + 16 + incl])",
        "    at += 16 + incl");

    @TempDir
    Path tmp;

    private String ns;
    private String next;
    private String v1Mac;

    private static Commands.Result exec(final long timeoutMs, final String... cmd) {
        return Commands.run(timeoutMs, cmd);
    }

    private void in(final String line) {
        final List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        if (line.startsWith("sh -c ")) {
            cmd.addAll(List.of("sh", "-c", line.substring(6)));
        } else {
            cmd.addAll(List.of(line.split(" ")));
        }
        final Commands.Result r = exec(10_000, cmd.toArray(new String[0]));
        assertThat(r.code()).as("%s: %s", line, r.out()).isZero();
    }

    @BeforeEach
    void namespace() {
        assumeThat(exec(5000, "id", "-u").out().strip()).as("root, for ip netns").isEqualTo("0");
        assumeThat(exec(5000, "ethtool", "--version").code()).as("ethtool").isZero();
        assumeThat(exec(5000, "python3", "-c", "import socket; socket.AF_PACKET").code()).as("python3").isZero();
        assumeThat(exec(5000, "dumpcap", "-v").code()).as("dumpcap (Wireshark)").isZero();
        ns = "pktsim-fl-" + ProcessHandle.current().pid() + "-"
            + Long.toHexString(new SplittableRandom().nextLong() & 0xFFFFFFL);
        assumeThat(exec(5000, "ip", "netns", "add", ns).code()).as("ip netns add").isZero();
        // v3, the next hop, in a namespace of its own that forwards nothing back
        next = ns + "-n";
        assumeThat(exec(5000, "ip", "netns", "add", next).code()).as("ip netns add").isZero();
        for (final String line : new String[] {"sysctl -qw net.ipv4.ip_forward=1",
            "sysctl -qw net.ipv6.conf.all.forwarding=1", "sysctl -qw net.ipv4.conf.all.rp_filter=0",
            "sysctl -qw net.ipv4.conf.default.rp_filter=0", "ip link set lo up",
            "ip link add v0 type veth peer name v1", "ip link add v2 type veth peer name v3 netns " + next,
            "ip link set v0 up", "ip link set v1 up", "ip link set v2 up", "ip -n " + next + " link set v3 up",
            "ethtool -K v0 tso off", "ethtool -K v1 gro on", "ethtool -K v1 rx-gro-list on",
            "ethtool -K v2 tx-gso-list off", "sh -c echo 1000000 > /sys/class/net/v1/gro_flush_timeout",
            "sh -c echo 1 > /sys/class/net/v1/napi_defer_hard_irqs", "ip addr add 10.9.0.254/24 dev v1",
            "ip addr add 10.8.0.254/24 dev v2", "ip -6 addr add fd09::254/64 dev v1 nodad",
            "ip -6 addr add fd08::254/64 dev v2 nodad"}) {
            in(line);
        }
        final String v3 = exec(5000, "ip", "netns", "exec", next, "cat", "/sys/class/net/v3/address").out().strip();
        in("ip neigh add 10.8.0.2 lladdr " + v3 + " dev v2 nud permanent");
        in("ip -6 neigh add fd08::2 lladdr " + v3 + " dev v2 nud permanent");
        v1Mac = exec(5000, "ip", "netns", "exec", ns, "cat", "/sys/class/net/v1/address").out().strip();
    }

    @AfterEach
    void deleteNamespaces() {
        for (final String name : new String[] {ns, next}) {
            if (name != null) {
                exec(10_000, "ip", "netns", "del", name);
            }
        }
    }

    /** One burst through the router: the frames sent, what v1 passed up and what v2 sent. */
    private record Burst(List<byte[]> sent, List<byte[]> up, List<byte[]> out) {
    }

    private Burst burst(final String kind, final int... sizes) throws Exception {
        final Path in = tmp.resolve(kind + sizes.length + ".pcap");
        final Commands.Result made = exec(10_000, "sh", "-c", "python3 -c \"$0\" \"$1\" \"$2\" \"$3\" > \"$4\"", FRAMES,
            v1Mac.replace(":", ""), kind, Arrays.stream(sizes).mapToObj(Integer::toString)
                .collect(Collectors.joining(",")), in.toString());
        assertThat(made.code()).as("the frames: %s", made.out()).isZero();
        final Path up = tmp.resolve("up.pcap");
        final Path out = tmp.resolve("out.pcap");
        final Process capUp = dumpcap("v1", up);
        final Process capOut = dumpcap("v2", out);
        Thread.sleep(800);
        assertThat(exec(10_000, "ip", "netns", "exec", ns, "python3", "-c", INJECT, in.toString(), "v0").code())
            .as("python3 sends the frames").isZero();
        assertThat(capUp.waitFor(10, TimeUnit.SECONDS) && capOut.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new Burst(frames(in, false), frames(up, true), frames(out, false));
    }

    private Process dumpcap(final String dev, final Path file) throws Exception {
        return new ProcessBuilder("ip", "netns", "exec", ns, "dumpcap", "-q", "-P", "-i", dev, "-w", file.toString(),
            "-a", "duration:2").redirectErrorStream(true).start();
    }

    /** The test flow's frames of a capture (UDP or TCP to port 5001); {@code ours}: only from the test's MAC. */
    private static List<byte[]> frames(final Path file, final boolean ours) throws Exception {
        final List<byte[]> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try (PcapReader r = PcapReader.open(file)) {
            while (r.next()) {
                final DirectBuffer f = r.frame();
                final boolean fromUs = f.getInt(6, ByteOrder.BIG_ENDIAN) == 0x0200_0000
                    && f.getShort(10, ByteOrder.BIG_ENDIAN) == 1;
                final int type = f.getShort(12, ByteOrder.BIG_ENDIAN) & 0xFFFF;
                final int l4 = type == 0x0800 ? 34 : 54;
                final int proto = f.getByte(type == 0x0800 ? 23 : 20);
                final boolean flow = (type == 0x0800 || type == 0x86DD) && (proto == 17 || proto == 6)
                    && r.capturedLength() >= l4 + 4 && (f.getShort(l4 + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF) == 5001;
                if (flow && (!ours || fromUs)) {
                    final byte[] b = new byte[r.capturedLength()];
                    f.getBytes(0, b);
                    out.add(b);
                }
            }
        }
        return out;
    }

    private static int u16(final byte[] f, final int at) {
        return (f[at] & 0xFF) << 8 | f[at + 1] & 0xFF;
    }

    /** The aggregates' UDP lengths the engine's decisions give for one flow's datagrams of these payloads. */
    private static List<Integer> predictedUdpLengths(final int... sizes) {
        final int[] ulens = Arrays.stream(sizes).map(n -> n + 8).toArray();
        final List<Integer> lengths = new ArrayList<>();
        int at = 0;
        for (final int segs : RouterUdpFraglistGroTest.groupsOf(ulens)) {
            int len = 8;
            for (int k = 0; k < segs; k++) {
                len += ulens[at++] - 8;
            }
            lengths.add(len);
        }
        return lengths;
    }

    private static List<Integer> udpLengths(final List<byte[]> frames) {
        return frames.stream().map(f -> u16(f, 14 + 24)).collect(Collectors.toList());
    }

    /**
     * udp_gro_receive_segment's aggregates: a shorter datagram chained and completing, a longer one flushing, 64
     * KiB counted whole per skb (44 datagrams of 1472 bytes), 64 datagrams at most; pktsim's decisions give the same
     * UDP lengths.
     */
    @Test
    void shouldChainUdpAsTheEngineDecides() throws Exception {
        for (final int[] sizes : new int[][] {{1000, 1000, 500, 1000}, {1000, 1200, 1200, 1000},
            {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}}) {
            final Burst b = burst("udp", sizes);
            assertThat(udpLengths(b.up())).as("aggregates of %s", Arrays.toString(sizes))
                .isEqualTo(predictedUdpLengths(sizes));
        }
        final int[] full = new int[50];
        Arrays.fill(full, 1472);
        final Burst b = burst("udp", full);
        assertThat(udpLengths(b.up()).get(0)).as("the first aggregate of 1472-byte datagrams")
            .isEqualTo(predictedUdpLengths(full).get(0)).isEqualTo(8 + 44 * 1472);
        final int[] small = new int[70];
        Arrays.fill(small, 100);
        assertThat(udpLengths(burst("udp", small).up()).get(0)).as("the first aggregate of 100-byte datagrams")
            .isEqualTo(predictedUdpLengths(small).get(0)).isEqualTo(8 + 64 * 100);
    }

    /**
     * skb_segment_list's segments, UDP, TCP and UDP over IPv6: every IP header v2 sends is the one pktsim writes
     * ({@link RouterSimulation#fraglistSegmentHeaders} over the forwarded head), the first with TTL 63, the others
     * with 64; the transport header and payload are each datagram's own.
     */
    @Test
    void shouldGiveBackEverySegmentWithTheIpHeaderPktsimWrites() throws Exception {
        for (final String kind : new String[] {"udp", "tcp", "udp6"}) {
            final int[] sizes = new int[8];
            Arrays.fill(sizes, 1000);
            final Burst b = burst(kind, sizes);
            assertThat(b.up()).as("%s: one aggregate", kind).hasSize(1);
            assertThat(b.out()).as("%s: its segments", kind).hasSize(sizes.length);
            final boolean v6 = kind.equals("udp6");
            final int ipEnd = v6 ? 54 : 34;
            // the head as ip_forward / ip6_forward leaves it: TTL (hop limit) 63, an IPv4 header checksum updated
            final UnsafeBuffer head = new UnsafeBuffer(Arrays.copyOfRange(b.sent().get(0), 14, ipEnd));
            if (v6) {
                head.putByte(7, (byte) 63);
            } else {
                head.putByte(8, (byte) 63);
                head.putShort(10, (short) 0);
                head.putShort(10, (short) InetChecksum.finish(InetChecksum.sum(head, 0, 20, 0L)),
                    ByteOrder.BIG_ENDIAN);
            }
            for (int i = 0; i < sizes.length; i++) {
                final byte[] got = b.out().get(i);
                final UnsafeBuffer want = new UnsafeBuffer(head.byteArray().clone());
                if (i > 0) {
                    RouterSimulation.fraglistSegmentHeaders(want, 0, i);
                }
                assertThat(Arrays.copyOfRange(got, 14, ipEnd)).as("%s segment %d's IP header", kind, i)
                    .isEqualTo(want.byteArray());
                assertThat(Arrays.copyOfRange(got, ipEnd, got.length)).as("%s segment %d: its own rest", kind, i)
                    .isEqualTo(Arrays.copyOfRange(b.sent().get(i), ipEnd, b.sent().get(i).length));
            }
            assertThat(b.out().get(1)[14 + (v6 ? 7 : 8)] & 0xFF).as("the kernel leaves a chained segment's TTL")
                .isEqualTo(64);
        }
    }
}
