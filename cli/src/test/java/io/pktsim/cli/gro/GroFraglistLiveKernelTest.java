package io.pktsim.cli.gro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.pktsim.cli.PktsimMain;
import io.pktsim.core.pcap.PcapFormat;
import io.pktsim.core.pcap.PcapReader;
import io.pktsim.core.pcap.PcapWriter;
import io.pktsim.core.test.Commands;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fraglist GRO ({@code ethtool -K DEV rx-gro-list on}, {@code pktsim gro --gro-list}) checked on the running kernel.
 * Inside a network namespace made for each test, a burst of TCP segments of one flow goes into a veth whose peer
 * runs GRO in NAPI, set up as GroPppoeLiveKernelTest does (as tools/testing/selftests/net/gro.sh: {@code ethtool -K
 * gro on}, {@code gro_flush_timeout} 1 ms, {@code napi_defer_hard_irqs} 1; no TSO on the sender); a capture on the
 * peer shows what GRO passed up, once with {@code rx-gro-list} off and once on. In the namespace no socket matches
 * the flow, so with {@code rx-gro-list} on {@code tcp4_check_fraglist_gro()} (net/ipv4/tcp_offload.c, 6.18) marks
 * the flow {@code is_flist} and {@code tcp_gro_receive()} takes its fraglist branch. {@code pktsim gro} without and
 * with {@code --gro-list} on the same frames must show the same packets: IP length, sequence number and TCP flags
 * of each, in order. Nothing leaves the namespace. Skips itself (JUnit assumption) without root, {@code ip netns},
 * {@code ethtool}, {@code python3} (which sends the frames on a packet socket) or {@code dumpcap}.
 *
 * <p>How the kernel polls the burst: the first frame is polled alone as it is sent (the NAPI softirq runs when the
 * sender's {@code dev_queue_xmit()} enables bottom halves again), that poll's {@code napi_complete_done()} keeps the
 * interrupt masked ({@code napi_defer_hard_irqs}) and arms the 1 ms flush timer, and the rest of the burst waits in
 * veth's ring for the timer's poll, at most 64 frames a poll ({@code NAPI_POLL_WEIGHT}). The pcap given to
 * {@code pktsim gro} says the same: the first frame at 1 s, the others 100 µs later, with the namespace's
 * {@code --gro-flush-timeout-ns}, {@code --napi-defer-hard-irqs} and the kernel's {@code CONFIG_HZ}. A busy host can
 * poll differently (the softirq deferred to ksoftirqd, the sender descheduled past the timer), so a burst whose
 * capture differs from the model is sent again, {@value #ATTEMPTS} times at most; a real disagreement fails every
 * attempt.
 */
@Tag("live-kernel")
class GroFraglistLiveKernelTest {

    @TempDir
    Path tmp;

    private static final byte[] SRC_MAC = {0x02, 0, 0, 0, 0, 0x01};
    private static final int HEADERS = 20 + 32;
    private static final int TCP_ACK = 0x10;
    private static final int TCP_PSH = 0x08;
    private static final long FLUSH_TIMEOUT_NS = 1_000_000L;
    private static final int ATTEMPTS = 3;

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

    /** One packet GRO passed up: its IP total length, TCP sequence number and TCP flags byte. */
    private record Up(int ipLen, long seq, int flags) {
        int segments(final int payload) {
            return (ipLen - HEADERS) / payload;
        }

        @Override
        public String toString() {
            return ipLen + "@" + seq + ((flags & TCP_PSH) != 0 ? "/PA" : "/A");
        }
    }

    private String ns;
    private byte[] dstMac;

    private static Commands.Result exec(final long timeoutMs, final String... cmd) {
        return Commands.run(timeoutMs, cmd);
    }

    @BeforeEach
    void makeNamespace() {
        assumeThat(exec(5000, "id", "-u").out().strip()).as("root, for ip netns").isEqualTo("0");
        assumeThat(exec(5000, "ethtool", "--version").code()).as("ethtool").isZero();
        assumeThat(exec(5000, "python3", "-c", "import socket; socket.AF_PACKET").code()).as("python3").isZero();
        assumeThat(exec(5000, "dumpcap", "-v").code()).as("dumpcap (Wireshark)").isZero();
        final String name = "pktsim-flist-" + ProcessHandle.current().pid() + "-"
            + Long.toHexString(new SplittableRandom().nextLong() & 0xFFFFFFL);
        assumeThat(exec(5000, "ip", "netns", "add", name).code()).as("ip netns add").isZero();
        ns = name;
        for (final String line : new String[] {"ip link set lo up", "ip link add v0 type veth peer name v1",
            "ip link set v0 up", "ip link set v1 up", "ethtool -K v1 gro on", "ethtool -K v0 tso off",
            "sh -c echo " + FLUSH_TIMEOUT_NS + " > /sys/class/net/v1/gro_flush_timeout",
            "sh -c echo 1 > /sys/class/net/v1/napi_defer_hard_irqs"}) {
            inNamespace(line);
        }
        final String link = exec(5000, "ip", "-n", ns, "-br", "link", "show", "v1").out().strip();
        dstMac = mac(link.split("\\s+")[2]);
    }

    @AfterEach
    void deleteNamespace() {
        if (ns != null) {
            exec(5000, "ip", "netns", "del", ns);
        }
    }

    /**
     * Eight segments of 1000 bytes, PSH on the fifth. Regular GRO merges the PSH segment and ends the aggregate
     * there (5 + 3); fraglist GRO refuses any difference of the flag word ({@code flags ^ tcp_flag_word(th2)}),
     * completes the first four and, PSH being a flush flag, passes the PSH segment up alone (4 + 1 + 3).
     */
    @Test
    void shouldPassThePshSegmentUpAloneWithFraglistGroAsPktsimDoes() throws Exception {
        final int payload = 1000;
        final Path in = burst("psh", 8, payload, 4);
        final int hz = kernelHz();
        final List<Up> regular = compare(in, false, hz);
        assertThat(regular).extracting(u -> u.segments(payload)).as("regular GRO: %s", regular).containsExactly(5, 3);
        assertThat(regular.get(0).flags() & TCP_PSH).as("PSH ORed into the aggregate").isEqualTo(TCP_PSH);
        final List<Up> fraglist = compare(in, true, hz);
        assertThat(fraglist).extracting(u -> u.segments(payload)).as("fraglist GRO: %s", fraglist)
            .containsExactly(4, 1, 3);
        assertThat(fraglist).extracting(Up::flags).containsExactly(TCP_ACK, TCP_ACK | TCP_PSH, TCP_ACK);
    }

    /**
     * Seventy segments of 100 bytes: the first polled alone, the timer's poll takes the next 64 and used its whole
     * weight, so with HZ below 1000 it flushes everything it holds ({@code __napi_poll()}), the last five come in
     * the next poll. Regular GRO holds the first 65 in one aggregate (65 + 5); fraglist GRO stops at 64 segments
     * ({@code NAPI_GRO_CB(p)->count >= 64}) and holds the 65th alone until the end of that poll (64 + 1 + 5).
     */
    @Test
    void shouldStopFraglistAggregatesAt64SegmentsAsPktsimDoes() throws Exception {
        final int hz = kernelHz();
        assumeThat(hz).as("CONFIG_HZ of the running kernel (/proc/config.gz or /boot/config-*)").isPositive();
        final int payload = 100;
        final Path in = burst("count", 70, payload, -1);
        final List<Up> regular = compare(in, false, hz);
        final List<Up> fraglist = compare(in, true, hz);
        assertThat(regular.get(0).segments(payload)).as("regular GRO: %s", regular).isEqualTo(65);
        assertThat(fraglist.get(0).segments(payload)).as("fraglist GRO: %s", fraglist).isEqualTo(64);
        if (hz < 1000) {
            assertThat(regular).extracting(u -> u.segments(payload)).containsExactly(65, 5);
            assertThat(fraglist).extracting(u -> u.segments(payload)).containsExactly(64, 1, 5);
        }
    }

    /**
     * Sends the burst into v0 with {@code rx-gro-list} on or off at v1 and runs {@code pktsim gro} on it; asserts
     * the capture on v1 shows what the model delivers, sending again on a difference ({@link #ATTEMPTS} at most).
     *
     * @return the packets both passed up
     */
    private List<Up> compare(final Path in, final boolean groList, final int hz) throws Exception {
        inNamespace("ethtool -K v1 rx-gro-list " + (groList ? "on" : "off"));
        final String mode = groList ? "fraglist" : "regular";
        final Path out = tmp.resolve(in.getFileName() + "-" + mode + "-pktsim.pcap");
        final List<String> args = new ArrayList<>(List.of("gro", "--in", in.toString(), "--out", out.toString(),
            "--rx-hash", "none", "--rx-csum", "none", "--gro-flush-timeout-ns", Long.toString(FLUSH_TIMEOUT_NS),
            "--napi-defer-hard-irqs", "1"));
        if (hz > 0) {
            args.addAll(List.of("--hz", Integer.toString(hz)));
        }
        if (groList) {
            args.add("--gro-list");
        }
        final StringWriter err = new StringWriter();
        assertThat(PktsimMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(err),
            args.toArray(new String[0]))).as(err.toString()).isZero();
        final List<Up> model = packetsIn(out, false);
        final List<List<Up>> attempts = new ArrayList<>();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            final List<Up> live = live(in, mode + "-" + attempt);
            attempts.add(live);
            if (live.equals(model)) {
                break;
            }
        }
        assertThat(attempts.get(attempts.size() - 1)).as("the kernel (rx-gro-list %s; every attempt: %s) vs "
            + "pktsim gro%s", groList ? "on" : "off", attempts, groList ? " --gro-list" : "").isEqualTo(model);
        return model;
    }

    /** Sends the frames of {@code in} into v0 while dumpcap captures on v1; what v1 received of them. */
    private List<Up> live(final Path in, final String name) throws Exception {
        final Path cap = tmp.resolve(in.getFileName() + "-" + name + "-live.pcap");
        final Process dumpcap = new ProcessBuilder("ip", "netns", "exec", ns, "dumpcap", "-q", "-P", "-i", "v1",
            "-w", cap.toString(), "-a", "duration:2").redirectErrorStream(true).start();
        Thread.sleep(700);
        assertThat(exec(10_000, "ip", "netns", "exec", ns, "python3", "-c", INJECT, in.toString(), "v0").code())
            .as("python3 sends the frames").isZero();
        assertThat(dumpcap.waitFor(10, TimeUnit.SECONDS)).as("dumpcap ends").isTrue();
        return packetsIn(cap, true);
    }

    private void inNamespace(final String line) {
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
     * Writes {@code count} segments of {@code payload} bytes, PSH on segment {@code psh} (-1: none): the first at
     * 1 s, the others 100 µs later (they wait for the flush timer's poll, see the class javadoc).
     */
    private Path burst(final String name, final int count, final int payload, final int psh) throws Exception {
        final Path in = tmp.resolve(name + ".pcap");
        try (PcapWriter w = PcapWriter.open(in, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
            for (int i = 0; i < count; i++) {
                final byte[] f = frame(dstMac, i, payload, i == psh ? TCP_ACK | TCP_PSH : TCP_ACK);
                w.writeRecord(i == 0 ? 1_000_000_000L : 1_000_100_000L, f, 0, f.length, f.length);
            }
        }
        return in;
    }

    /** The packets of a capture; from the live one only the frames this test sent. */
    private static List<Up> packetsIn(final Path file, final boolean ours) throws Exception {
        final List<Up> ups = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            final byte[] src = new byte[6];
            while (r.next()) {
                r.frame().getBytes(6, src, 0, 6);
                if (!ours || Arrays.equals(src, SRC_MAC)) {
                    final int ipLen = r.frame().getShort(14 + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
                    assertThat(r.originalLength()).as("frame length of record %d of %s", r.recordNumber(), file)
                        .isEqualTo(14 + ipLen);
                    ups.add(new Up(ipLen, r.frame().getInt(14 + 20 + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL,
                        r.frame().getByte(14 + 20 + 13) & 0xFF));
                }
            }
        }
        return ups;
    }

    /** {@code CONFIG_HZ} of the running kernel from /proc/config.gz or /boot/config-RELEASE; -1 if neither says. */
    private static int kernelHz() throws Exception {
        final Path proc = Path.of("/proc/config.gz");
        final Path boot = Path.of("/boot/config-" + System.getProperty("os.version"));
        final boolean gz = Files.isReadable(proc);
        if (!gz && !Files.isReadable(boot)) {
            return -1;
        }
        try (InputStream raw = Files.newInputStream(gz ? proc : boot);
            BufferedReader lines = new BufferedReader(new InputStreamReader(gz ? new GZIPInputStream(raw) : raw,
                StandardCharsets.US_ASCII))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("CONFIG_HZ=")) {
                    return Integer.parseInt(line.substring("CONFIG_HZ=".length()).strip());
                }
            }
        }
        return -1;
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
     * Segment {@code i} of one TCP flow (10.9.0.1:40000 → 10.9.0.2:5001, timestamps, DF, IDs counting up) with
     * {@code payload} bytes and the given TCP flags byte.
     */
    private static byte[] frame(final byte[] dst, final int i, final int payload, final int flags) {
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
        final ByteBuffer f = ByteBuffer.allocate(14 + ip.capacity());
        f.put(dst).put(SRC_MAC).putShort((short) 0x0800).put(ip.array());
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
