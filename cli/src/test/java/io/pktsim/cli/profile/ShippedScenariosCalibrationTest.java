package io.pktsim.cli.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pktsim.cli.run.ScenarioMapper;
import io.pktsim.cli.scenario.ScenarioLoader;
import io.pktsim.lb.router.RouterConfig;
import io.pktsim.lb.router.RouterResults;

/**
 * The shipped calibration scenarios of {@code docs/scenarios/} (router-facts.md section 14), run as files through
 * the loader and the mapper that {@code pktsim run} uses, shortened to 3 s measured after a 1 s warm-up so that the
 * suite stays fast. Each test pins the target's band where pktsim agrees (docs/calibration.md) and, where it does
 * not (T2's CPU, T3's level), pins today's figure so that a change to the model shows here and in the docs.
 */
class ShippedScenariosCalibrationTest {

    private static final long MBIT = 1_000_000L;

    private static Path scenarios() {
        final String root = System.getProperty("pktsim.root");
        return Path.of(root == null ? ".." : root).toAbsolutePath().normalize().resolve("docs/scenarios");
    }

    private static RouterResults run(final String file) throws Exception {
        final RouterConfig c = ScenarioMapper.toConfig(new ScenarioLoader().load(scenarios().resolve(file)), null,
                null);
        return Mt7621CalibrationTest.run(file, c.withTiming(3_000_000_000L, 1_000_000_000L));
    }

    /** A shipped file's text as changed by a test ({@code source} names it in errors), 3 s measured after 1 s. */
    private static RouterConfig variant(final String source, final String text) throws Exception {
        return ScenarioMapper.toConfig(new ScenarioLoader().parse(source,
            text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), null, null)
            .withTiming(3_000_000_000L, 1_000_000_000L);
    }

    /**
     * The shipped redial examples, run whole (18 s after 2 s): one dial's 3 s redial ends more connections under
     * ECMP (its own, and others the rebalance strands until their idle timeout) than under mwan3 (its own only);
     * every connection ended is opened again.
     */
    @Test
    void aRedialEndsMoreConnectionsUnderEcmpThanUnderMwan3() throws Exception {
        final Map<String, RouterResults> runs = new java.util.HashMap<>();
        for (final String mode : List.of("ecmp", "mwan3")) {
            final String file = "redial-k2p-8dial-" + mode + ".yaml";
            final RouterResults r = Mt7621CalibrationTest.run(file,
                ScenarioMapper.toConfig(new ScenarioLoader().load(scenarios().resolve(file)), null, null));
            final long ended = RouterResults.count(r.tcp(), "resets") + RouterResults.count(r.tcp(), "idle_timeouts");
            assertThat(ended).as(file).isPositive();
            assertThat(RouterResults.count(r.tcp(), "reconnects")).as(file).isEqualTo(ended);
            assertThat(r.flows()).as(file).hasSize(32 + (int) ended);
            runs.put(mode, r);
        }
        final RouterResults ecmp = runs.get("ecmp");
        final RouterResults mwan3 = runs.get("mwan3");
        assertThat(RouterResults.count(mwan3.drops().byReason(), "wrong_dial")).isZero();
        // under mwan3 only pppoe-wan3's connections end
        assertThat(mwan3.flows()).filteredOn(f -> f.closedBy() != null).allSatisfy(f -> assertThat(f.dial())
            .isEqualTo(3));
        assertThat(RouterResults.count(ecmp.drops().byReason(), "wrong_dial")).isPositive();
        assertThat(ecmp.flows()).filteredOn(f -> f.closedBy() != null && f.dial() != 3).as("stranded elsewhere")
            .isNotEmpty();
        assertThat(ecmp.flows().size()).isGreaterThan(mwan3.flows().size());
    }

    private static double hottest(final RouterResults r) {
        return Mt7621CalibrationTest.hottest(r);
    }

    /** T1 (and the README's default, the same router): about 300 Mbit/s, CPU-bound, +-15 %. */
    @Test
    void t1AndTheDefaultScenarioAreCpuBoundAtAbout300Mbit() throws Exception {
        for (final String f : List.of("t1-k2p-8dial.yaml", "k2p-8dial.yaml")) {
            final RouterResults r = run(f);
            assertThat(r.goodputBps()).as(f).isBetween(255 * MBIT, 345 * MBIT);
            // cpu2 saturated: its backlog never drains, so ksoftirqd/2 runs its softirq (what top shows)
            assertThat(r.bottleneck()).as(f).startsWith("CPU: ksoftirqd/2 (RPS backlog) on cpu2");
        }
    }

    /**
     * T2: the four 100 Mbit/s ports hold it (376 Mbit/s of TCP goodput, +-10 %) with a connection on every dial, as in
     * the seed's run; the CPU (target 70 % +-15) does not agree: pinned at today's figure.
     */
    @Test
    void t2IsHeldByTheFourPortsAndItsCpuIsPinned() throws Exception {
        final RouterResults r = run("t2-k2p-8dial-flowtable.yaml");
        assertThat(r.goodputBps()).isBetween(338 * MBIT, 414 * MBIT);
        assertThat(r.dials()).allSatisfy(d -> assertThat(d.downloadBps()).isBetween(44 * MBIT, 48 * MBIT));
        assertThat(r.cpuAverage()).isBetween(0.19, 0.29);
    }

