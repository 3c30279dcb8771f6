package io.pktsim.cli.gro;

import static io.pktsim.cli.gro.ReplayCommandTestSupport.run;
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

import io.pktsim.cli.gro.ReplayCommandTestSupport.Run;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OUT.pcap files of {@code pktsim gro} and {@code pktsim gso} are read by {@code tshark -r} without a warning.
 * Skipped (with a message) only where tshark is not installed; CI installs it (.ci/run).
 */
class ReplayTsharkTest {

    /** tshark prints this when run as root, whatever the file. */
    private static final String ROOT_NOTICE = "Running as user \"root\" and group \"root\". This could be dangerous.";
    /** Expert severity "warning" ({@code PI_WARN}); "error" is above. */
    private static final long PI_WARN = 0x00600000L;

    private static Path tshark;

    @TempDir
    Path dir;

    @BeforeAll
    static void findTshark() {
        final String path = System.getenv("PATH");
        if (path != null) {
            for (final String d : path.split(File.pathSeparator)) {
                final Path p = Path.of(d, "tshark");
                if (Files.isExecutable(p)) {
                    tshark = p;
                }
            }
        }
        assumeTrue(tshark != null, "tshark is not installed (not on PATH): skipping the check that Wireshark reads "
            + "the OUT.pcap of pktsim gro/gso; install it with 'apt-get install tshark' (CI does)");
    }

    private record Out(int exit, List<String> stdout, List<String> stderr) {
    }

    private static Out tshark(final String... args) throws IOException, InterruptedException {
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
                .filter(l -> !l.isBlank() && !l.equals(ROOT_NOTICE)).toList();
            return new Out(p.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8), stderr);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * Asserts that tshark reads the file without complaint, one frame per expected protocol list, no expert
     * warning or error and nothing malformed; {@code checkChecksums} also validates IP/TCP/UDP checksums.
     */
    private static void assertReadsCleanly(final Path file, final boolean checkChecksums, final String... protocols)
        throws Exception {
        final Out plain = tshark("-r", file.toString(), "-n");
        assertThat(plain.exit()).as("tshark -r %s: %s", file, plain).isZero();
        assertThat(plain.stderr()).as("tshark -r %s wrote to stderr: %s", file, plain).isEmpty();
        assertThat(plain.stdout()).hasSize(protocols.length);
        final String check = checkChecksums ? "TRUE" : "FALSE";
        final Out run = tshark("-r", file.toString(), "-n", "-o", "ip.check_checksum:" + check,
            "-o", "tcp.check_checksum:" + check, "-o", "udp.check_checksum:" + check,
            "-T", "fields", "-E", "separator=/t", "-e", "frame.protocols", "-e", "_ws.expert.severity",
            "-e", "_ws.expert.message", "-e", "_ws.malformed");
        assertThat(run.exit()).as("%s", run).isZero();
        assertThat(run.stderr()).as("%s", run).isEmpty();
        assertThat(run.stdout()).hasSize(protocols.length);
        for (int i = 0; i < protocols.length; i++) {
            final String[] f = run.stdout().get(i).split("\t", -1);
            assertThat(f[0]).as("frame %d of %s: %s", i + 1, file, run).isEqualTo(protocols[i]);
            long worst = 0;
            for (final String s : f[1].split(",")) {
                if (!s.isBlank()) {
                    worst = Math.max(worst, Long.parseLong(s.trim()));
                }
            }
            assertThat(worst).as("expert info of frame %d of %s: %s", i + 1, file, run).isLessThan(PI_WARN);
            assertThat(f.length > 3 ? f[3] : "").as("malformed frame %d of %s", i + 1, file).isEmpty();
        }
    }

    @Test
    void shouldWriteGroOutputThatTsharkReadsWithoutWarnings() throws Exception {
        final Path in = dir.resolve("train.pcap");
        new ExamplePcaps().groTrain(in);
        final Path out = dir.resolve("rx.pcap");
        final Run r = run("gro", "--in", in.toString(), "--out", out.toString());
        assertThat(r.code()).as("%s", r).isZero();
        // an aggregate's TCP checksum holds the pseudo-header sum (CHECKSUM_PARTIAL), as tcpdump shows it on a
        // GRO host: clean with tshark's default (no checksum validation)
        assertReadsCleanly(out, false, "eth:ethertype:ip:udp:data", "eth:ethertype:ip:tcp:data",
            "eth:ethertype:ip:tcp:data");
        final Path list = dir.resolve("rx-list.pcap");
        assertThat(run("gro", "--in", in.toString(), "--out", list.toString(), "--gro-list").code()).isZero();
        // with rx-gro-list GRO holds the UDP datagram too (udp_gro_receive_segment): it goes up at the poll's end,
        // after the TCP aggregates completed before it
        assertReadsCleanly(list, false, "eth:ethertype:ip:tcp:data", "eth:ethertype:ip:tcp:data",
            "eth:ethertype:ip:udp:data", "eth:ethertype:ip:tcp:data");
    }

