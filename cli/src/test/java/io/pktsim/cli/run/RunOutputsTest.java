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

    private Path runTiny(final String name) throws IOException {
        final Path scenario = tmp.resolve("tiny.yaml");
        Files.writeString(scenario, RunEndToEndTest.TINY, StandardCharsets.UTF_8);
        final Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        final StringWriter err = new StringWriter();
        assertThat(PktsimMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "run",
            scenario.toString(), "--quiet", "--pcap-dir", dir.toString(), "--trace",
            dir.resolve("trace.jsonl").toString())).as(err.toString()).isZero();
        assertThat(err.toString()).as("no warning").isEmpty();
        return dir;
    }

    private static long records(final Path file) throws Exception {
        try (PcapReader r = PcapReader.open(file)) {
            assertThat(r.linkType()).as("Ethernet").isEqualTo(1);
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
        assertThat(records(a.resolve("wan.pcap"))).isPositive();
        assertThat(records(a.resolve("lan.pcap"))).isPositive();

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
        for (final String f : List.of("wan.pcap", "lan.pcap", "trace.jsonl")) {
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
        for (final String f : List.of("wan.pcap", "lan.pcap")) {
            final Path out = tmp.resolve(f + ".out");
            final Path err = tmp.resolve(f + ".err");
            final Process p = new ProcessBuilder(exe.toString(), "-r", a.resolve(f).toString(), "-n", "-T", "fields",
                "-e", "frame.protocols", "-e", "_ws.malformed").redirectOutput(out.toFile())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            final List<String> stderr = Files.readAllLines(err, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank() && !l.equals(ROOT_NOTICE)).toList();
            assertThat(p.exitValue()).as("tshark -r %s: %s", f, stderr).isZero();
            assertThat(stderr).as(f).isEmpty();
            final List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            assertThat((long) lines.size()).isEqualTo(records(a.resolve(f)));
            final String expected = f.startsWith("wan") ? "eth:ethertype:vlan:ethertype:pppoes:ppp:ip:tcp"
                : "eth:ethertype:vlan:ethertype:ip:tcp";
            for (final String l : lines) {
                final String[] cols = l.split("\t", -1);
                assertThat(cols[0]).as("%s: %s", f, l).startsWith(expected);
                assertThat(cols.length > 1 ? cols[1] : "").as("malformed in %s: %s", f, l).isEmpty();
            }
        }
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
