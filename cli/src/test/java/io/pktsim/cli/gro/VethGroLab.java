package io.pktsim.cli.gro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.pktsim.core.pcap.PcapFormat;
import io.pktsim.core.pcap.PcapWriter;
import io.pktsim.core.test.Commands;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The network namespace the live-kernel GRO tests run in, set up as the kernel's
 * tools/testing/selftests/net/gro.sh does: a veth pair whose v1 runs GRO in NAPI ({@code ethtool -K v1 gro on},
 * {@code gro_flush_timeout} 1 ms, {@code napi_defer_hard_irqs} 1) and whose v0 sends without TSO (so
 * {@code veth_skb_is_eligible_for_gro()} holds). Frames go into v0 from a pcap file on a python3 packet socket, and
 * dumpcap captures on v1 what GRO passed up. Nothing leaves the namespace; {@link #close} deletes it.
 */
final class VethGroLab implements AutoCloseable {

    /** The source MAC of every frame the tests send: the capture keeps only these. */
    static final byte[] SRC_MAC = {0x02, 0, 0, 0, 0, 0x01};
    /** v1's {@code gro_flush_timeout}, ns. */
    static final long FLUSH_TIMEOUT_NS = 1_000_000L;
    /** The flag byte of a plain data segment (ACK). */
    static final int TCP_ACK = 0x10;

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

    private final String ns;
    private final byte[] v1Mac;

    private VethGroLab(final String ns) {
        this.ns = ns;
        for (final String line : new String[] {"ip link set lo up", "ip link add v0 type veth peer name v1",
            "ip link set v0 up", "ip link set v1 up", "ethtool -K v1 gro on", "ethtool -K v0 tso off",
            "sh -c echo " + FLUSH_TIMEOUT_NS + " > /sys/class/net/v1/gro_flush_timeout",
            "sh -c echo 1 > /sys/class/net/v1/napi_defer_hard_irqs"}) {
            run(line);
        }
        final String link = exec(5000, "ip", "-n", ns, "-br", "link", "show", "v1").out().strip();
        v1Mac = mac(link.split("\\s+")[2]);
    }

    /**
     * Makes the namespace; skips the calling test (a JUnit assumption) without root, {@code ethtool},
     * {@code python3}, {@code dumpcap} or {@code ip netns}.
     *
     * @param prefix the start of the namespace's name (the process id and a random suffix follow)
     */
    static VethGroLab open(final String prefix) {
        assumeThat(exec(5000, "id", "-u").out().strip()).as("root, for ip netns").isEqualTo("0");
        assumeThat(exec(5000, "ethtool", "--version").code()).as("ethtool").isZero();
        assumeThat(exec(5000, "python3", "-c", "import socket; socket.AF_PACKET").code()).as("python3").isZero();
        assumeThat(exec(5000, "dumpcap", "-v").code()).as("dumpcap (Wireshark)").isZero();
        final String name = prefix + "-" + ProcessHandle.current().pid() + "-"
            + Long.toHexString(new SplittableRandom().nextLong() & 0xFFFFFFL);
        assumeThat(exec(5000, "ip", "netns", "add", name).code()).as("ip netns add").isZero();
        try {
            return new VethGroLab(name);
        } catch (final RuntimeException | AssertionError e) {
            exec(5000, "ip", "netns", "del", name);
            throw e;
        }
    }

    /** @return v1's MAC address, the destination of the frames */
    byte[] v1Mac() {
        return v1Mac.clone();
    }

    /**
     * Runs a command in the namespace and asserts it succeeded.
     *
     * @param line the command, its words split at spaces, or {@code sh -c SCRIPT}
     */
    void run(final String line) {
        final List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        if (line.startsWith("sh -c ")) {
            cmd.addAll(List.of("sh", "-c", line.substring(6)));
        } else {
            cmd.addAll(List.of(line.split(" ")));
        }
        final Commands.Result r = exec(5000, cmd.toArray(new String[0]));
        assertThat(r.code()).as(line + ": " + r.out()).isZero();
    }

    /**
     * Sends the frames of {@code in} into v0 while dumpcap captures on v1 for 2 s.
     *
     * @param in the frames (a classic pcap file)
     * @param cap where the capture goes
     */
    void capture(final Path in, final Path cap) throws Exception {
        final Process dumpcap = new ProcessBuilder("ip", "netns", "exec", ns, "dumpcap", "-q", "-P", "-i", "v1",
            "-w", cap.toString(), "-a", "duration:2").redirectErrorStream(true).start();
        Thread.sleep(700);
        assertThat(exec(10_000, "ip", "netns", "exec", ns, "python3", "-c", INJECT, in.toString(), "v0").code())
            .as("python3 sends the frames").isZero();
        assertThat(dumpcap.waitFor(10, TimeUnit.SECONDS)).as("dumpcap ends").isTrue();
    }

    @Override
    public void close() {
        exec(5000, "ip", "netns", "del", ns);
    }

    private static Commands.Result exec(final long timeoutMs, final String... cmd) {
        return Commands.run(timeoutMs, cmd);
    }

    private static byte[] mac(final String text) {
        final String[] parts = text.split(":");
        final byte[] m = new byte[6];
        for (int i = 0; i < 6; i++) {
            m[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return m;
    }

    /**
     * Segment {@code i} of one TCP flow (10.9.0.1:40000 → 10.9.0.2:5001, timestamps, DF, IP IDs counting up) with
     * {@code payload} bytes of the value {@code i} and the given TCP flags byte, as an Ethernet frame, or a PPPoE
     * session frame (session 0x1234, PPP_IP) when {@code pppoe}.
     */
    static byte[] frame(final byte[] dst, final int i, final int payload, final int flags, final boolean pppoe) {
        final int tcpLen = 32 + payload;
        final ByteBuffer ip = ByteBuffer.allocate(20 + tcpLen);
        ip.put((byte) 0x45).put((byte) 0).putShort((short) (20 + tcpLen)).putShort((short) (100 + i))
            .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0)
            .put(new byte[] {10, 9, 0, 1}).put(new byte[] {10, 9, 0, 2});
        ip.putShort(10, (short) checksum(ip.array(), 0, 20, 0));
        final int th = 20;
        ip.position(th);
        ip.putShort((short) 40000).putShort((short) 5001).putInt(1000 + i * payload).putInt(1)
            .put((byte) (8 << 4)).put((byte) flags).putShort((short) 502).putShort((short) 0).putShort((short) 0)
            .put(new byte[] {1, 1, 8, 10}).putInt(1000).putInt(0);
        for (int k = 0; k < payload; k++) {
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

    /**
     * Datagram {@code i} of one UDP flow (10.9.0.1:40000 → 10.9.0.2:5001, DF, IP ID 0, TTL 64, a valid non-zero UDP
     * checksum) with {@code payload} bytes of the value {@code i}, as an Ethernet frame.
     */
    static byte[] udpFrame(final byte[] dst, final int i, final int payload) {
        final int udpLen = 8 + payload;
        final ByteBuffer ip = ByteBuffer.allocate(20 + udpLen);
        ip.put((byte) 0x45).put((byte) 0).putShort((short) (20 + udpLen)).putShort((short) 0)
            .putShort((short) 0x4000).put((byte) 64).put((byte) 17).putShort((short) 0)
            .put(new byte[] {10, 9, 0, 1}).put(new byte[] {10, 9, 0, 2});
        ip.putShort(10, (short) checksum(ip.array(), 0, 20, 0));
        ip.putShort((short) 40000).putShort((short) 5001).putShort((short) udpLen).putShort((short) 0);
        for (int k = 0; k < payload; k++) {
            ip.put((byte) i);
        }
        final int check = checksum(ip.array(), 20, udpLen, 0x0a09_0001L + 0x0a09_0002L + 17 + udpLen);
        // RFC 768: a computed 0 is sent as 0xFFFF (0 means no checksum)
        ip.putShort(20 + 6, (short) (check == 0 ? 0xFFFF : check));
        final ByteBuffer f = ByteBuffer.allocate(14 + ip.capacity());
        f.put(dst).put(SRC_MAC).putShort((short) 0x0800).put(ip.array());
        return f.array();
    }

    /**
     * Writes UDP datagrams of the given payload sizes ({@link #udpFrame}, to {@code dst}) as a classic pcap file: the
     * first at 1 s, the others 100 µs later, so that they wait for the flush timer's poll (GroFraglistLiveKernelTest's
     * class javadoc).
     */
    static Path udpBurst(final Path in, final byte[] dst, final int... payloads) throws IOException {
        try (PcapWriter w = PcapWriter.open(in, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
            for (int i = 0; i < payloads.length; i++) {
                final byte[] f = udpFrame(dst, i, payloads[i]);
                w.writeRecord(i == 0 ? 1_000_000_000L : 1_000_100_000L, f, 0, f.length, f.length);
            }
        }
        return in;
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