    @Test
    void shouldWriteGsoOutputThatTsharkReadsWithValidChecksums() throws Exception {
        final Path in = dir.resolve("super.pcap");
        new ExamplePcaps().gsoSuper(in);
        final Path out = dir.resolve("wire.pcap");
        assertThat(run("gso", "--in", in.toString(), "--gso-size", "1448", "--out", out.toString()).code()).isZero();
        final String[] segments = new String[45];
        Arrays.fill(segments, "eth:ethertype:ip:tcp:data");
        assertReadsCleanly(out, true, segments);

        final Path nodf = dir.resolve("nodf.pcap");
        new ExamplePcaps().gsoNoDf(nodf);
        final Path frags = dir.resolve("frags.pcap");
        assertThat(run("gso", "--in", nodf.toString(), "--gso-size", "1448", "--mtu", "1400", "--out",
            frags.toString()).code()).isZero();
        // tshark reassembles each segment from its two fragments and decodes TCP in the second
        assertReadsCleanly(frags, true, "eth:ethertype:ip:data", "eth:ethertype:ip:tcp:data",
            "eth:ethertype:ip:data", "eth:ethertype:ip:tcp:data");
    }

    /** tshark's PPPoE and IP length fields of each frame of a file, as "pppoe.payload_length,ip.len". */
    private static List<String> lengths(final Path file) throws Exception {
        final Out o = tshark("-r", file.toString(), "-n", "-T", "fields", "-E", "separator=,", "-e",
            "pppoe.payload_length", "-e", "ip.len");
        assertThat(o.exit()).as("%s", o).isZero();
        assertThat(o.stderr()).as("%s", o).isEmpty();
        return o.stdout();
    }

    @Test
    void shouldWritePppoeAggregatesAndSegmentsWhoseLengthsTsharkReads() throws Exception {
        final Path in = dir.resolve("pppoe.pcap");
        new ExamplePcaps().groPppoe(in);
        final Path rx = dir.resolve("rx.pcap");
        assertThat(run("gro", "--in", in.toString(), "--pppoe-gro", "--out", rx.toString()).code()).isZero();
        final String tcp = "eth:ethertype:pppoes:ppp:ip:tcp:data";
        assertReadsCleanly(rx, false, "eth:ethertype:pppoes:ppp:lcp", tcp, tcp);
        // pppoe_gro_complete(): the PPPoE length covers the PPP protocol and the aggregate's IP length
        assertThat(lengths(rx)).containsExactly("10,", "5846,5844", "4398,4396");

        final Path aggregates = dir.resolve("aggregates.pcap");
        final List<ReplayCommandTestSupport.Rec> recs = ReplayCommandTestSupport.readPcap(rx);
        try (io.pktsim.core.pcap.PcapWriter w = io.pktsim.core.pcap.PcapWriter.open(aggregates,
            io.pktsim.core.pcap.PcapFormat.LINKTYPE_ETHERNET, io.pktsim.core.pcap.PcapFormat.MAX_SNAPLEN)) {
            for (final ReplayCommandTestSupport.Rec rec : recs.subList(1, 3)) {
                w.writeRecord(rec.timeNs(), rec.frame(), 0, rec.frame().length, rec.frame().length);
            }
        }
        final Path wire = dir.resolve("wire.pcap");
        assertThat(run("gso", "--in", aggregates.toString(), "--gso-size", "1448", "--pppoe-gro", "--out",
            wire.toString()).code()).isZero();
        final String[] segments = new String[7];
        Arrays.fill(segments, tcp);
        assertReadsCleanly(wire, true, segments);
        // pppoe_gso_segment(): each segment its own PPPoE length
        final String[] each = new String[7];
        Arrays.fill(each, "1502,1500");
        assertThat(lengths(wire)).containsExactly(each);
    }
}
