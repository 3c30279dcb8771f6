package io.pktsim.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 64-dial calibration scenario (T3, mwan3) runs 60 simulated seconds through the real command in a child JVM
 * with the default heap of a small CI machine: no {@code -Xmx}, the JVM sizing its heap as on a 2 GiB machine
 * ({@code -XX:MaxRAM=2g}: a quarter, 512 MiB). The heap after every collection stays small.
 */
class RunMemoryTest {

    /** A G1 or Parallel pause line of {@code -Xlog:gc}: {@code ... Pause Young (...) 23M->11M(388M) 20.253ms}. */
    private static final Pattern PAUSE = Pattern.compile("Pause .* (\\d+)M->(\\d+)M\\((\\d+)M\\)");
    /** The packet store (64 MiB) and the rest of the model: the heap after a collection stays below this. */
    private static final long MAX_AFTER_GC_MIB = 128;

    @TempDir
    Path tmp;

    @Test
    void shouldRunSixtyFourDialsForSixtySecondsInTheDefaultHeapOfATwoGibMachine() throws Exception {
        final Path root = Path.of(System.getProperty("pktsim.root", "..")).toAbsolutePath().normalize();
        final Path scenario = root.resolve("docs/scenarios/t3-k2p-64dial-mwan3.yaml");
        assertThat(scenario).exists();
        final Path json = tmp.resolve("t3.json");
        final Path gcLog = tmp.resolve("gc.log");
        final Path out = tmp.resolve("out.txt");
        final Path err = tmp.resolve("err.txt");
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process p = new ProcessBuilder(java, "-XX:MaxRAM=2g", "-XX:+UseG1GC",
            "-Xlog:gc,gc+init:file=" + gcLog, "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), "io.pktsim.cli.PktsimMain",
            "run", scenario.toString(), "--duration", "60s", "--quiet", "--json", json.toString())
            .redirectOutput(out.toFile()).redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("pktsim run of " + scenario + " for 60 s did not finish in 600 s");
        }
        final String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit code; stderr: %s", stderr).isZero();
        assertThat(stderr).isEmpty();

        final JsonNode r = new ObjectMapper().readTree(json.toFile());
        assertThat(r.at("/scenario/dials").asInt()).isEqualTo(64);
        assertThat(r.at("/throughput/measuredNs").asLong()).isEqualTo(60_000_000_000L);
        assertThat(r.at("/throughput/forwardedPackets").asLong()).as("a minute of traffic").isGreaterThan(100_000L);

        final List<String> log = Files.readAllLines(gcLog, StandardCharsets.UTF_8);
        assertThat(log).as("the default heap of a 2 GiB machine").anyMatch(l -> l.endsWith("Heap Max Capacity: 512M"));
        assertThat(log).noneMatch(l -> l.contains("Pause Full"));
        long pauses = 0;
        for (final String l : log) {
            final Matcher m = PAUSE.matcher(l);
            if (m.find()) {
                pauses++;
                assertThat(Long.parseLong(m.group(2))).as("heap after a collection, MiB: %s", l)
                    .isLessThanOrEqualTo(MAX_AFTER_GC_MIB);
            }
        }
        assertThat(pauses).as("collections seen in the log").isPositive();
    }
}
