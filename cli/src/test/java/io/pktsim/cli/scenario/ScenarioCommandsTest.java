package io.pktsim.cli.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.pktsim.cli.PktsimMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code pktsim validate} and {@code pktsim show-profile}, and every shipped scenario. */
class ScenarioCommandsTest {

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = PktsimMain.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    static Path scenarios() {
        return Path.of(System.getProperty("pktsim.root", ".."), "docs", "scenarios");
    }

    static Stream<String> shipped() {
        return Stream.of("k2p-8dial", "t1-k2p-8dial", "t2-k2p-8dial-flowtable", "t3-k2p-32dial-mwan3",
            "t3-k2p-32dial-ecmp", "t3-k2p-64dial-mwan3", "t3-k2p-64dial-ecmp", "t4-newifi-y1-6dial", "t5-k2p-1dial",
            "t6-k2p-flowtable", "t7-k2p-ppe", "x86-8dial", "redial-k2p-8dial-ecmp",
            "redial-k2p-8dial-mwan3");
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void shouldValidateEveryShippedScenario(final String name) {
        final Run r = run("validate", scenarios().resolve(name + ".yaml").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("name: '" + name + "'\n");
    }

    @Test
    void shouldShipOnlyTheScenariosItChecks() throws IOException {
        try (Stream<Path> s = Files.list(scenarios())) {
            assertThat(s.map(p -> p.getFileName().toString().replace(".yaml", "")).sorted())
                .containsExactlyElementsOf(shipped().sorted().toList());
        }
    }

    @Test
    void shouldResolveTheShippedScenariosAsTheCalibrationTableSays() throws Exception {
        final ScenarioLoader l = new ScenarioLoader();
        final Scenario t1 = l.load(scenarios().resolve("k2p-8dial.yaml"));
        assertThat(t1.device().preset()).isEqualTo(Preset.K2P);
        assertThat(t1.ipv6()).isTrue();
        assertThat(t1.wan().lines()).isEqualTo(4);
        assertThat(t1.totalDials()).isEqualTo(8);
        assertThat(t1.balancing().mode()).isEqualTo(Scenario.BalancingMode.ECMP);
        assertThat(t1.offload()).isEqualTo(Scenario.Offload.NONE);
        final String t1Text = ScenarioYaml.render(t1);
        final String same = ScenarioYaml.render(l.load(scenarios().resolve("t1-k2p-8dial.yaml")));
        assertThat(same.substring(same.indexOf("description:"))).isEqualTo(t1Text.substring(
            t1Text.indexOf("description:")));
        assertThat(l.load(scenarios().resolve("t2-k2p-8dial-flowtable.yaml")).offload())
            .isEqualTo(Scenario.Offload.FLOWTABLE);
        final Scenario t3 = l.load(scenarios().resolve("t3-k2p-64dial-mwan3.yaml"));
        assertThat(t3.totalDials()).isEqualTo(64);
        assertThat(t3.balancing().mmxMask()).isEqualTo(0xFF00);
        final Scenario t4 = l.load(scenarios().resolve("t4-newifi-y1-6dial.yaml"));
        assertThat(t4.device().profile().name()).isEqualTo("mt7620");
        assertThat(t4.wan().lineRateBps()).isEqualTo(100_000_000L);
        assertThat(t4.totalDials()).isEqualTo(6);
        assertThat(l.load(scenarios().resolve("t5-k2p-1dial.yaml")).totalDials()).isEqualTo(1);
        assertThat(l.load(scenarios().resolve("t6-k2p-flowtable.yaml")).wan().pppoe()).isFalse();
        assertThat(l.load(scenarios().resolve("t7-k2p-ppe.yaml")).offload()).isEqualTo(Scenario.Offload.PPE);
    }

    @Test
    void shouldExitTwoWithOneLineAndNoOutputOnABadScenario() throws IOException {
        final Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, ScenarioLoaderTest.BASE.replace("balancing:", "balancng:"), StandardCharsets.UTF_8);
        final Run r = run("validate", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("pktsim validate: " + bad + ":9:1: unknown key 'balancng' at the top level; "
            + "did you mean 'balancing'?").hasLineCount(1);
    }

    @Test
    void shouldExitTwoWithOneLineOnABadMaxTries() throws IOException {
        final Path bad = tmp.resolve("tries.yaml");
        Files.writeString(bad, ScenarioLoaderTest.BASE.replace("connections: 8", "connections: 8\n      maxTries: -3"),
            StandardCharsets.UTF_8);
        final Run r = run("validate", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("pktsim validate: " + bad + ":15:17: 'workload.apps[0].maxTries' is -3, a "
            + "negative number; expected an integer from 0 to 10000, or none (0 or none: no limit)\n");
        final Path good = tmp.resolve("tries-none.yaml");
        Files.writeString(good, ScenarioLoaderTest.BASE.replace("connections: 8",
            "connections: 8\n      maxTries: none"), StandardCharsets.UTF_8);
        final Run ok = run("validate", good.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("      connectTimeout: 60s\n      maxTries: none\n");
    }

    @Test
    void shouldPrintAResolvedScenarioThatValidatesAgain() throws IOException {
        final Run first = run("validate", scenarios().resolve("k2p-8dial.yaml").toString());
        final Path resolved = tmp.resolve("resolved.yaml");
        Files.writeString(resolved, first.out(), StandardCharsets.UTF_8);
        final Run second = run("validate", resolved.toString());
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out().substring(second.out().indexOf('\n')))
            .isEqualTo(first.out().substring(first.out().indexOf('\n')));
        assertThat(first.out()).contains("  napi:\n    weight: 64\n    netdevBudget: 300\n");
    }

    @Test
    void shouldShowAPresetWithItsPorts() throws Exception {
        final io.pktsim.stack.profile.DeviceProfile p = new io.pktsim.cli.profile.ProfileLoader().load("mt7621");
        final io.pktsim.stack.profile.CostStage rx = io.pktsim.stack.profile.CostStage.DRIVER_RX;
        final Run r = run("show-profile", "k2p");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("# preset k2p: Phicomm K2P: MT7621A, MT7530 switch, 4 LAN + 1 WAN GbE\n"
            + "# ports: 5 at 1gbit (1 LAN, up to 4 WAN lines); profile mt7621");
        assertThat(r.out()).contains("name: 'mt7621'\n", "  clockHz: 880000000\n", "  netdevBudget: 300\n",
            "  driver_rx: {perEvent: " + p.costs().perEvent(rx) + ", perPacket: " + p.costs().perPacket(rx)
                + ", perByte: " + new java.math.BigDecimal(p.costs().perByteMilli(rx)).movePointLeft(3)
                    .stripTrailingZeros().toPlainString() + "}\n");
    }

    @Test
    void shouldShowThePresetsSwitchDrivers() {
        assertThat(run("show-profile", "k2p").out()).contains(
            "\n# switch: swconfig (the default) or dsa ('device.switch' in a scenario)\n");
        assertThat(run("show-profile", "newifi-y1").out()).contains("\n# switch: swconfig (the default) or dsa");
        assertThat(run("show-profile", "x86").out()).contains(
            "\n# switch: none (its ports are NICs; 'device.switch' takes swconfig only)\n");
        assertThat(run("show-profile", "k2p").out()).contains("  dsa: {perEvent: 0, perPacket: 400, perByte: 0}\n");
    }

    @Test
    void shouldExitTwoOnDsaForX86() throws IOException {
        final Path f = tmp.resolve("x86-dsa.yaml");
        Files.writeString(f, ScenarioLoaderTest.BASE.replace("  preset: k2p", "  preset: x86\n  switch: dsa"),
            StandardCharsets.UTF_8);
        final Run r = run("validate", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("pktsim validate: " + f + ":3:11: 'device.switch' is dsa, but preset x86 has "
            + "no switch (its ports are NICs of their own); expected swconfig (the default), or preset k2p or "
            + "newifi-y1\n");
    }

    @Test
    void shouldShowTheX86PresetsRxQueues() {
        final Run r = run("show-profile", "x86");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("  name: 'mlx5_core'\n", "  separateTxNapi: false\n  rxQueues: 4\n");
        assertThat(run("show-profile", "k2p").out()).contains("  rxQueues: 1\n");
    }

    @Test
    void shouldExitTwoOnABadRxQueuesOverride() throws IOException {
        for (final String bad : new String[] {"0", "-2", "5"}) {
            final Path f = tmp.resolve("q" + bad + ".yaml");
            Files.writeString(f, ScenarioLoaderTest.BASE.replace("  preset: k2p",
                "  preset: x86\n  driver:\n    rxQueues: " + bad), StandardCharsets.UTF_8);
            final Run r = run("validate", f.toString());
            assertThat(r.code()).as("rxQueues %s", bad).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).startsWith("pktsim validate: " + f + ":4:").contains("rxQueues").hasLineCount(1);
        }
        // other CPUs than the preset's: mlx5's default stays one channel per CPU
        for (final int cores : new int[] {2, 8}) {
            final Path f = tmp.resolve("cores" + cores + ".yaml");
            Files.writeString(f, ScenarioLoaderTest.BASE.replace("  preset: k2p",
                "  preset: x86\n  cpu: {cores: " + cores + "}"), StandardCharsets.UTF_8);
            final Run r = run("validate", f.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("    rxQueues: " + cores + "\n");
        }
    }

    @Test
    void shouldShowABuiltInProfileByName() {
        final Run r = run("show-profile", "mt7620");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("name: 'mt7620'\n");
    }

    @Test
    void shouldSuggestTheNearestProfileName() {
        final Run r = run("show-profile", "newifi-y2");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("pktsim show-profile: unknown profile 'newifi-y2'; did you mean 'newifi-y1'? "
            + "(known: k2p, newifi-y1, x86, mt7621, mt7620)\n");
    }
}
