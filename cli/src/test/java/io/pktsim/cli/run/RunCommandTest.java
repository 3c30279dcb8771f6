package io.pktsim.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pktsim.cli.PktsimMain;
import io.pktsim.lb.router.RouterConfig;
import picocli.CommandLine;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pktsim run} against a stand-in engine: JSON, determinism, summary, progress, errors. */
class RunCommandTest {

    @TempDir
    Path tmp;

    FakeEngine.FakeClock clock;
    FakeEngine engine;
    Boolean terminal;

    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void setUp() {
        clock = new FakeEngine.FakeClock();
        engine = new FakeEngine(clock);
        terminal = false;
    }

    private Run run(final String... args) {
        final CommandLine cmd = PktsimMain.newCommandLine();
        cmd.getCommandSpec().removeSubcommand("run");
        cmd.addSubcommand("run", new RunCommand(engine, clock::now, terminal));
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        final int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String scenario() {
        return Path.of(System.getProperty("pktsim.root", ".."), "docs", "scenarios", "k2p-8dial.yaml").toString();
    }

    private Path writeScenario(final String text) throws IOException {
        final Path p = tmp.resolve("s.yaml");
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void shouldMapTheScenarioOntoTheEngineWithTheCommandLinesOverrides() {
        final Run r = run("run", scenario(), "--seed", "7", "--run", "3", "--duration", "250ms", "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        final RouterConfig c = engine.lastConfig;
        assertThat(c.seed()).isEqualTo(7L);
        assertThat(c.run()).isEqualTo(3L);
        assertThat(c.durationNs()).isEqualTo(250_000_000L);
        assertThat(c.warmupNs()).isEqualTo(2_000_000_000L);
        assertThat(c.wan()).isEqualTo(new RouterConfig.Wan(4, 2, 100_000_000L, 50_000_000L, true, 1492, 20_000_000L,
            8));
        assertThat(c.dials()).isEqualTo(8);
        assertThat(c.ipv6()).isTrue();
        assertThat(c.balancing()).isEqualTo(new RouterConfig.Balancing(RouterConfig.BalanceMode.ECMP, 1, 0L, false,
            0x3F00));
        assertThat(c.offload()).isEqualTo(RouterConfig.OffloadMode.NONE);
        assertThat(c.firewall()).isEqualTo(new RouterConfig.Firewall(RouterConfig.FirewallKind.FW3_2019, 16_384));
        assertThat(c.qdisc()).isEqualTo(RouterConfig.QdiscKind.FQ_CODEL);
        assertThat(c.workload()).containsExactly(new RouterConfig.App(RouterConfig.AppKind.DOWNLOADER, 1, 32,
            RouterConfig.Direction.DOWNLOAD, RouterConfig.CongestionControl.CUBIC, 0L, 0, 0L));
        assertThat(c.profile().name()).isEqualTo("mt7621");
        assertThat(c.lan()).isEqualTo(new RouterConfig.Lan(1, 1_000_000_000L, true));
    }

    @Test
    void shouldWriteByteIdenticalJsonForTheSameScenarioAndSeed() throws IOException {
        final Path a = tmp.resolve("a.json");
        final Path b = tmp.resolve("b.json");
        final Path c = tmp.resolve("c.json");
        clock.stepNs = 123_456_789L;
        assertThat(run("run", scenario(), "--json", a.toString(), "--quiet").code()).isZero();
        clock.stepNs = 987_654_321L;
        assertThat(run("run", scenario(), "--json", b.toString(), "--quiet").code()).isZero();
        assertThat(run("run", scenario(), "--json", c.toString(), "--quiet", "--seed", "3").code()).isZero();
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
        assertThat(Files.readString(c)).isNotEqualTo(Files.readString(a));
        assertThat(Files.readString(a)).doesNotContain("\"wall\"").doesNotContain("\r").endsWith("}\n");
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("a.json", "b.json",
                "c.json");
        }
    }

    @Test
    void shouldWriteTheDocumentedFieldsInOrder() throws IOException {
        final Path a = tmp.resolve("a.json");
        assertThat(run("run", scenario(), "--json", a.toString(), "--quiet").code()).isZero();
        final JsonNode j = new ObjectMapper().readTree(a.toFile());
        assertThat(j.fieldNames()).toIterable().containsExactly("pktsim", "scenario", "throughput", "dials", "flows",
            "ports", "cpu", "softnet", "drops", "conntrack", "flowtable", "ppe", "gro", "tcp", "latency", "pollBatch",
            "bottleneck", "events");
        assertThat(j.get("scenario").fieldNames()).toIterable().containsExactly("name", "file", "sha256", "seed",
            "run", "durationNs", "warmUpNs", "preset", "profile", "hardwareThreads", "ipv6", "lines", "dials",
            "balancing", "fibMultipathHashSeed", "offload", "firewall");
        assertThat(j.at("/scenario/fibMultipathHashSeed").asLong()).as("the engine's effective seed")
            .isEqualTo(0x1234_5678L);
        assertThat(j.at("/scenario/name").asText()).isEqualTo("k2p-8dial");
        assertThat(j.at("/scenario/file").asText()).isEqualTo("k2p-8dial.yaml");
        assertThat(j.at("/scenario/sha256").asText()).hasSize(64).isEqualTo(sha256(Path.of(scenario())));
        assertThat(j.at("/scenario/dials").asInt()).isEqualTo(8);
        assertThat(j.at("/throughput/goodputDownloadBps").asLong()).isEqualTo(300_000_002L);
        assertThat(j.at("/throughput/goodputBps").asLong()).isEqualTo(308_000_002L);
        assertThat(j.at("/throughput/forwardedPps").asLong()).isEqualTo(25_000L);
        assertThat(j.get("dials")).hasSize(8);
        assertThat(j.at("/dials/7/name").asText()).isEqualTo("pppoe-wan7");
        assertThat(j.at("/dials/7/line").asInt()).isEqualTo(3);
        assertThat(j.at("/flows/0/appName").asText()).isEqualTo("download");
        assertThat(j.at("/flows/1/dial").asInt()).isEqualTo(-1);
        assertThat(j.at("/cpu/average").decimalValue()).isEqualByComparingTo("0.408333");
        assertThat(j.at("/cpu/threads/1/busy").toString()).isEqualTo("0.3");
        assertThat(j.at("/cpu/threads/3/busy").toString()).isEqualTo("0.333333");
        assertThat(j.at("/cpu/threads/2/busy").toString()).isEqualTo("0");
        assertThat(Files.readString(a)).contains("\"fraction\" : 0.000003\n");
        assertThat(j.at("/drops/byReason/conntrack_full").asLong()).isEqualTo(2L);
        assertThat(j.at("/softnet/0/timeSqueeze").asLong()).isEqualTo(17L);
        assertThat(j.at("/softnet/1/receivedRps").asLong()).isEqualTo(5L);
        assertThat(j.at("/softnet/0").fieldNames()).toIterable().containsExactly("cpu", "processed", "dropped",
            "timeSqueeze", "receivedRps");
        assertThat(j.at("/cpu/threads/3/ksoftirqd").toString()).isEqualTo("0.25");
        assertThat(j.at("/cpu/threads/0").fieldNames()).toIterable().containsExactly("cpu", "core", "busy", "hardIrq",
            "softirq", "thread", "ksoftirqd");
        assertThat(j.at("/bottleneck").asText()).isEqualTo("CPU: napi/mtk_eth-0 on cpu0 at 100 %");
        assertThat(j.at("/pktsim/commit").asText()).isNotEmpty();
    }

    @Test
    void shouldPutWallClockFiguresUnderOneKeyOnlyWhenAsked() throws IOException {
        final Path a = tmp.resolve("a.json");
        clock.stepNs = 100_000_000L;
        assertThat(run("run", scenario(), "--json", a.toString(), "--quiet", "--wall").code()).isZero();
        final JsonNode j = new ObjectMapper().readTree(a.toFile());
        final List<String> keys = new java.util.ArrayList<>();
        j.fieldNames().forEachRemaining(keys::add);
        assertThat(keys.get(keys.size() - 1)).isEqualTo("wall");
        assertThat(j.at("/wall/elapsedNs").asLong()).isEqualTo(1_000_000_000L);
        assertThat(j.at("/wall/eventsPerSecond").asLong()).isEqualTo(8_999_000L);
        assertThat(j.at("/wall/forwardedPacketsPerSecond").asLong()).isEqualTo(250_000L);
    }

    @Test
    void shouldPrintTheSummary() {
        final Run r = run("run", scenario(), "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo(String.join("\n",
            "k2p-8dial: K2P, IPv6, 4 lines x 2 macvlan PPPoE dials, ECMP (L4 hash), no offload (T1)",
            "  k2p, 4 x 2 dials, ecmp, offload none; 10s measured after 2s warm-up; seed 2, run 0",
            "goodput:    download 300.0 Mbit/s, upload 8.0 Mbit/s (250000 packets forwarded)",
            "per dial:",
            "  pppoe-wan0   line 0  down 37.5 Mbit/s  up 1.0 Mbit/s  4 flows",
            "  pppoe-wan1   line 0  down 37.5 Mbit/s  up 1.0 Mbit/s  4 flows",
            "  pppoe-wan2   line 1  down 37.5 Mbit/s  up 1.0 Mbit/s  4 flows",
            "  pppoe-wan3   line 1  down 37.5 Mbit/s  up 1.0 Mbit/s  4 flows",
            "  pppoe-wan4   line 2  down 37.5 Mbit/s  up 1.0 Mbit/s  4 flows",
            "  pppoe-wan5   line 2  down 37.5 Mbit/s  up 1.0 Mbit/s  4 flows",
            "  pppoe-wan6   line 3  down 37.5 Mbit/s  up 1.0 Mbit/s  4 flows",
            "  pppoe-wan7   line 3  down 37.5 Mbit/s  up 1.0 Mbit/s  4 flows",
            "CPU:        40.8 % average over 4 hardware threads",
            "  cpu0 (core 0): 100.0 % busy (hard IRQ 5.0 %, softirq 20.0 %, kernel threads 75.0 %)",
            "  cpu1 (core 0): 30.0 % busy (hard IRQ 0.0 %, softirq 10.0 %, kernel threads 20.0 %)",
            "  cpu2 (core 1): 0.0 % busy (hard IRQ 0.0 %, softirq 0.0 %, kernel threads 0.0 %)",
            "  cpu3 (core 1): 33.3 % busy (hard IRQ 0.0 %, softirq 33.3 % (ksoftirqd/3 25.0 %), kernel threads 0.0 %)",
            "  core 0 65.0 %, core 1 16.7 %",
            "  top stages: forward 20.0 %, driver_tx 17.0 %, netif_receive 17.0 %, driver_rx 14.2 %, fib 8.5 %",
            "drops:      ring 12, backlog 0, qdisc 3; by reason: ring 12, qdisc 3, conntrack_full 2",
            "tcp:        1 of 2 connections not established (SYN sent again 0 times, SYN-ACK 0, connects failed 0)",
            "bottleneck: CPU: napi/mtk_eth-0 on cpu0 at 100 %",
            "hint:       cpu0 is saturated while no other CPU is more than 33.3 % busy: the work is not spread over"
                + " the CPUs (RPS: device.napi.rpsCpus, OpenWrt's packet steering; see docs/planning.md)",
            ""));
    }

    /**
     * Connections and UDP sockets that found no source port: one summary line, the "not established" one counting
     * only the connections opened, and the counters in the JSON; without them, no such line and no {@code udp}.
     */
    @Test
    void shouldSayInOneLineWhatFoundNoSourcePort() throws IOException {
        engine.connectsRefused = 1768;
        engine.bindsRefused = 3;
        Run r = run("run", scenario(), "--quiet", "--json", "-");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("\nnot opened: 1768 TCP connections (connect(): EADDRNOTAVAIL) and 3 UDP sockets"
            + " (EAGAIN), no free source port in their host's ip_local_port_range 32768-60999\n"
            + "tcp:        1 of 2 connections not established (");
        final JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.at("/tcp/connects_refused").asLong()).isEqualTo(1768);
        assertThat(j.at("/udp/binds_refused").asLong()).isEqualTo(3);
        assertThat(j.at("/udp/sockets").asLong()).isEqualTo(8);
        engine.connectsRefused = 0;
        r = run("run", scenario(), "--quiet");
        assertThat(r.out()).contains("\nnot opened: 3 UDP sockets (EAGAIN), no free source port in their host's"
            + " ip_local_port_range 32768-60999\n");
        engine.bindsRefused = 0;
        r = run("run", scenario(), "--quiet", "--json", "-");
        assertThat(r.err()).doesNotContain("not opened");
        assertThat(new ObjectMapper().readTree(r.out()).has("udp")).isFalse();
    }

