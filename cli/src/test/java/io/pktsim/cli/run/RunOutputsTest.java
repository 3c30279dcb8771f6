package io.pktsim.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pktsim.cli.PktsimMain;
import io.pktsim.core.pcap.PcapReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pktsim run --pcap-dir DIR --trace FILE} on the real engine, the tiny scenario of {@link RunEndToEndTest}. */
class RunOutputsTest {

    /** tshark prints this when run as root, whatever the file. */
    private static final String ROOT_NOTICE = "Running as user \"root\" and group \"root\". This could be dangerous.";

    @TempDir
    Path tmp;

    /** The tiny scenario's router: 1 line (eth0.2) with 2 macvlan PPPoE dials; the LAN on br-lan over eth0.1. */
    private static final List<String> TAPS = List.of("br-lan.pcap", "eth0.1.pcap", "eth0.2.pcap", "eth0.pcap",
        "macvlan0.pcap", "macvlan1.pcap", "pppoe-wan0.pcap", "pppoe-wan1.pcap");

    private Path scenario() throws IOException {
        final Path scenario = tmp.resolve("tiny.yaml");
        Files.writeString(scenario, RunEndToEndTest.TINY, StandardCharsets.UTF_8);
        return scenario;
    }

    private Path runTiny(final String name, final String... more) throws IOException {
        final Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        final List<String> args = new ArrayList<>(List.of("run", scenario().toString(), "--quiet", "--pcap-dir",
            dir.toString(), "--trace", dir.resolve("trace.jsonl").toString()));
        args.addAll(List.of(more));
        final StringWriter err = new StringWriter();
        assertThat(PktsimMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(err),
            args.toArray(new String[0]))).as(err.toString()).isZero();
        assertThat(err.toString()).as("no warning").isEmpty();
        return dir;
    }

    private static List<String> pcaps(final Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pcap")).sorted().toList();
        }
    }

    private static long records(final Path file) throws Exception {
        try (PcapReader r = PcapReader.open(file)) {
            final boolean ppp = file.getFileName().toString().startsWith("pppoe-");
            assertThat(r.linkType()).as("%s: Linux cooked on a PPPoE device, else Ethernet", file.getFileName())
                .isEqualTo(ppp ? 113 : 1);
            assertThat(r.nanoseconds()).isTrue();
            long n = 0;
            while (r.next()) {
                n++;
            }
            return n;
        }
    }

    @Test
    void shouldWriteTapsAndATraceTheSameTwice() throws Exception {
        final Path a = runTiny("a");
        assertThat(pcaps(a)).isEqualTo(TAPS);
        for (final String f : TAPS) {
            assertThat(records(a.resolve(f))).as(f).isPositive();
        }
        assertThat(records(a.resolve("eth0.2.pcap"))).as("the line carries both dials' frames")
            .isEqualTo(records(a.resolve("macvlan0.pcap")) + records(a.resolve("macvlan1.pcap")));
        assertThat(records(a.resolve("pppoe-wan1.pcap"))).isEqualTo(records(a.resolve("macvlan1.pcap")));

        final ObjectMapper json = new ObjectMapper();
        final List<JsonNode> events = new ArrayList<>();
        for (final String line : Files.readAllLines(a.resolve("trace.jsonl"), StandardCharsets.UTF_8)) {
            events.add(json.readTree(line));
        }
        final List<JsonNode> dials = events.stream().filter(e -> "dial_ecmp".equals(e.path("kind").asText())).toList();
        assertThat(dials).as("one ECMP choice per connection").hasSize(4);
        for (final JsonNode d : dials) {
            assertThat(d.path("component").asText()).isEqualTo("router");
            assertThat(d.path("nexthops").asInt()).isEqualTo(2);
            assertThat(d.path("dial").asInt()).isBetween(0, 1);
            assertThat(d.path("hash31").asLong()).isBetween(0L, (1L << 31) - 1);
        }
        assertThat(events).anyMatch(e -> "conntrack_new".equals(e.path("kind").asText()));

        final Path b = runTiny("b");
        assertThat(pcaps(b)).isEqualTo(TAPS);
        for (final String f : List.of("eth0.pcap", "eth0.1.pcap", "eth0.2.pcap", "macvlan0.pcap", "macvlan1.pcap",
            "pppoe-wan0.pcap", "pppoe-wan1.pcap", "br-lan.pcap", "trace.jsonl")) {
            assertThat(Files.readAllBytes(b.resolve(f))).as(f).isEqualTo(Files.readAllBytes(a.resolve(f)));
        }
    }

    @Test
    void shouldWriteTapsThatTsharkReadsWithoutErrors() throws Exception {
        final Path tshark = Path.of("/usr/bin/tshark");
        final Path onPath = findOnPath();
        assumeTrue(onPath != null || Files.isExecutable(tshark), "tshark is not installed: skipping the check that "
            + "Wireshark reads the taps of pktsim run; install it with 'apt-get install tshark' (CI does)");
        final Path exe = onPath != null ? onPath : tshark;
        final Path a = runTiny("a");
        for (final String f : TAPS) {
            final Path out = tmp.resolve(f + ".out");
            final Path err = tmp.resolve(f + ".err");
            final Process p = new ProcessBuilder(exe.toString(), "-r", a.resolve(f).toString(), "-n", "-T", "fields",
                "-e", "frame.protocols", "-e", "frame.encap_type", "-e", "_ws.malformed", "-e", "frame.time_delta")
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            final List<String> stderr = Files.readAllLines(err, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank() && !l.equals(ROOT_NOTICE)).toList();
            assertThat(p.exitValue()).as("tshark -r %s: %s", f, stderr).isZero();
            assertThat(stderr).as(f).isEmpty();
            final List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            assertThat((long) lines.size()).isEqualTo(records(a.resolve(f)));
            // What each device carries; WTAP_ENCAP_ETHERNET is 1, WTAP_ENCAP_SLL (Linux cooked) 25.
            final List<String> expected;
            if ("eth0.pcap".equals(f)) {
                expected = List.of("eth:ethertype:vlan:ethertype:ip:tcp",
                    "eth:ethertype:vlan:ethertype:pppoes:ppp:ip:tcp");
            } else if ("eth0.1.pcap".equals(f) || "br-lan.pcap".equals(f)) {
                expected = List.of("eth:ethertype:ip:tcp");
            } else if (f.startsWith("pppoe-")) {
                expected = List.of("sll:ethertype:ip:tcp");
            } else {
                expected = List.of("eth:ethertype:pppoes:ppp:ip:tcp");
            }
            final java.util.Set<String> seen = new java.util.TreeSet<>();
            for (final String l : lines) {
                final String[] cols = l.split("\t", -1);
                assertThat(cols).as("%s: %s", f, l).hasSize(4);
                assertThat(cols[0]).as("%s: %s", f, l).isIn(expected);
                seen.add(cols[0]);
                assertThat(cols[1]).as("encapsulation of %s", f).isEqualTo(f.startsWith("pppoe-") ? "25" : "1");
                assertThat(cols[2]).as("malformed in %s: %s", f, l).isEmpty();
                assertThat(cols[3]).as("%s in time order: %s", f, l).doesNotStartWith("-");
            }
            assertThat(seen).as("%s: both sides", f).hasSameSizeAs(expected);
        }
    }

    @Test
    void shouldCaptureOnlyTheInterfacesOfPcapIf() throws Exception {
        final Path all = runTiny("all");
        final Path some = runTiny("some", "--pcap-if", "pppoe-wan1,eth0.2");
        assertThat(pcaps(some)).containsExactly("eth0.2.pcap", "pppoe-wan1.pcap");
        for (final String f : pcaps(some)) {
            assertThat(Files.readAllBytes(some.resolve(f))).as(f).isEqualTo(Files.readAllBytes(all.resolve(f)));
        }
    }

    @Test
    void shouldRejectAnUnknownPcapInterfaceBeforeRunning() throws Exception {
        final Path dir = tmp.resolve("bad");
        Files.createDirectories(dir);
        final StringWriter err = new StringWriter();
        assertThat(PktsimMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "run",
            scenario().toString(), "--quiet", "--pcap-dir", dir.toString(), "--pcap-if", "eth0.2,pppoe-wan2,wlan0"))
            .isEqualTo(PktsimMain.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("pktsim run: --pcap-if pppoe-wan2,wlan0: no such interface; this "
            + "scenario's router has eth0, eth0.1, eth0.2, macvlan0, pppoe-wan0, macvlan1, pppoe-wan1, br-lan"
            + System.lineSeparator());
        assertThat(pcaps(dir)).isEmpty();
        final StringWriter err2 = new StringWriter();
        assertThat(PktsimMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(err2), "run",
            scenario().toString(), "--quiet", "--pcap-if", "eth0")).isEqualTo(PktsimMain.EXIT_USAGE);
        assertThat(err2.toString()).contains("--pcap-if needs --pcap-dir");
    }

    private static Path findOnPath() {
        final String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (final String d : path.split(File.pathSeparator)) {
            final Path p = Path.of(d, "tshark");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