    /**
     * T3 under the seed era's packet steering (rps_cpus 0xe) and firewall3 (one TCPMSS rule per dial): ECMP at
     * least as fast as mwan3 on 32 and on 64 dials; 32 dials within the target (600 +- 20 %); 64 mwan3 dials keep
     * about 77 % of the 32-dial figure (the target's "efficiency down to about 80 %"), each pinned.
     */
    @Test
    void t3EcmpIsAtLeastAsFastAsMwan3AndTheLevelIsPinned() throws Exception {
        final long[][] band = {{520, 600, 640, 720}, {390, 470, 530, 610}};
        int i = 0;
        final long[] mwan3Bps = new long[2];
        for (final int dials : new int[] {32, 64}) {
            final RouterResults ecmp = run("t3-k2p-" + dials + "dial-ecmp.yaml");
            final RouterResults mwan3 = run("t3-k2p-" + dials + "dial-mwan3.yaml");
            assertThat(ecmp.goodputBps()).as("%d dials", dials).isGreaterThan(mwan3.goodputBps());
            assertThat(mwan3.goodputBps()).as("%d dials", dials).isBetween(band[i][0] * MBIT, band[i][1] * MBIT);
            assertThat(ecmp.goodputBps()).as("%d dials", dials).isBetween(band[i][2] * MBIT, band[i][3] * MBIT);
            assertThat(ecmp.bottleneck()).startsWith("CPU:");
            assertThat(ecmp.cpuThreads().get(0).busy()).as("cpu0 only polls").isLessThan(0.6);
            mwan3Bps[i] = mwan3.goodputBps();
            i++;
        }
        assertThat((double) mwan3Bps[1] / mwan3Bps[0]).as("64-dial efficiency").isBetween(0.72, 0.82);
    }

    /**
     * T4: the MT7620A with six dials forwards about 100 Mbit/s, held by its 100 Mbit/s port, with its one core
     * near its limit (the MT7620's classic-path factor fitted to V1); sixteen dials (mwan3's rules grow with them)
     * saturate the core and forward less: "at most about 6 dials".
     */
    @Test
    void t4NewifiForwardsAbout100MbitAtTheCpusLimit() throws Exception {
        final RouterResults r = run("t4-newifi-y1-6dial.yaml");
        assertThat(r.goodputBps()).isBetween(85 * MBIT, 100 * MBIT);
        assertThat(r.bottleneck()).startsWith("WAN lines: 1 x 100 Mbit/s");
        assertThat(r.cpuAverage()).as("six dials").isBetween(0.90, 0.99);
        final String text = java.nio.file.Files.readString(scenarios().resolve("t4-newifi-y1-6dial.yaml"));
        assertThat(text).contains("  dialsPerLine: 6\n");
        final RouterResults many = Mt7621CalibrationTest.run("t4 16 dials",
            variant("t4 16 dials", text.replace("  dialsPerLine: 6\n", "  dialsPerLine: 16\n")));
        assertThat(many.bottleneck()).as("sixteen dials").startsWith("CPU:");
        assertThat(many.goodputBps()).as("sixteen dials").isLessThan(r.goodputBps() * 19 / 20);
    }

    /** T5: one PPPoE dial without offload: about 300 Mbit/s (+-20 %) with the busiest VPE saturated. */
    @Test
    void t5OneDialIsAbout300MbitWithTheRpsCpuSaturated() throws Exception {
        final RouterResults r = run("t5-k2p-1dial.yaml");
        assertThat(r.goodputBps()).isBetween(240 * MBIT, 360 * MBIT);
        assertThat(hottest(r)).isGreaterThan(0.95);
    }

    /** T6: the software flowtable reaches line rate (940 +-5 %) at 10-30 % CPU. */
    @Test
    void t6FlowtableReachesLineRateAtLowCpu() throws Exception {
        final RouterResults r = run("t6-k2p-flowtable.yaml");
        assertThat(r.goodputBps()).isBetween(893 * MBIT, 987 * MBIT);
        assertThat(r.cpuAverage()).isBetween(0.10, 0.305);
    }

    /** T7: the PPE: 930-945 Mbit/s at 5 % CPU or less. */
    @Test
    void t7PpeReachesLineRateWithoutCpu() throws Exception {
        final RouterResults r = run("t7-k2p-ppe.yaml");
        assertThat(r.goodputBps()).isBetween(900 * MBIT, 945 * MBIT);
        assertThat(r.cpuAverage()).isLessThanOrEqualTo(0.05);
    }