    @Test
    void shouldWriteJsonOnStandardOutputAndTheSummaryOnStandardError() throws IOException {
        final Run r = run("run", scenario(), "--json", "-", "--quiet");
        assertThat(r.code()).isZero();
        assertThat(new ObjectMapper().readTree(r.out()).at("/scenario/name").asText()).isEqualTo("k2p-8dial");
        assertThat(r.err()).startsWith("k2p-8dial: ").contains("bottleneck: ");
    }

    @Test
    void shouldExitOneWithOneLineAndNoJsonWhenTheRunFails() {
        engine.failWith = new IllegalStateException("event loop: time went backwards at 5 ns");
        final Path a = tmp.resolve("a.json");
        final Run r = run("run", scenario(), "--json", a.toString(), "--quiet");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("pktsim run: the run failed: event loop: time went backwards at 5 ns\n");
        assertThat(a).doesNotExist();
    }

    @Test
    void shouldPrintTheStackTraceOfAFailedRunOnlyWithVerbose() {
        engine.failWith = new IllegalStateException("boom");
        final Run r = run("--verbose", "run", scenario(), "--quiet");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("pktsim run: the run failed: boom\njava.lang.IllegalStateException: boom");
    }

    @Test
    void shouldExitTwoOnABadScenarioWithoutRunningOrWriting() throws IOException {
        final Path s = writeScenario("device: {preset: k2p}\nwan: {lines: 1, dialsPerLine: 64}\n"
            + "balancing: {mode: mwan3}\nworkload: {apps: [{type: speedtest}]}\n");
        final Path a = tmp.resolve("a.json");
        final Run r = run("run", s.toString(), "--json", a.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("pktsim run: " +  s + ":3:19: 'balancing.mode' is mwan3 with 64 dials, but "
            + "mwan3's mark mask mmxMask 0x3F00 has 6 bits, which allows at most 60 interfaces (2^6 - 1 - 3): the "
            + "60-interface limit; expected at most 60 dials, a wider mmxMask, or mode ecmp\n");
        assertThat(engine.calls).isZero();
        assertThat(a).doesNotExist();
    }

    @Test
    void shouldExitTwoBeforeRunningWhenAnOutputWouldOverwriteTheScenarioOrAnotherOutput() throws IOException {
        // found by the bad-input fuzzer: --json onto the scenario replaced it with the result; --json and --trace
        // on one file kept whichever came last; --json onto --pcap-dir failed after the run, leaving the taps
        final Path s = writeScenario(Files.readString(Path.of(scenario()), StandardCharsets.UTF_8));
        final String text = Files.readString(s, StandardCharsets.UTF_8);
        final String x = tmp.resolve("x").toString();
        assertUsage(run("run", s.toString(), "--json", s.toString()), "--json " + s + ": is the scenario file; "
            + "expected another file");
        assertUsage(run("run", s.toString(), "--trace", s.toString()), "--trace " + s + ": is the scenario file; "
            + "expected another file");
        assertUsage(run("run", s.toString(), "--json", x, "--trace", x), "--trace " + x + ": is also the --json "
            + "file; expected another file");
        assertUsage(run("run", s.toString(), "--json", x, "--pcap-dir", x), "--json " + x + ": is also the "
            + "--pcap-dir; expected a file outside it");
        assertUsage(run("run", s.toString(), "--json", ""), "--json '': expected a file name");
        assertThat(Files.readString(s, StandardCharsets.UTF_8)).isEqualTo(text);
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).containsExactly(s);
        }
        assertThat(engine.calls).isZero();
    }

    @Test
    void shouldExitTwoBeforeRunningWhenNoFileCanBeCreatedBesideAnOutput() {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/proc/version")), "needs Linux /proc");
        // /proc/version exists but nothing can be created in /proc: was exit 1 after the run, naming a temporary file
        final Run r = run("run", scenario(), "--json", "/proc/version", "--quiet");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("pktsim run: --json /proc/version: cannot create a file in /proc");
        assertThat(r.err()).doesNotContain(".partial").doesNotContain(".probe").hasLineCount(1);
        assertThat(engine.calls).isZero();
    }

    @Test
    void shouldExitTwoOnAnEmptyPcapIfInsteadOfCapturingEveryInterface() {
        // found by the bad-input fuzzer: --pcap-if ,, was an empty list, which means "all"
        final String dir = tmp.resolve("p").toString();
        assertUsage(run("run", scenario(), "--pcap-dir", dir, "--pcap-if", ",,"), "--pcap-if '': expected "
            + "interface names, e.g. eth0.2,pppoe-wan3");
        assertUsage(run("run", scenario(), "--pcap-dir", dir, "--pcap-if", "eth0,,eth0.2"), "--pcap-if "
            + "'eth0,,eth0.2': expected interface names, e.g. eth0.2,pppoe-wan3");
        assertThat(tmp.resolve("p")).doesNotExist();
        assertThat(engine.calls).isZero();
    }

    private void assertUsage(final Run r, final String err) {
        assertThat(r.code()).as("%s", r).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("pktsim run: " + err + "\n");
    }

    @Test
    void shouldExitTwoOnAnOutputInAMissingDirectoryBeforeRunning() {
        final Run r = run("run", scenario(), "--json", tmp.resolve("no/a.json").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("pktsim run: --json " + tmp.resolve("no/a.json") + ": directory "
            + tmp.resolve("no") + " does not exist\n");
        assertThat(engine.calls).isZero();
    }

    @Test
    void shouldExitTwoOnABadDuration() {
        final Run r = run("run", scenario(), "--duration", "-5s");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("pktsim run: --duration '-5s': expected a duration such as 10s, 250ms or 50us\n");
        assertThat(engine.calls).isZero();
    }

    @Test
    void shouldExitTwoWhenTheDurationEndsTheRunBeforeARedial() throws IOException {
        final String text = Files.readString(Path.of(scenario()), StandardCharsets.UTF_8);
        assertThat(text).contains("  rtt: 20ms\n");
        final Path s = writeScenario(text.replace("  rtt: 20ms\n", "  rtt: 20ms\n  redials:\n"
            + "    - {dial: 5, at: 4s, down: 1s}\n"));
        final Run r = run("run", s.toString(), "--duration", "1s", "--quiet");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("pktsim run: --duration 1s: the run ends at 3s (warmUp 2s + duration 1s), but "
            + "wan.redials[0] of " + s + " drops dial 5 at 4s; expected a duration that ends the run after every "
            + "redial\n");
        assertThat(engine.calls).isZero();
        final Run ok = run("run", s.toString(), "--duration", "2001ms", "--quiet");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(engine.lastConfig.wan().redials()).containsExactly(new RouterConfig.Redial(5, 4_000_000_000L,
            1_000_000_000L));
    }

    @Test
    void shouldExitTwoWhenTheDurationEndsTheRunBeforeAnAppStarts() throws IOException {
        final String text = Files.readString(Path.of(scenario()), StandardCharsets.UTF_8);
        assertThat(text).contains("      connections: 32\n");
        final Path s = writeScenario(text.replace("      connections: 32\n", "      connections: 32\n"
            + "      start: 4s\n"));
        final Run r = run("run", s.toString(), "--duration", "1s", "--quiet");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("pktsim run: --duration 1s: the run ends at 3s (warmUp 2s + duration 1s), but "
            + "workload.apps[0] of " + s + " starts at 4s; expected a duration that ends the run after every app "
            + "started\n");
        assertThat(engine.calls).isZero();
        assertThat(run("run", s.toString(), "--duration", "2001ms", "--quiet").code()).isZero();
    }

    @Test
    void shouldPassPcapAndTraceToTheEngine() {
        final Path pcaps = tmp.resolve("pcaps");
        final Path trace = tmp.resolve("trace.jsonl");
        final Run r = run("run", scenario(), "--quiet", "--pcap-dir", pcaps.toString(), "--trace", trace.toString());
        assertThat(r.code()).isZero();
        assertThat(engine.lastConfig.outputs()).isEqualTo(new RouterConfig.Outputs(pcaps, trace));
        assertThat(pcaps).isEmptyDirectory();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void shouldStayQuietForShortRuns() {
        clock.stepNs = 100_000_000L;
        final Run r = run("run", scenario());
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void shouldPrintProgressLinesWhenNotOnATerminal() {
        clock.stepNs = 1_000_000_000L;
        final Run r = run("run", scenario());
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEqualTo(String.join("\n",
            "pktsim run: 20% (2400ms of 12s simulated)",
            "pktsim run: 30% (3600ms of 12s simulated)",
            "pktsim run: 40% (4800ms of 12s simulated)",
            "pktsim run: 50% (6s of 12s simulated)",
            "pktsim run: 60% (7200ms of 12s simulated)",
            "pktsim run: 70% (8400ms of 12s simulated)",
            "pktsim run: 80% (9600ms of 12s simulated)",
            "pktsim run: 90% (10800ms of 12s simulated)",
            "pktsim run: 100% (12s of 12s simulated)",
            ""));
    }

    @Test
    void shouldShowTheEndOfACompletedRunWhoseLastReportFellShort() {
        clock.stepNs = 1_000_000_000L;
        engine.reports = 9;
        final Run r = run("run", scenario());
        assertThat(r.code()).isZero();
        assertThat(r.err()).endsWith("pktsim run: 90% (10800ms of 12s simulated)\n"
            + "pktsim run: 100% (12s of 12s simulated)\n");
    }

    @Test
    void shouldNotShowTheEndOfAFailedRun() {
        clock.stepNs = 1_000_000_000L;
        engine.reports = 5;
        engine.failWith = new IllegalStateException("boom");
        final Run r = run("run", scenario());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).endsWith("pktsim run: 50% (6s of 12s simulated)\npktsim run: the run failed: boom\n");
    }

    @Test
    void shouldDrawABarOnATerminal() {
        terminal = true;
        clock.stepNs = 1_000_000_000L;
        final Run r = run("run", scenario());
        assertThat(r.code()).isZero();
        final String shown = r.err().replace("\r", "<CR>").replaceAll(" +<CR>", "<CR>").replaceAll(" +\n", "\n");
        assertThat(shown).startsWith("<CR>[######........................]  20% 2400ms of "
            + "12s simulated<CR>[#########.....................]  30% ")
            .hasLineCount(1)
            .endsWith("<CR>[##############################] 100% 12s of 12s simulated\n");
    }

    @Test
    void shouldBeSilentWhenQuiet() {
        terminal = true;
        clock.stepNs = 1_000_000_000L;
        assertThat(run("run", scenario(), "--quiet").err()).isEmpty();
    }

    private static String sha256(final Path p) {
        try {
            final byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
            return java.util.HexFormat.of().formatHex(d);
        } catch (final Exception e) {
            throw new AssertionError(e);
        }
    }
}
