package io.pktsim.cli.gro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.pktsim.cli.PktsimMain;
import io.pktsim.core.test.Commands;
import io.pktsim.core.pcap.PcapFormat;
import io.pktsim.core.pcap.PcapReader;
import io.pktsim.core.pcap.PcapWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mainline Linux has no GRO handler for PPPoE session frames, which is why pktsim's {@code napi.pppoeGro} (OpenWrt's
 * patch) is off by default: checked on the running kernel. Inside a network namespace made for this test, eight
 * back-to-back TCP segments of one flow go into a veth whose peer runs GRO in NAPI (as the kernel's
 * tools/testing/selftests/net/gro.sh sets it up: {@code ethtool -K gro on}, {@code gro_flush_timeout} 1 ms,
 * {@code napi_defer_hard_irqs} 1; no TSO on the sender, so {@code veth_skb_is_eligible_for_gro()} holds); a
 * capture on the peer shows what GRO passed up. As plain IPv4 frames the kernel merges them; as PPPoE session
 * frames carrying the same IP packets it passes them up one by one. {@code pktsim gro} on the same frames must show
 * the same records. Nothing leaves the namespace. Skips itself (JUnit assumption) without root, {@code ip netns},
 * {@code ethtool}, {@code python3} (which sends the frames on a packet socket) or {@code dumpcap}.
 *
 * <p>With {@code --pppoe-gro} (OpenWrt's {@code pppoe_gro_receive}, 650-net-pppoe-implement-GRO-support.patch)
 * {@code pktsim gro} must merge the same eight PPPoE session frames into one aggregate, its PPPoE length rewritten
 * as {@code pppoe_gro_complete} does. That half is checked against the model's own expectation only: the running
 * (mainline) kernel has no PPPoE GRO handler, so it cannot be asked what OpenWrt's kernel would do.
 */
@Tag("live-kernel")
class GroPppoeLiveKernelTest {

    @TempDir
    Path tmp;

    private static final byte[] SRC_MAC = {0x02, 0, 0, 0, 0, 0x01};
    private static final int SEGMENTS = 8;
    private static final int PAYLOAD = 1000;

    /** Sends every frame of a pcap file (classic format, as PcapWriter writes it) on a packet socket. */
    private static final String INJECT = String.join("\n",
        "import socket, struct, sys",
        "data = open(sys.argv[1], 'rb').read()",
        "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)",
        "s.bind((sys.argv[2], 0))",
        "endian = '<' if data[:4] in (b'\\xd4\\xc3\\xb2\\xa1', b'\\x4d\\x3c\\xb2\\xa1') else '>'",
        "at = 24",
        "while at < len(data):",
        "    incl = struct.unpack(endian + 'I', data[at + 8:at + 12])[0]",
        "    s.send(data[at + 16:at + 16 + incl])",
        "    at += 16 + incl");

    private static Commands.Result exec(final long timeoutMs, final String... cmd) {
        return Commands.run(timeoutMs, cmd);
    }

    @Test
    void shouldMergePlainFramesButPassPppoeSessionFramesUpAloneAsPktsimDoes() throws Exception {
        assumeThat(exec(5000, "id", "-u").out().strip()).as("root, for ip netns").isEqualTo("0");
        assumeThat(exec(5000, "ethtool", "--version").code()).as("ethtool").isZero();
        assumeThat(exec(5000, "python3", "-c", "import socket; socket.AF_PACKET").code()).as("python3").isZero();
        assumeThat(exec(5000, "dumpcap", "-v").code()).as("dumpcap (Wireshark)").isZero();
        final String ns = "pktsim-gro-" + ProcessHandle.current().pid() + "-"
            + Long.toHexString(new SplittableRandom().nextLong() & 0xFFFFFFL);
        assumeThat(exec(5000, "ip", "netns", "add", ns).code()).as("ip netns add").isZero();
        try {
            for (final String line : new String[] {"ip link set lo up", "ip link add v0 type veth peer name v1",
                "ip link set v0 up", "ip link set v1 up", "ethtool -K v1 gro on", "ethtool -K v0 tso off",
                "sh -c echo 1000000 > /sys/class/net/v1/gro_flush_timeout",
                "sh -c echo 1 > /sys/class/net/v1/napi_defer_hard_irqs"}) {
                final List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
                if (line.startsWith("sh -c ")) {
                    cmd.addAll(List.of("sh", "-c", line.substring(6)));
                } else {
                    cmd.addAll(List.of(line.split(" ")));
                }
                assertThat(exec(5000, cmd.toArray(new String[0])).code()).as(line).isZero();
            }
            final String link = exec(5000, "ip", "-n", ns, "-br", "link", "show", "v1").out().strip();
            final byte[] dst = mac(link.split("\\s+")[2]);
            for (final boolean pppoe : new boolean[] {false, true}) {
                final Path in = tmp.resolve((pppoe ? "pppoe" : "ipv4") + ".pcap");
                try (PcapWriter w = PcapWriter.open(in, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
                    for (int i = 0; i < SEGMENTS; i++) {
                        final byte[] f = frame(dst, pppoe, i);
                        // one timestamp: pktsim gro takes them in one poll, as the kernel's flush timeout lets
                        // its NAPI hold them across the polls they arrive in
                        w.writeRecord(0L, f, 0, f.length, f.length);
                    }
                }
                final Path cap = tmp.resolve((pppoe ? "pppoe" : "ipv4") + "-live.pcap");
                final Process dumpcap = new ProcessBuilder("ip", "netns", "exec", ns, "dumpcap", "-q", "-P", "-i",
                    "v1", "-w", cap.toString(), "-a", "duration:2").redirectErrorStream(true).start();
                Thread.sleep(700);
                assertThat(exec(10_000, "ip", "netns", "exec", ns, "python3", "-c", INJECT, in.toString(), "v0")
                    .code()).as("python3 sends the frames").isZero();
                assertThat(dumpcap.waitFor(10, TimeUnit.SECONDS)).as("dumpcap ends").isTrue();
                final List<Integer> live = lengthsFrom(cap, true);
                final Path out = tmp.resolve((pppoe ? "pppoe" : "ipv4") + "-pktsim.pcap");
                final StringWriter err = new StringWriter();
                assertThat(PktsimMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "gro",
                    "--in", in.toString(), "--out", out.toString(), "--rx-hash", "none", "--rx-csum", "none"))
                    .as(err.toString())
                    .isZero();
                final List<Integer> model = lengthsFrom(out, false);
                if (pppoe) {
                    assertThat(live).as("the kernel passes PPPoE session frames up one by one")
                        .hasSize(SEGMENTS).containsOnly(14 + 8 + 20 + 32 + PAYLOAD);
                    assertThat(model).as("pktsim gro: no GRO handler for ETH_P_PPP_SES").isEqualTo(live);
                    // OpenWrt's handler: not checkable on this kernel (mainline has none), see the class javadoc
                    final Path merged = tmp.resolve("pppoe-pktsim-openwrt.pcap");
                    assertThat(PktsimMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "gro",
                        "--in", in.toString(), "--out", merged.toString(), "--rx-hash", "none", "--rx-csum", "none",
                        "--pppoe-gro")).as(err.toString()).isZero();
                    final int aggregate = 14 + 8 + 20 + 32 + SEGMENTS * PAYLOAD;
                    assertThat(lengthsFrom(merged, false)).as("pktsim gro --pppoe-gro: one aggregate")
                        .containsExactly(aggregate);
                    try (PcapReader r = PcapReader.open(merged)) {
                        assertThat(r.next()).isTrue();
                        assertThat(r.frame().getShort(18, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF)
                            .as("pppoe_gro_complete(): the PPPoE length").isEqualTo(aggregate - 20);
                    }
                } else {
                    // one aggregate; two if a jiffy ticked during the burst (the flush timeout's old-jiffy flush)
                    assertThat(live).as("the kernel merges the plain frames").hasSizeBetween(1, 2);
                    assertThat(live.stream().mapToInt(Integer::intValue).sum() - live.size() * (14 + 20 + 32))
                        .isEqualTo(SEGMENTS * PAYLOAD);
                    assertThat(model).as("pktsim gro merges them").containsExactly(14 + 20 + 32 + SEGMENTS * PAYLOAD);
                }
            }
        } finally {
            exec(5000, "ip", "netns", "del", ns);
        }
    }

    /** The original lengths of the records of a capture; from the live one only the frames this test sent. */
    private static List<Integer> lengthsFrom(final Path file, final boolean ours) throws Exception {
        final List<Integer> lengths = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            final byte[] src = new byte[6];
            while (r.next()) {
                r.frame().getBytes(6, src, 0, 6);
                if (!ours || java.util.Arrays.equals(src, SRC_MAC)) {
                    lengths.add(r.originalLength());
                }
            }
        }
        return lengths;
    }

    private static byte[] mac(final String text) {
        final String[] parts = text.split(":");
        final byte[] m = new byte[6];
        for (int i = 0; i < 6; i++) {
            m[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return m;
    }

    /** Segment {@code i} of one TCP flow (10.9.0.1:40000 → 10.9.0.2:5001, ACK, timestamps, DF, IDs counting up). */
    private static byte[] frame(final byte[] dst, final boolean pppoe, final int i) {
        final int tcpLen = 32 + PAYLOAD;
        final ByteBuffer ip = ByteBuffer.allocate(20 + tcpLen);
        ip.put((byte) 0x45).put((byte) 0).putShort((short) (20 + tcpLen)).putShort((short) (100 + i))
            .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0)
            .put(new byte[] {10, 9, 0, 1}).put(new byte[] {10, 9, 0, 2});
        ip.putShort(10, (short) checksum(ip.array(), 0, 20, 0));
        final int th = 20;
        ip.position(th);
        ip.putShort((short) 40000).putShort((short) 5001).putInt(1000 + i * PAYLOAD).putInt(1)
            .put((byte) (8 << 4)).put((byte) 0x10).putShort((short) 502).putShort((short) 0).putShort((short) 0)
            .put(new byte[] {1, 1, 8, 10}).putInt(1000).putInt(0);
        for (int k = 0; k < PAYLOAD; k++) {
            ip.put((byte) i);
        }
        final long pseudo = 0x0a09_0001L + 0x0a09_0002L + 6 + tcpLen;
        ip.putShort(th + 16, (short) checksum(ip.array(), th, tcpLen, pseudo));
        final ByteBuffer f = ByteBuffer.allocate(14 + (pppoe ? 8 : 0) + ip.capacity());
        f.put(dst).put(SRC_MAC);
        if (pppoe) {
            // ETH_P_PPP_SES, version/type 0x11, code 0, session 0x1234, length (PPP protocol + IP), PPP_IP
            f.putShort((short) 0x8864).put((byte) 0x11).put((byte) 0).putShort((short) 0x1234)
                .putShort((short) (2 + ip.capacity())).putShort((short) 0x0021);
        } else {
            f.putShort((short) 0x0800);
        }
        f.put(ip.array());
        return f.array();
    }

    /** The Internet checksum of {@code len} bytes from {@code at}, with {@code initial} added (a pseudo-header). */
    private static int checksum(final byte[] b, final int at, final int len, final long initial) {
        long sum = (initial & 0xFFFF) + (initial >>> 16);
        for (int k = 0; k + 1 < len; k += 2) {
            sum += (b[at + k] & 0xFF) << 8 | b[at + k + 1] & 0xFF;
        }
        if ((len & 1) != 0) {
            sum += (b[at + len - 1] & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