    /**
     * The x86 example (not a calibration target): the gigabit line holds it; mlx5 hashes no PPPoE session frame, so
     * every downloaded frame arrives on RX queue 0 and its CPU 0, while the LAN's ACKs (plain IP) spread over the four
     * queues; packet steering (rps_cpus 0xe) carries the stack to cpu1-cpu3, each busier than cpu0.
     */
    @Test
    void theX86ExampleIsHeldByItsLineWithTheDownloadOnQueueZero() throws Exception {
        final RouterResults r = run("x86-8dial.yaml");
        assertThat(r.goodputBps()).isBetween(900 * MBIT, 1000 * MBIT);
        assertThat(r.bottleneck()).startsWith("WAN lines");
        assertThat(r.rxQueues()).hasSize(4);
        final long queue0 = r.rxQueues().get(0).packets();
        assertThat(r.rxQueues().subList(1, 4)).allSatisfy(q -> assertThat(q.packets()).isPositive()
                .isLessThan(queue0 / 3));
        final double cpu0 = r.cpuThreads().get(0).busy();
        assertThat(r.cpuThreads().subList(1, 4)).allSatisfy(t -> assertThat(t.busy()).isGreaterThan(cpu0));
        assertThat(r.cpuAverage()).isBetween(0.02, 0.10);
    }

    /**
     * V1 (docs/calibration.md, "V1: the MT7620's classic path, fitted"): the WE826 (MT7620N) routing two upload
     * streams measured 78.6 % CPU without offload and 39.1 % with the software flowtable (openwrt pull request
     * #24515). It ran its switch under DSA, which the fit used (the next test); under the default swconfig both
     * figures lie lower by the DSA stages' cost, and are pinned here.
     */
    @Test
    void v1TheMt7620nFlowtableCpuAgreesAndTheClassicPathIsPinned() throws Exception {
        final Path file = scenarios().resolveSibling("examples").resolve("v1-mt7620n-routed.yaml");
        final String text = java.nio.file.Files.readString(file);
        assertThat(text).contains("offload: none\n");
        final double[] cpu = new double[2];
        int i = 0;
        for (final String offload : List.of("none", "flowtable")) {
            final RouterResults r = Mt7621CalibrationTest.run("v1 " + offload,
                variant(file.toString(), text.replace("offload: none\n", "offload: " + offload + "\n")));
            assertThat(r.goodputBps()).as(offload).isBetween(85 * MBIT, 95 * MBIT);
            assertThat(r.bottleneck()).as(offload).startsWith("WAN lines: 1 x 100 Mbit/s");
            cpu[i++] = r.cpuAverage();
        }
        assertThat(cpu[0]).as("no offload (measured 0.786 under DSA)").isBetween(0.679, 0.699);
        assertThat(cpu[1]).as("flowtable (measured 0.391 under DSA)").isBetween(0.329, 0.349);
        assertThat(cpu[0] - cpu[1]).as("what the flowtable saves").isGreaterThan(0.1);
    }

    /**
     * V1 with the switch under DSA, as the WE826 ran it (docs/calibration.md): every frame passes the conduit, the
     * tagger and the user port's gro_cells NAPI and pass (the dsa stage set as vlan's, not fitted). The classic
     * path's factor (mt7620.yaml) is fitted to the measured 78.6 %; the flowtable's path, which it does not touch,
     * comes within 5 points of the measured 39.1 %. The figures are pinned.
     */
    @Test
    void v1UnderDsaPinsTheFigures() throws Exception {
        final Path file = scenarios().resolveSibling("examples").resolve("v1-mt7620n-routed.yaml");
        final String text = java.nio.file.Files.readString(file);
        assertThat(text).contains("  preset: newifi-y1\n");
        final double[] cpu = new double[2];
        int i = 0;
        for (final String offload : List.of("none", "flowtable")) {
            final RouterConfig c = variant(file.toString(), text.replace("offload: none\n", "offload: " + offload
                + "\n").replace("  preset: newifi-y1\n", "  preset: newifi-y1\n  switch: dsa\n"));
            assertThat(c.profile().dsa()).isTrue();
            assertThat(c.profile().wanOnOwnGmac()).as("every MT7620 port is a DSA port").isFalse();
            final RouterResults r = Mt7621CalibrationTest.run("v1 dsa " + offload, c);
            assertThat(r.goodputBps()).as(offload).isBetween(85 * MBIT, 95 * MBIT);
            assertThat(r.bottleneck()).as(offload).startsWith("WAN lines: 1 x 100 Mbit/s");
            assertThat(r.stages().stream().filter(st -> st.name().equals("dsa")).count()).isEqualTo(1);
            assertThat(r.stages().stream().filter(st -> st.name().equals("vlan")).count()).isZero();
            cpu[i++] = r.cpuAverage();
        }
        assertThat(cpu[0]).as("no offload (measured 0.786)").isBetween(DSA_NONE - 0.01, DSA_NONE + 0.01);
        assertThat(cpu[1]).as("flowtable (measured 0.391)").isBetween(DSA_FLOWTABLE - 0.01, DSA_FLOWTABLE + 0.01);
        assertThat(Math.abs(cpu[0] - 0.786)).as("the classic path against the measured 78.6 %").isLessThan(0.02);
        assertThat(Math.abs(cpu[1] - 0.391)).as("the flowtable against the measured 39.1 %").isLessThan(0.05);
    }

    /** V1 under DSA, CPU averages of the 3 s test runs (10 s runs: docs/calibration.md). */
    private static final double DSA_NONE = 0.785;
    private static final double DSA_FLOWTABLE = 0.433;
}
