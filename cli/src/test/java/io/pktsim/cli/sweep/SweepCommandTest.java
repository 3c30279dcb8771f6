package io.pktsim.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pktsim.cli.PktsimMain;
import io.pktsim.cli.run.RouterEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code pktsim sweep} on the real router engine with a tiny scenario (a few hundred simulated milliseconds per
 * point): byte-identical outputs with 1 and 2 threads, resume after an interrupted sweep, and every error at the
 * edges (exit 2, one line, nothing written).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SweepCommandTest {

    static final String TINY = String.join("\n",
        "# a tiny scenario for sweeps",
        "name: tiny",
        "description: K2P, 1 line x 2 macvlan PPPoE dials, ECMP, one downloader",
        "device: {preset: k2p}",
        "wan: {lines: 1, lineRate: 100mbit, dialsPerLine: 2, dialShaping: 20mbit, rtt: 10ms}",
        "balancing: {mode: ecmp}",
        "workload:",
        "  apps:",
        "    - {name: dl, type: downloader, connections: 4}",
        "duration: 150ms",
        "warmUp: 50ms",
        "");

    static final String[] GRID = {"--set", "wan.dialsPerLine=1,3", "--set", "offload=none,flowtable"};
    static final List<String> FILES = List.of("sweep.yaml", "results.csv", "results.jsonl", "report.html");

    @TempDir
    Path tmp;

    Path scenario;
    Path full;
    String fullErr;
    String fullOut;

    private static final class Result {
        int code;
        String out;
        String err;
    }

    private static Result sweep(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final Result r = new Result();
        final String[] all = new String[args.length + 1];
        all[0] = "sweep";
        System.arraycopy(args, 0, all, 1, args.length);
        r.code = PktsimMain.execute(new PrintWriter(out), new PrintWriter(err), all);
        r.out = out.toString();
        r.err = err.toString();
        return r;
    }

    private String[] args(final Path outDir, final String... more) {
        final List<String> a = new ArrayList<>();
        a.add(scenario.toString());
        a.addAll(Arrays.asList(GRID));
        a.add("--out");
        a.add(outDir.toString());
        a.addAll(Arrays.asList(more));
        return a.toArray(new String[0]);
    }

    @BeforeAll
    void runFullSweepWithTwoThreads(@TempDir final Path dir) throws IOException {
        scenario = dir.resolve("tiny.yaml");
        Files.writeString(scenario, TINY);
        full = dir.resolve("full");
        final Result r = sweep(args(full, "--threads", "2"));
        assertThat(r.code).as(r.err).isZero();
        fullErr = r.err;
        fullOut = r.out;
    }

    @Test
    void shouldWriteOneRowPerPointInGridOrder() throws IOException {
        final List<String> csv = Files.readAllLines(full.resolve("results.csv"));
        assertThat(csv).hasSize(5);
        assertThat(csv.get(0)).startsWith("point,wan.dialsPerLine,offload,seed,goodput_down_mbps,goodput_up_mbps,"
            + "forwarded_packets,cpu_avg_pct,cpu_hottest,cpu_hottest_pct,cores_pct,drops_total,")
            .endsWith(",bottleneck");
        assertThat(csv.subList(1, 5)).extracting(l -> String.join(",", SweepCsv.split(l).subList(0, 4)))
            .containsExactly("0,1,none,1", "1,1,flowtable,1", "2,3,none,1", "3,3,flowtable,1");
        final List<String> jsonl = Files.readAllLines(full.resolve("results.jsonl"));
        assertThat(jsonl).hasSize(4);
        final ObjectMapper m = new ObjectMapper();
        final int[] dials = {1, 1, 3, 3};
        final String[] offload = {"none", "flowtable", "none", "flowtable"};
        for (int i = 0; i < 4; i++) {
            final JsonNode j = m.readTree(jsonl.get(i));
            assertThat(j.has("wall")).isFalse();
            assertThat(j.get("scenario").get("dials").asInt()).isEqualTo(dials[i]);
            assertThat(j.get("scenario").get("offload").asText()).isEqualTo(offload[i]);
            assertThat(j.get("dials")).hasSize(dials[i]);
            final String[] row = SweepCsv.split(Files.readAllLines(full.resolve("results.csv")).get(i + 1))
                .toArray(new String[0]);
            assertThat(row[4]).isEqualTo(String.format(java.util.Locale.ROOT, "%.3f",
                j.get("throughput").get("goodputDownloadBps").asLong() / 1e6));
            assertThat(row[6]).isEqualTo(j.get("throughput").get("forwardedPackets").asText());
            assertThat(row[row.length - 1]).isEqualTo(j.get("bottleneck").asText());
            // the download's forwarding latency, ms with 3 decimals, from the JSON's ns
            assertThat(row[row.length - 9]).isEqualTo(String.format(java.util.Locale.ROOT, "%.3f",
                j.get("latency").get("down_p50_ns").asLong() / 1e6));
            // the queues: the ring's p99 and the one backlog (rps_cpus 0x4: cpu2)
            assertThat(row[row.length - 5]).isEqualTo(j.at("/occupancy/rxRing/p99").asText());
            assertThat(row[row.length - 4]).isEqualTo("cpu2");
            assertThat(row[row.length - 3]).isEqualTo(j.at("/occupancy/backlogs/0/p50").asText());
            assertThat(row[row.length - 2]).isEqualTo(j.at("/occupancy/backlogs/0/p99").asText());
        }
        assertThat(fullErr.lines().filter(l -> l.contains("] point ")).map(l -> l.substring(0, l.indexOf(':', 15))))
            .containsExactly("pktsim sweep: [1/4] point 0 (wan.dialsPerLine=1, offload=none)",
                "pktsim sweep: [2/4] point 1 (wan.dialsPerLine=1, offload=flowtable)",
                "pktsim sweep: [3/4] point 2 (wan.dialsPerLine=3, offload=none)",
                "pktsim sweep: [4/4] point 3 (wan.dialsPerLine=3, offload=flowtable)");
        assertThat(fullErr.lines().findFirst()).hasValue("pktsim sweep: 4 points, 4 to run on 2 threads");
        assertThat(fullOut).startsWith("sweep: 4 points (4 run now, 0 kept) in " + full);
        assertThat(fullOut.lines()).hasSize(6);
    }

    @Test
    void shouldWriteTheSameJsonAsPktsimRunOfThatPoint() throws IOException {
        final Path point = tmp.resolve("point3.yaml");
        Files.writeString(point, TINY.replace("dialsPerLine: 2", "dialsPerLine: 3")
            .replace("balancing:", "offload: flowtable\nbalancing:"));
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        assertThat(PktsimMain.execute(new PrintWriter(out), new PrintWriter(err), "run", point.toString(), "--json",
            "-")).as(err.toString()).isZero();
        final ObjectMapper m = new ObjectMapper();
        final ObjectNode run = (ObjectNode) m.readTree(out.toString());
        final ObjectNode swept = (ObjectNode) m.readTree(Files.readAllLines(full.resolve("results.jsonl")).get(3));
        assertThat(swept.get("scenario").get("file").asText()).isEqualTo("tiny.yaml");
        for (final ObjectNode o : List.of(run, swept)) {
            ((ObjectNode) o.get("scenario")).remove(List.of("file", "sha256"));
        }
        assertThat(swept).isEqualTo(run);
    }

    @Test
    void shouldWriteTheSameBytesWithOneThread() throws IOException {
        final Path one = tmp.resolve("one");
        final Result r = sweep(args(one, "--threads", "1", "--quiet"));
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.err).isEmpty();
        for (final String f : FILES) {
            assertThat(Files.readAllBytes(one.resolve(f))).as(f).isEqualTo(Files.readAllBytes(full.resolve(f)));
        }
    }

    @Test
    void shouldResumeAfterATruncatedRowAndKeepTheCompleteOnes() throws IOException {
        final Path dir = tmp.resolve("resumed");
        Files.createDirectories(dir);
        Files.copy(full.resolve("sweep.yaml"), dir.resolve("sweep.yaml"));
        final String csv = Files.readString(full.resolve("results.csv"));
        final int secondRowEnd = csv.indexOf('\n', csv.indexOf('\n', csv.indexOf('\n') + 1) + 1) + 1;
        // header, rows 0 and 1 complete, half of row 2; the JSON of rows 0, 1 and 2 (row 2 is rerun anyway)
        Files.writeString(dir.resolve("results.csv"), csv.substring(0, secondRowEnd + 20));
        final List<String> jsonl = Files.readAllLines(full.resolve("results.jsonl"));
        Files.writeString(dir.resolve("results.jsonl"), jsonl.get(0) + "\n" + jsonl.get(1) + "\n" + jsonl.get(2)
            + "\n" + jsonl.get(3).substring(0, 50));
        final Result r = sweep(args(dir, "--resume", "--threads", "2"));
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.err.lines().findFirst()).hasValue("pktsim sweep: 4 points, 2 to run on 2 threads (2 done "
            + "before)");
        assertThat(r.err.lines().filter(l -> l.contains("] point "))).hasSize(2);
        assertThat(r.out).startsWith("sweep: 4 points (2 run now, 2 kept) in " + dir);
        for (final String f : FILES) {
            assertThat(Files.readAllBytes(dir.resolve(f))).as(f).isEqualTo(Files.readAllBytes(full.resolve(f)));
        }
        final Result again = sweep(args(dir, "--resume"));
        assertThat(again.code).isZero();
        assertThat(again.err).isEqualTo("pktsim sweep: 4 points, all done before\n");
        assertThat(again.out).startsWith("sweep: 4 points (0 run now, 4 kept)");
        assertThat(Files.readAllBytes(dir.resolve("results.csv"))).isEqualTo(
            Files.readAllBytes(full.resolve("results.csv")));
    }

    @Test
    void shouldResumeAfterAFailedPoint() throws IOException {
        final Path dir = tmp.resolve("failed");
        final RouterEngine failOnThreeDials = (c, p) -> {
            if (c.dials() == 3) {
                throw new IllegalStateException("engine broke at 3 dials");
            }
            return RouterEngine.SIMULATION.run(c, p);
        };
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cmd = new CommandLine(new SweepCommand(failOnThreeDials, false));
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        final int code = cmd.execute(args(dir, "--threads", "2", "--quiet"));
        assertThat(code).isEqualTo(PktsimMain.EXIT_FAILED);
        assertThat(err.toString()).isEqualTo("pktsim sweep: point 2 (wan.dialsPerLine=3, offload=none): the run "
            + "failed: engine broke at 3 dials; the rows before it are in " + dir.resolve("results.csv")
            + " (--resume continues)\n");
        assertThat(Files.readAllLines(dir.resolve("results.csv"))).hasSize(3);
        assertThat(Files.readAllLines(dir.resolve("results.jsonl"))).hasSize(2);
        assertThat(dir.resolve("report.html")).doesNotExist();
        final Result r = sweep(args(dir, "--resume", "--quiet"));
        assertThat(r.code).as(r.err).isZero();
        for (final String f : FILES) {
            assertThat(Files.readAllBytes(dir.resolve(f))).as(f).isEqualTo(Files.readAllBytes(full.resolve(f)));
        }
    }

    @Test
    void shouldRefuseToResumeADifferentSweep() throws IOException {
        final Path dir = tmp.resolve("other");
        Files.createDirectories(dir);
        for (final String f : FILES) {
            Files.copy(full.resolve(f), dir.resolve(f));
        }
        final Result r = sweep(scenario.toString(), "--set", "wan.dialsPerLine=1,2", "--set", "offload=none,flowtable",
            "--out", dir.toString(), "--resume");
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).isEqualTo("pktsim sweep: --resume: " + dir.resolve("sweep.yaml") + " is a different sweep: "
            + "the swept values differ (here wan.dialsPerLine=1,2 offload=none,flowtable, there "
            + "wan.dialsPerLine=1,3 offload=none,flowtable); resume with the same scenario and options, or give a "
            + "new --out\n");
        final Result seeds = sweep(args(dir, "--resume", "--seeds", "2"));
        assertThat(seeds.err).contains("--seeds differs (here 2, there 0; 0 means none)");
        final Path edited = tmp.resolve("tiny.yaml");
        Files.writeString(edited, TINY.replace("connections: 4", "connections: 5"));
        final Result changed = sweep(edited.toString(), "--set", "wan.dialsPerLine=1,3", "--set",
            "offload=none,flowtable", "--out", dir.toString(), "--resume");
        assertThat(changed.code).isEqualTo(2);
        assertThat(changed.err).contains("is a different sweep: the scenario file differs (SHA-256 ");
        for (final String f : FILES) {
            assertThat(Files.readAllBytes(dir.resolve(f))).as(f).isEqualTo(Files.readAllBytes(full.resolve(f)));
        }
    }

    @Test
    void shouldStartOverWithReplaceDeletingOnlySweepFiles() throws IOException {
        final Path dir = tmp.resolve("replaced");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("sweep.yaml"), "an older sweep\n");
        Files.writeString(dir.resolve("results.csv"), "stale\n");
        final Result r = sweep(args(dir, "--replace", "--quiet"));
        assertThat(r.code).as(r.err).isZero();
        for (final String f : FILES) {
            assertThat(Files.readAllBytes(dir.resolve(f))).as(f).isEqualTo(Files.readAllBytes(full.resolve(f)));
        }
        Files.writeString(dir.resolve("notes.txt"), "mine");
        final Result refused = sweep(args(dir, "--replace"));
        assertThat(refused.code).isEqualTo(2);
        assertThat(refused.err).isEqualTo("pktsim sweep: --replace: " + dir + " holds notes.txt, which is not a "
            + "sweep's file (sweep.yaml, results.csv, results.jsonl, report.html, summary.csv); refusing to start over "
            + "there\n");
        assertThat(dir.resolve("results.csv")).exists();
        final Result both = sweep(args(dir, "--replace", "--resume"));
        assertThat(both.err).isEqualTo("pktsim sweep: --resume and --replace: give one (continue the sweep in DIR, "
            + "or start it over)\n");
    }

    @Test
    void shouldSweepSeedsInnermost() throws IOException {
        final Path dir = tmp.resolve("seeds");
        final Result r = sweep(scenario.toString(), "--set", "duration=100ms", "--seeds", "2", "--out",
            dir.toString(), "--quiet");
        assertThat(r.code).as(r.err).isZero();
        final List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
        assertThat(csv.get(0)).startsWith("point,duration,seed,goodput_down_mbps,");
        assertThat(csv.subList(1, csv.size())).extracting(l -> l.substring(0, 10)).containsExactly("0,100ms,1,",
            "1,100ms,2,");
        final ObjectMapper m = new ObjectMapper();
        final List<String> jsonl = Files.readAllLines(dir.resolve("results.jsonl"));
        assertThat(m.readTree(jsonl.get(1)).get("scenario").get("seed").asLong()).isEqualTo(2);
        assertThat(m.readTree(jsonl.get(1)).get("scenario").get("durationNs").asLong()).isEqualTo(100_000_000L);
        assertThat(Files.readString(dir.resolve("sweep.yaml"))).contains("seeds: 2\npoints: 2\n");
    }

    @Test
    void shouldSummarizeEachCombinationOverItsSeeds() throws IOException {
        final Path dir = tmp.resolve("summary");
        final Result r = sweep(scenario.toString(), "--set", "offload=none,flowtable", "--set", "duration=100ms",
            "--seeds", "3", "--out", dir.toString(), "--quiet");
        assertThat(r.code).as(r.err).isZero();
        final List<String> lines = Files.readAllLines(dir.resolve("results.csv"));
        final List<String> header = SweepCsv.split(lines.get(0));
        final List<String> summary = Files.readAllLines(dir.resolve("summary.csv"));
        assertThat(summary).hasSize(3);
        final List<String> cols = SweepCsv.split(summary.get(0));
        assertThat(cols.subList(0, 5)).containsExactly("offload", "duration", "seeds", "goodput_down_mbps_mean",
            "goodput_down_mbps_ci95");
        final int down = header.indexOf("goodput_down_mbps");
        final int cpu = header.indexOf("cpu_avg_pct");
        final String[] offload = {"none", "flowtable"};
        for (int g = 0; g < 2; g++) {
            final List<String> row = SweepCsv.split(summary.get(g + 1));
            assertThat(row.subList(0, 3)).containsExactly(offload[g], "100ms", "3");
            // the mean, min and max of the group's three rows of results.csv, as written there
            final double[] d = new double[3];
            final double[] c = new double[3];
            for (int k = 0; k < 3; k++) {
                final List<String> p = SweepCsv.split(lines.get(1 + 3 * g + k));
                assertThat(p.get(1)).isEqualTo(offload[g]);
                d[k] = Double.parseDouble(p.get(down));
                c[k] = Double.parseDouble(p.get(cpu));
            }
            assertThat(Double.parseDouble(row.get(cols.indexOf("goodput_down_mbps_mean"))))
                .isCloseTo((d[0] + d[1] + d[2]) / 3, org.assertj.core.api.Assertions.within(5e-4));
            assertThat(Double.parseDouble(row.get(cols.indexOf("goodput_down_mbps_min"))))
                .isEqualTo(Math.min(d[0], Math.min(d[1], d[2])));
            assertThat(Double.parseDouble(row.get(cols.indexOf("cpu_avg_pct_max"))))
                .isEqualTo(Math.max(c[0], Math.max(c[1], c[2])));
            assertThat(Double.parseDouble(row.get(cols.indexOf("goodput_down_mbps_ci95")))).isNotNegative();
        }
        assertThat(r.out).contains("sweep: 6 points (6 run now, 0 kept) in " + dir + ": results.csv, results.jsonl, "
            + "report.html, summary.csv\n");
        final List<String> out = r.out.lines().toList();
        final int at = out.indexOf("over the seeds: mean +- the half-width of its 95 % confidence interval "
            + "(Student's t) [min, max]; summary.csv has every figure");
        assertThat(at).isPositive();
        // the keys with more than one value, as the table of the points shows them
        assertThat(out.get(at + 1)).startsWith("offload    seeds  goodput_down_mbps");
        assertThat(out.subList(at + 2, out.size())).hasSize(2).allMatch(l -> l.matches(
            "(none|flowtable) +3 +[0-9.]+ \\+- [0-9.]+ \\[[0-9.]+, [0-9.]+\\] .*"));
        assertThat(Files.readString(dir.resolve("report.html"))).contains("<h2>Over the seeds</h2>",
            "<td class=\"t\">flowtable</td><td class=\"t\">100ms</td><td>3</td>");
        // the same bytes with one thread, and none of it without several seeds
        final Path one = tmp.resolve("summary-one");
        assertThat(sweep(scenario.toString(), "--set", "offload=none,flowtable", "--set", "duration=100ms", "--seeds",
            "3", "--out", one.toString(), "--quiet", "--threads", "1").code).isZero();
        for (final String f : List.of("summary.csv", "report.html", "results.csv")) {
            assertThat(Files.readAllBytes(one.resolve(f))).as(f).isEqualTo(Files.readAllBytes(dir.resolve(f)));
        }
        assertThat(full.resolve("summary.csv")).doesNotExist();
        assertThat(fullOut).doesNotContain("over the seeds");
        assertThat(Files.readString(full.resolve("report.html"))).doesNotContain("Over the seeds");
    }

    @Test
    void shouldWriteASelfContainedReport() throws IOException {
        final String html = Files.readString(full.resolve("report.html"));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg", "<polyline class=\"cpu\"", "<table>")
            .doesNotContain("<script", "<link", "src=", "href=");
        assertThat(html.split("<rect class=\"down\"", -1)).hasSize(5);
        assertThat(html.split("<tr>", -1)).hasSize(6);
    }

    private void assertUsageError(final Path outDir, final String message, final String... args) {
        final Result r = sweep(args);
        assertThat(r.code).as(r.err).isEqualTo(2);
        assertThat(r.err).isEqualTo("pktsim sweep: " + message + "\n");
        assertThat(r.out).isEmpty();
        if (outDir != null) {
            assertThat(outDir).doesNotExist();
        }
    }

    @Test
    void shouldRejectAnUnknownKeyWithDidYouMean() {
        final Path dir = tmp.resolve("x");
        assertUsageError(dir, "--set wan.dialsPerLin=1,2: wan.dialsPerLin=1: unknown key 'dialsPerLin' in 'wan'; "
            + "did you mean 'dialsPerLine'? (known keys: lines, vlan, lineRate, dialsPerLine, pppoe, mtu, "
            + "dialShaping, rtt, servers, redials)", scenario.toString(), "--set", "wan.dialsPerLin=1,2", "--out",
            dir.toString());
        assertUsageError(dir, "--set balancing.mode=ecmp,mwan4: balancing.mode=mwan4: 'balancing.mode' is 'mwan4'; "
            + "expected one of none, ecmp, mwan3, per-packet (did you mean 'mwan3'?)", scenario.toString(), "--set",
            "balancing.mode=ecmp,mwan4", "--out", dir.toString());
    }

    @Test
    void shouldRejectAValueOfTheWrongTypeOrRange() {
        final Path dir = tmp.resolve("x");
        assertUsageError(dir, "--set wan.dialsPerLine=1,two: wan.dialsPerLine=two: 'wan.dialsPerLine' is 'two'; "
            + "expected an integer from 1 to 100", scenario.toString(), "--set", "wan.dialsPerLine=1,two", "--out",
            dir.toString());
        assertUsageError(dir, "--set workload.apps[0].connections=4,0: workload.apps[0].connections=0: "
            + "'workload.apps[0].connections' is 0; expected an integer from 1 to 4096", scenario.toString(),
            "--set", "workload.apps[0].connections=4,0", "--out", dir.toString());
        assertUsageError(dir, "--set workload.apps[2].connections=4: 'workload.apps' has 1 item in the scenario; "
            + "[2] is out of range (expected [0] to [0])", scenario.toString(), "--set",
            "workload.apps[2].connections=4", "--out", dir.toString());
        assertUsageError(dir, "--set duration=1s,fast: duration=fast: 'duration' is 'fast'; expected a duration "
            + "such as 10s, 250ms, 50us or 100ns, from 1ms to 3600s", scenario.toString(), "--set",
            "duration=1s,fast", "--out", dir.toString());
    }

    @Test
    void shouldBlameThePointWhenOnlyTheCombinationIsWrong() {
        final Path dir = tmp.resolve("x");
        final Result r = sweep(scenario.toString(), "--set", "balancing.mode=ecmp,mwan3", "--set",
            "wan.dialsPerLine=2,80", "--out", dir.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).startsWith("pktsim sweep: point 3 (balancing.mode=mwan3, wan.dialsPerLine=80): "
            + "'balancing.mode' is mwan3 with 80 dials, but mwan3's mark mask").endsWith(" or mode ecmp\n");
        assertThat(dir).doesNotExist();
    }

    @Test
    void shouldRejectBadOptions() {
        final Path dir = tmp.resolve("x");
        final String s = scenario.toString();
        assertUsageError(dir, "--set wan.dialsPerLine=: no values for 'wan.dialsPerLine'; expected one or more "
            + "values separated by commas, such as wan.dialsPerLine=1,2", s, "--set", "wan.dialsPerLine=", "--out",
            dir.toString());
        assertUsageError(dir, "--set wan.dialsPerLine=1,,2: an empty value in '1,,2'; expected values separated by "
            + "single commas", s, "--set", "wan.dialsPerLine=1,,2", "--out", dir.toString());
        assertUsageError(dir, "--set offload: expected KEY=V1,V2,... such as wan.dialsPerLine=1,2,4", s, "--set",
            "offload", "--out", dir.toString());
        assertUsageError(dir, "--set offload=ppe: 'offload' is swept twice (also --set offload=none); give its "
            + "values in one --set", s, "--set", "offload=none", "--set", "offload=ppe", "--out", dir.toString());
        assertUsageError(dir, "--set seed=3,4: 'seed' is swept by --seeds 2 too; give one", s, "--set", "seed=3,4",
            "--seeds", "2", "--out", dir.toString());
        assertUsageError(dir, "nothing to sweep; expected at least one --set KEY=V1,V2,... or --seeds N (pktsim run "
            + "runs one scenario)", s, "--out", dir.toString());
        assertUsageError(dir, "--threads 0: expected from 1 to 1024", s, "--seeds", "2", "--threads", "0", "--out",
            dir.toString());
        assertUsageError(dir, "--set wan..x=1: 'wan..x' is not a dotted scenario key; expected a key such as "
            + "wan.dialsPerLine, balancing.mode or workload.apps[0].connections", s, "--set", "wan..x=1", "--out",
            dir.toString());
    }

    @Test
    void shouldRejectABadScenarioWithItsPlace() throws IOException {
        final Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, TINY.replace("rtt: 10ms", "rtt: 10 parsecs"));
        final Path dir = tmp.resolve("x");
        final Result r = sweep(bad.toString(), "--seeds", "2", "--out", dir.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).startsWith("pktsim sweep: " + bad + ":5:").contains("'wan.rtt' is '10 parsecs'");
        assertThat(dir).doesNotExist();
    }

    @Test
    void shouldRejectAnOutputDirectoryItCannotUse() throws IOException {
        final String s = scenario.toString();
        final Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        assertUsageError(null, "--out " + file.resolve("dir") + ": cannot create it: " + file + " is not a directory",
            s, "--seeds", "1", "--out", file.resolve("dir").toString());
        assertUsageError(null, "--out " + file + ": not a directory", s, "--seeds", "1", "--out", file.toString());
        // found by the bad-input fuzzer: --out '' was the working directory ("not empty (3 entries)")
        assertUsageError(null, "--out '': expected a directory name", s, "--seeds", "1", "--out", "");
        if (Files.isDirectory(Path.of("/proc"))) {
            // /proc looks writable to root but takes no new file: was exit 1 after checking every point
            assertUsageError(null, "--out /proc/pktsim-sweep: cannot create it: /proc is not writable", s, "--seeds",
                "1", "--out", "/proc/pktsim-sweep");
        }
        final Path busy = tmp.resolve("busy");
        Files.createDirectories(busy);
        Files.writeString(busy.resolve("notes.txt"), "mine");
        assertUsageError(null, "--out " + busy + ": not empty (1 entry); expected a new or empty directory, or "
            + "--resume to continue the sweep there", s, "--seeds", "1", "--out", busy.toString());
        assertUsageError(null, "--resume: " + busy + " is not empty and has no sweep.yaml, so it is not a sweep's "
            + "directory; expected a new or empty directory or a sweep's", s, "--seeds", "1", "--out",
            busy.toString(), "--resume");
        try (var list = Files.list(busy)) {
            assertThat(list.map(p -> p.getFileName().toString())).containsExactly("notes.txt");
        }
        final Result noRows = sweep(args(full, "--quiet"));
        assertThat(noRows.code).isEqualTo(2);
        assertThat(noRows.err).startsWith("pktsim sweep: --out " + full + ": not empty (4 entries)");
    }

    @Test
    void shouldKeepTheSweepDefinitionReadable() throws IOException {
        assertThat(Files.readString(full.resolve("sweep.yaml"), StandardCharsets.UTF_8)).startsWith(
            "# pktsim sweep definition").contains("scenario: \"" + scenario + "\"\nscenarioSha256: ",
            "set:\n  - key: \"wan.dialsPerLine\"\n    values: [\"1\", \"3\"]\n  - key: \"offload\"\n"
                + "    values: [\"none\", \"flowtable\"]\nseeds: 0\npoints: 4\npktsim: \"");
    }
}
