package io.pktsim.core.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.header.TcpView;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code tshark -r} on files the writer makes and checks that Wireshark decodes them as intended,
 * without a warning: checksums validated, expert information at warning level or above absent.
 * Skipped (with a message) only where tshark is not installed; CI installs it (.ci/run).
 */
class PcapTsharkTest {

    /** tshark prints this when run as root, whatever the file; it says nothing about the file. */
    private static final String ROOT_NOTICE = "Running as user \"root\" and group \"root\". This could be dangerous.";

    private static Path tshark;

    @TempDir
    Path dir;

    private final PacketStore store = new PacketStore(64, 2048, 64);
    private final PacketBuilder builder = new PacketBuilder(store);

    @BeforeAll
    static void findTshark() {
        tshark = onPath("tshark");
        assumeTrue(tshark != null, "tshark is not installed (not on PATH): skipping the check that Wireshark "
            + "reads our pcap files; install it with 'apt-get install tshark' (CI does)");
    }

    private static Path onPath(final String program) {
        final String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (final String d : path.split(File.pathSeparator)) {
            final Path p = Path.of(d, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** The result of one tshark run. */
    private static final class Run {
        final int exit;
        final List<String> stdout;
        final List<String> stderr;

        Run(final int exit, final List<String> stdout, final List<String> stderr) {
            this.exit = exit;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + String.join("\n", stdout) + "\nstderr:\n"
                + String.join("\n", stderr);
        }
    }

    private static Run tshark(final String... args) throws IOException, InterruptedException {
        final List<String> cmd = new ArrayList<>();
        cmd.add(tshark.toString());
        cmd.addAll(Arrays.asList(args));
        final Path out = Files.createTempFile("tshark", ".out");
        final Path err = Files.createTempFile("tshark", ".err");
        try {
            final Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("tshark did not finish in 120 s: " + cmd);
            }
            final List<String> stderr = Files.readAllLines(err, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank() && !l.equals(ROOT_NOTICE)).collect(Collectors.toList());
            return new Run(p.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8), stderr);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Decodes a file with checksum validation on; returns one line per frame: protocols TAB expert severities. */
    private static Run decode(final Path file) throws IOException, InterruptedException {
        return tshark("-r", file.toString(), "-n",
            "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
            "-T", "fields", "-E", "separator=/t", "-e", "frame.protocols", "-e", "_ws.expert.severity",
            "-e", "_ws.expert.message", "-e", "_ws.malformed");
    }

    /** Expert severity of "warning" in tshark's {@code _ws.expert.severity} (PI_WARN); "error" is above. */
    private static final long PI_WARN = 0x00600000L;

    private static final long V6_PREFIX = 0x2001_0db8_0000_0000L;

    /** Decodes a file and asserts one frame per expected protocol list, no warning and nothing malformed. */
    private static void assertDecodesCleanly(final Path file, final String... expectedProtocols) throws Exception {
        final Run plain = tshark("-r", file.toString(), "-n");
        assertThat(plain.exit).as("plain tshark -r %s:%n%s", file, plain).isZero();
        assertThat(plain.stderr).as("tshark -r %s wrote to stderr:%n%s", file, plain).isEmpty();
        assertThat(plain.stdout).as("summary lines of %s", file).hasSize(expectedProtocols.length);

        final Run run = decode(file);
        assertThat(run.exit).as("%s", run).isZero();
        assertThat(run.stderr).as("tshark wrote to stderr:%n%s", run).isEmpty();
        assertThat(run.stdout).as("%s", run).hasSize(expectedProtocols.length);
        for (int i = 0; i < expectedProtocols.length; i++) {
            final String[] fields = run.stdout.get(i).split("\t", -1);
            assertThat(fields[0]).as("protocols of frame %d of %s:%n%s", i + 1, file, run)
                .isEqualTo(expectedProtocols[i]);
            assertThat(worstSeverity(fields[1])).as("expert info of frame %d of %s:%n%s", i + 1, file, run)
                .isLessThan(PI_WARN);
            assertThat(fields.length > 3 ? fields[3] : "").as("malformed frame %d of %s", i + 1, file).isEmpty();
        }
    }

    private static long worstSeverity(final String severities) {
        long worst = 0;
        for (final String s : severities.split(",")) {
            if (!s.isBlank()) {
                worst = Math.max(worst, Long.parseLong(s.trim()));
            }
        }
        return worst;
    }

    @Test
    void shouldWriteEthernetIpv4TcpThatTsharkReadsWithoutWarnings() throws Exception {
        final Path file = dir.resolve("ethernet-ipv4-tcp.pcap");
        try (PcapWriter w = PcapWriter.open(file, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
            w.writePacket(1_000, store, builder.reset().tcp(40000, 80, 1000, 0, TcpView.SYN).mss(1460)
                .windowScale(7).sackPermitted(true).timestamps(1, 0).build());
            w.writePacket(2_000, store, builder.reset().tcp(40001, 40101, 5, 7, TcpView.ACK | TcpView.PSH)
                .payload(1_000).build());
            w.writePacket(3_000, store, builder.reset().vlan(100).udp(40002, 40102).payload(20).build());
            w.writePacket(4_000, store, builder.reset().pppoe(0x1234).tcp(40003, 40103, 9, 9, TcpView.ACK)
                .payload(100).build());
        }
        assertDecodesCleanly(file,
            "eth:ethertype:ip:tcp",
            "eth:ethertype:ip:tcp:data",
            "eth:ethertype:vlan:ethertype:ip:udp:data",
            "eth:ethertype:pppoes:ppp:ip:tcp:data");
    }

    @Test
    void shouldWriteEthernetIpv6UdpThatTsharkReadsWithoutWarnings() throws Exception {
        final Path file = dir.resolve("ethernet-ipv6-udp.pcap");
        try (PcapWriter w = PcapWriter.open(file, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
            w.writePacket(1_000, store, builder.reset().ipv6(V6_PREFIX, 1, V6_PREFIX, 2).flowLabel(0x12345)
                .udp(40000, 40001).payload(100).build());
            w.writePacket(1_500, store, builder.reset().ipv6(V6_PREFIX, 1, V6_PREFIX, 2).udp(40000, 40001)
                .payload(0).build());
            w.writePacket(2_000, store, builder.reset().ipv6(V6_PREFIX, 3, V6_PREFIX, 4)
                .tcp(40010, 40011, 1, 1, TcpView.ACK).payload(1_200).build());
        }
        assertDecodesCleanly(file,
            "eth:ethertype:ipv6:udp:data",
            "eth:ethertype:ipv6:udp",
            "eth:ethertype:ipv6:tcp:data");
    }

    @Test
    void shouldWriteLinuxCookedCaptureOfAPppDeviceThatTsharkReadsWithoutWarnings() throws Exception {
        final Path file = dir.resolve("ppp-sll.pcap");
        final byte[] sll = new byte[PcapFormat.SLL_HEADER_LENGTH];
        try (PcapWriter w = PcapWriter.open(file, PcapFormat.LINKTYPE_LINUX_SLL, 65_535)) {
            final byte[] frame = new byte[2048];
            final org.agrona.concurrent.UnsafeBuffer view = new org.agrona.concurrent.UnsafeBuffer(frame);
            final int a = builder.reset().rawIp().tcp(40000, 40001, 1, 1, TcpView.ACK).payload(10).build();
            int n = store.getFrame(a, frame, 0, frame.length);
            PcapFormat.sllHeader(sll, PcapFormat.SLL_PACKET_HOST, PcapFormat.ARPHRD_PPP, 0x0800);
            w.writeRecord(1_000, sll, sll.length, view, 0, n, n);
            final int b = builder.reset().rawIp().ipv6(V6_PREFIX, 1, V6_PREFIX, 2).udp(40000, 40001).payload(8)
                .build();
            n = store.getFrame(b, frame, 0, frame.length);
            PcapFormat.sllHeader(sll, PcapFormat.SLL_PACKET_OUTGOING, PcapFormat.ARPHRD_PPP, 0x86DD);
            w.writeRecord(2_000, sll, sll.length, view, 0, n, n);
        }
        assertDecodesCleanly(file, "sll:ethertype:ip:tcp:data", "sll:ethertype:ipv6:udp:data");
        final Run dir = tshark("-r", file.toString(), "-n", "-T", "fields", "-e", "sll.pkttype", "-e", "sll.hatype");
        assertThat(dir.stdout).containsExactly("0\t512", "4\t512");
    }

    @Test
    void shouldWriteRawIpThatTsharkReadsWithoutWarnings() throws Exception {
        final Path file = dir.resolve("raw-ip.pcap");
        try (PcapWriter w = PcapWriter.open(file, PcapFormat.LINKTYPE_RAW, 65_535)) {
            w.writePacket(1_000, store, builder.reset().rawIp().tcp(40000, 40001, 1, 1, TcpView.ACK).payload(10)
                .build());
            w.writePacket(2_000, store, builder.reset().rawIp().ipv6(V6_PREFIX, 1, V6_PREFIX, 2).udp(40000, 40001)
                .payload(10).build());
        }
        assertDecodesCleanly(file, "raw:ip:tcp:data", "raw:ipv6:udp:data");
    }

    @Test
    void shouldWriteSnapshotTruncatedRecordsThatTsharkReadsWithoutWarnings() throws Exception {
        final Path file = dir.resolve("snaplen-96.pcap");
        try (PcapWriter w = PcapWriter.open(file, PcapFormat.LINKTYPE_ETHERNET, 96)) {
            w.writePacket(1_000, store, builder.reset().tcp(40001, 40101, 5, 7, TcpView.ACK).payload(1_400).build());
        }
        assertDecodesCleanly(file, "eth:ethertype:ip:tcp:data");
        try (PcapReader r = PcapReader.open(file)) {
            assertThat(r.next()).isTrue();
            assertThat(r.capturedLength()).isEqualTo(96);
            assertThat(r.originalLength()).isEqualTo(14 + 20 + 20 + 1_400);
        }
    }

    @Test
    void shouldNoticeABadChecksumSoThatTheChecksAboveCanFail() throws Exception {
        final Path file = dir.resolve("bad-checksum.pcap");
        try (PcapWriter w = PcapWriter.open(file, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
            w.writePacket(1_000, store, builder.reset().tcp(40001, 40101, 5, 7, TcpView.ACK)
                .checksumMode(PacketBuilder.CSUM_BAD).payload(10).build());
        }
        final Run run = decode(file);
        assertThat(run.stdout).hasSize(1);
        assertThat(worstSeverity(run.stdout.get(0).split("\t", -1)[1])).as("%s", run)
            .isGreaterThanOrEqualTo(PI_WARN);
    }
}
