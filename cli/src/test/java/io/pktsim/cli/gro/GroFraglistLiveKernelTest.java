package io.pktsim.cli.gro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.pktsim.cli.PktsimMain;
import io.pktsim.core.pcap.PcapFormat;
import io.pktsim.core.pcap.PcapReader;
import io.pktsim.core.pcap.PcapWriter;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * of each, in order. Bursts of UDP datagrams of one flow check 6.18's fraglist GRO of UDP the same way
 * ({@code udp_gro_receive_segment()} in net/ipv4/udp_offload.c: no socket and no encapsulation, so {@code
 * is_flist}): IP and UDP length of each packet passed up. Nothing leaves the namespace. Skips itself (JUnit
 * assumption) without root, {@code ip netns}, {@code ethtool}, {@code python3} (which sends the frames on a packet
 * socket) or {@code dumpcap}.
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

    private static final int HEADERS = 20 + 32;
    private static final int TCP_ACK = VethGroLab.TCP_ACK;
    private static final int TCP_PSH = 0x08;
    private static final int ATTEMPTS = 3;

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

    /** One UDP packet GRO passed up (an aggregate or a datagram): its IP total length and UDP length. */
    private record Dgram(int ipLen, int udpLen) {
        @Override
        public String toString() {
            return Integer.toString(udpLen);
        }
    }

    /** Reads the packets of a capture; from the live one ({@code ours}) only the frames this test sent. */
    @FunctionalInterface
    private interface Reader<T> {
        List<T> read(Path file, boolean ours) throws Exception;
    }

    private VethGroLab lab;

    @BeforeEach
    void makeNamespace() {
        lab = VethGroLab.open("pktsim-flist");
    }

    @AfterEach
    void deleteNamespace() {
        if (lab != null) {
            lab.close();
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
     * UDP datagrams of 1000, 1000, 500 and 1000 bytes. Without {@code rx-gro-list} (and {@code
     * rx-udp-gro-forwarding} off) each goes up alone; with it {@code udp_gro_receive_segment()} chains the shorter
     * third to the first two and completes the aggregate at once ({@code ulen != ntohs(uh2->len)}), and holds the
     * fourth alone (3 + 1).
     */
    @Test
    void shouldChainUdpUpToAShorterDatagramAsPktsimDoes() throws Exception {
        final int hz = kernelHz();
        final Path in = udpBurst("udp-short", 1000, 1000, 500, 1000);
        assertThat(compareUdp(in, false, hz)).extracting(Dgram::udpLen).containsExactly(1008, 1008, 508, 1008);
        assertThat(compareUdp(in, true, hz)).extracting(Dgram::udpLen).containsExactly(8 + 2500, 1008);
    }

    /**
     * UDP datagrams of 1000, 1200, 1200 and 1000 bytes with {@code rx-gro-list}: the longer second completes the
     * held first ({@code ulen > ntohs(uh2->len)}) and is held in its place; the third joins it, the shorter fourth
     * too and completes it (1 + 3).
     */
    @Test
    void shouldCompleteAHeldDatagramWhenALongerOneArrivesAsPktsimDoes() throws Exception {
        final Path in = udpBurst("udp-long", 1000, 1200, 1200, 1000);
        assertThat(compareUdp(in, true, kernelHz())).extracting(Dgram::udpLen).containsExactly(1008, 8 + 3400);
    }

    /**
     * Fifty datagrams of 1472 bytes (1500-byte IP packets) with {@code rx-gro-list}: {@code skb_gro_receive_list()}
     * refuses the 45th ({@code p->len + skb->len >= 65536}: 1500 + 43 × 1472 + 1500), the aggregate of 44 goes up and
     * the 45th starts the next one (44 + 6).
     */
    @Test
    void shouldStopAUdpAggregateBelow64KibAsPktsimDoes() throws Exception {
        final int[] sizes = new int[50];
        Arrays.fill(sizes, 1472);
        final Path in = udpBurst("udp-size", sizes);
        assertThat(compareUdp(in, true, kernelHz())).extracting(Dgram::udpLen)
            .containsExactly(8 + 44 * 1472, 8 + 6 * 1472);
    }

    /**
     * Seventy datagrams of 100 bytes with {@code rx-gro-list}: the 64th chained completes the aggregate
     * ({@code NAPI_GRO_CB(p)->count >= UDP_GRO_CNT_MAX}, unlike TCP, which refuses the 65th). The first is polled
     * alone and held, the timer's poll takes the next 64 and, using its whole weight (HZ below 1000), flushes the
     * 65th held alone; the last five come in the next poll (64 + 1 + 5).
     */
    @Test
    void shouldCompleteAUdpAggregateWithIts64thDatagramAsPktsimDoes() throws Exception {
        final int hz = kernelHz();
        assumeThat(hz).as("CONFIG_HZ of the running kernel (/proc/config.gz or /boot/config-*)").isPositive();
        final int[] sizes = new int[70];
        Arrays.fill(sizes, 100);
        final List<Dgram> fraglist = compareUdp(udpBurst("udp-count", sizes), true, hz);
        assertThat(fraglist.get(0).udpLen()).as("fraglist GRO: %s", fraglist).isEqualTo(8 + 64 * 100);
        if (hz < 1000) {
            assertThat(fraglist).extracting(Dgram::udpLen).containsExactly(8 + 64 * 100, 108, 8 + 5 * 100);
        }
    }

    /**
     * Sends the burst into v0 with {@code rx-gro-list} on or off at v1 and runs {@code pktsim gro} on it; asserts
     * the capture on v1 shows what the model delivers, sending again on a difference ({@link #ATTEMPTS} at most).
     *
     * @return the packets both passed up
     */
    private List<Up> compare(final Path in, final boolean groList, final int hz) throws Exception {
        return compare(in, groList, hz, GroFraglistLiveKernelTest::packetsIn);
    }

    /** {@link #compare} of a UDP burst: the IP and UDP length of each packet passed up. */
    private List<Dgram> compareUdp(final Path in, final boolean groList, final int hz) throws Exception {
        return compare(in, groList, hz, GroFraglistLiveKernelTest::datagramsIn);
    }

    private <T> List<T> compare(final Path in, final boolean groList, final int hz, final Reader<T> reader)
        throws Exception {
        lab.run("ethtool -K v1 rx-gro-list " + (groList ? "on" : "off"));
        final String mode = groList ? "fraglist" : "regular";
        final Path out = tmp.resolve(in.getFileName() + "-" + mode + "-pktsim.pcap");
        final List<String> args = new ArrayList<>(List.of("gro", "--in", in.toString(), "--out", out.toString(),
            "--rx-hash", "none", "--rx-csum", "none", "--gro-flush-timeout-ns",
            Long.toString(VethGroLab.FLUSH_TIMEOUT_NS),
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
        final List<T> model = reader.read(out, false);
        final List<List<T>> attempts = new ArrayList<>();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            final List<T> live = live(in, mode + "-" + attempt, reader);
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
    private <T> List<T> live(final Path in, final String name, final Reader<T> reader) throws Exception {
        final Path cap = tmp.resolve(in.getFileName() + "-" + name + "-live.pcap");
        lab.capture(in, cap);
        return reader.read(cap, true);
    }

    /**
     * Writes {@code count} segments of {@code payload} bytes, PSH on segment {@code psh} (-1: none): the first at
     * 1 s, the others 100 µs later (they wait for the flush timer's poll, see the class javadoc).
     */
    private Path burst(final String name, final int count, final int payload, final int psh) throws Exception {
        final Path in = tmp.resolve(name + ".pcap");
        try (PcapWriter w = PcapWriter.open(in, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
            for (int i = 0; i < count; i++) {
                final byte[] f = VethGroLab.frame(lab.v1Mac(), i, payload, i == psh ? TCP_ACK | TCP_PSH : TCP_ACK,
                    false);
                w.writeRecord(i == 0 ? 1_000_000_000L : 1_000_100_000L, f, 0, f.length, f.length);
            }
        }
        return in;
    }

    /** Writes UDP datagrams of the given payload sizes, timed as {@link #burst}. */
    private Path udpBurst(final String name, final int... payloads) throws Exception {
        return VethGroLab.udpBurst(tmp.resolve(name + ".pcap"), lab.v1Mac(), payloads);
    }

    /** The UDP packets of a capture; from the live one only the frames this test sent. */
    private static List<Dgram> datagramsIn(final Path file, final boolean ours) throws Exception {
        return framesIn(file, ours, (f, ipLen) -> {
            assertThat(f.getByte(14 + 9)).as("UDP").isEqualTo((byte) 17);
            return new Dgram(ipLen, f.getShort(14 + 20 + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF);
        });
    }

    /** The packets of a capture; from the live one only the frames this test sent. */
    private static List<Up> packetsIn(final Path file, final boolean ours) throws Exception {
        return framesIn(file, ours, (f, ipLen) -> new Up(ipLen,
            f.getInt(14 + 20 + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL, f.getByte(14 + 20 + 13) & 0xFF));
    }

    /**
     * Each IPv4 frame of a capture (only the test's own from a live one: {@code ours}), whose length must be its IP
     * packet's, read by {@code read} from the frame and its IP length.
     */
    private static <T> List<T> framesIn(final Path file, final boolean ours,
        final java.util.function.BiFunction<org.agrona.DirectBuffer, Integer, T> read) throws Exception {
        final List<T> ups = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            final byte[] src = new byte[6];
            while (r.next()) {
                r.frame().getBytes(6, src, 0, 6);
                if (!ours || Arrays.equals(src, VethGroLab.SRC_MAC)) {
                    final int ipLen = r.frame().getShort(14 + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
                    assertThat(r.originalLength()).as("frame length of record %d of %s", r.recordNumber(), file)
                        .isEqualTo(14 + ipLen);
                    ups.add(read.apply(r.frame(), ipLen));
                }
            }
        }
        return ups;
    }

    /** {@code CONFIG_HZ} of the running kernel from /proc/config.gz or /boot/config-RELEASE; -1 if neither says. */
    static int kernelHz() throws Exception {
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
}
