package io.pktsim.cli.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import io.pktsim.cli.config.ConfigException;
import io.pktsim.cli.run.ScenarioMapper;
import io.pktsim.cli.scenario.Scenario.BalancingMode;
import io.pktsim.lb.mwan3.Mwan3MarkMask;
import io.pktsim.lb.router.RouterConfig;
import io.pktsim.stack.profile.CostStage;
import org.junit.jupiter.api.Test;

/** The common mistakes in scenario files, one test each, with the exact message. */
class ScenarioLoaderTest {

    /** A minimal valid scenario; the tests replace one line of it. */
    static final String BASE = String.join("\n",
        "device:",
        "  preset: k2p",
        "wan:",
        "  lines: 4",
        "  lineRate: 100mbit",
        "  dialsPerLine: 2",
        "  dialShaping: 50mbit",
        "  rtt: 20ms",
        "balancing:",
        "  mode: ecmp",
        "workload:",
        "  apps:",
        "    - type: downloader",
        "      connections: 8",
        "duration: 1s",
        "");

    private static Scenario parse(final String yaml) throws ConfigException {
        return new ScenarioLoader().parse("s.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    private static String error(final String yaml) {
        try {
            parse(yaml);
        } catch (final ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("no error for:\n" + yaml);
    }

    private static String replace(final String from, final String to) {
        assertThat(BASE).contains(from);
        return BASE.replace(from, to);
    }

    @Test
    void shouldResolveTheBaseWithItsDefaults() throws ConfigException {
        final Scenario s = parse(BASE);
        assertThat(s.name()).isEqualTo("s");
        assertThat(s.device().preset()).isEqualTo(Preset.K2P);
        assertThat(s.device().profile().netdevBudget()).isEqualTo(300);
        assertThat(s.lan()).isEqualTo(new Scenario.Lan(1, 1_000_000_000L, true));
        assertThat(s.wan()).isEqualTo(new Scenario.Wan(4, 2, 100_000_000L, 2, true, 1492, 50_000_000L, 20_000_000L,
            8));
        assertThat(s.totalDials()).isEqualTo(8);
        assertThat(s.balancing()).isEqualTo(new Scenario.Balancing(BalancingMode.ECMP, 1, 0L, 0x3F00, false));
        assertThat(s.firewall()).isEqualTo(new Scenario.Firewall(Scenario.FirewallKind.FW3, 16_384));
        assertThat(s.workload().apps()).containsExactly(new Scenario.App("downloader1", Scenario.AppType.DOWNLOADER,
            Scenario.Direction.DOWNLOAD, 1, 8, "cubic", null, 0L, 0, 0L));
        assertThat(s.durationNs()).isEqualTo(1_000_000_000L);
        assertThat(s.warmUpNs()).isEqualTo(100_000_000L);
        assertThat(s.seed()).isEqualTo(1L);
        assertThat(s.run()).isZero();
        assertThat(s.sha256()).hasSize(64);
    }

    @Test
    void shouldSuggestTheNearestTopLevelKey() {
        assertThat(error(replace("balancing:", "balancng:"))).isEqualTo("s.yaml:9:1: unknown key 'balancng' at the "
            + "top level; did you mean 'balancing'? (known keys: name, description, device, lan, ipv6, wan, "
            + "balancing, offload, firewall, qdisc, workload, duration, warmUp, seed, run, outputs)");
    }

    @Test
    void shouldSuggestTheNearestWanKey() {
        assertThat(error(replace("  dialsPerLine: 2", "  dialPerLine: 2"))).isEqualTo("s.yaml:6:3: unknown key "
            + "'dialPerLine' in 'wan'; did you mean 'dialsPerLine'? (known keys: lines, vlan, lineRate, dialsPerLine, "
            + "pppoe, mtu, dialShaping, rtt, servers, redials)");
    }

    @Test
    void shouldNameTheFirewallKindsAndSuggestTheNearest() throws ConfigException {
        assertThat(parse(BASE + "firewall: {kind: fw3-2019}\n").firewall().kind())
            .isEqualTo(Scenario.FirewallKind.FW3_2019);
        assertThat(error(BASE + "firewall: {kind: fw3-2018}\n"))
            .isEqualTo("s.yaml:16:18: 'firewall.kind' is 'fw3-2018'; expected one of fw3, fw3-2019, fw4 "
                + "(did you mean 'fw3-2019'?)");
    }

    /** A UDP datagram larger than the dials' MTU would not cross the router whole; pktsim does not fragment. */
    @Test
    void shouldRefuseUdpPacketsAboveTheDialMtu() throws Exception {
        final String udp = "    - {type: udp, rate: 10mbit, packetBytes: 1500}";
        final String withUdp = BASE.replace("duration: 1s", "") + udp + "\nduration: 1s\n";
        assertThat(withUdp).contains(udp);
        assertThat(error(withUdp)).contains("'workload.apps[1].packetBytes' is 1500, above the dials' MTU 1492 "
            + "(PPPoE)").endsWith("expected at most 1492");
        assertThat(parse(withUdp.replace("packetBytes: 1500", "packetBytes: 1492")).workload().apps().get(1)
            .packetBytes()).isEqualTo(1492);
    }

    /** {@code device.switch}: swconfig by default on every preset, dsa on the boards with a switch. */
    @Test
    void shouldReadTheSwitchDriver() throws Exception {
        assertThat(parse(BASE).device().profile().dsa()).isFalse();
        assertThat(parse(replace("  preset: k2p", "  preset: k2p\n  switch: swconfig")).device().profile().dsa())
            .isFalse();
        final Scenario k2p = parse(replace("  preset: k2p", "  preset: k2p\n  switch: dsa"));
        assertThat(k2p.device().profile().dsa()).isTrue();
        assertThat(k2p.device().profile().wanOnOwnGmac()).as("the K2P's wan is gmac1").isTrue();
        final Scenario newifi = parse(replace("  preset: k2p", "  preset: newifi-y1\n  switch: dsa")
            .replace("lines: 4", "lines: 1"));
        assertThat(newifi.device().profile().dsa()).isTrue();
        assertThat(newifi.device().profile().wanOnOwnGmac()).as("every MT7620 port is a DSA port").isFalse();
        assertThat(ScenarioMapper.toConfig(k2p, null, null).profile().dsa()).isTrue();
        for (final String preset : new String[] {"k2p", "newifi-y1", "x86"}) {
            final String yaml = replace("  preset: k2p", "  preset: " + preset).replace("lines: 4", "lines: 1");
            assertThat(parse(yaml).device().profile().dsa()).as(preset).isFalse();
            assertThat(ScenarioYaml.render(parse(yaml))).contains("  preset: " + preset + "\n  switch: swconfig\n");
        }
        assertThat(ScenarioYaml.render(k2p)).contains("  preset: k2p\n  switch: dsa\n  cpu:\n");
    }

    @Test
    void shouldRefuseDsaOnABoardWithoutASwitch() {
        assertThat(error(replace("  preset: k2p", "  preset: x86\n  switch: dsa"))).isEqualTo("s.yaml:3:11: "
            + "'device.switch' is dsa, but preset x86 has no switch (its ports are NICs of their own); expected "
            + "swconfig (the default), or preset k2p or newifi-y1");
        assertThat(error(replace("  preset: k2p", "  preset: k2p\n  switch: dsb"))).startsWith("s.yaml:3:11: ")
            .contains("'dsb'").contains("swconfig, dsa");
    }

    /** A driver name a typo away from a modelled driver would silently lose its DIM, PPE hash or RSS. */
    @Test
    void shouldRefuseADriverNameThatLooksLikeATypo() throws Exception {
        assertThat(error(replace("  preset: k2p", "  preset: k2p\n  driver: {name: mtk_eth_sco}")))
            .startsWith("s.yaml:3:")
            .contains("'device.driver.name' is 'mtk_eth_sco'; did you mean 'mtk_eth_soc'?");
        assertThat(error(replace("  preset: k2p", "  preset: k2p\n  driver: {name: mlx5core}")))
            .contains("did you mean 'mlx5_core'?");
        // another NIC's name is allowed: it gets no driver-specific behaviour
        assertThat(parse(replace("  preset: k2p", "  preset: k2p\n  driver: {name: igb}")).device().profile()
            .driverName()).isEqualTo("igb");
    }

    @Test
    void shouldSuggestTheNearestKernelKnob() {
        assertThat(error(replace("  preset: k2p", "  preset: k2p\n  napi: {netdevBuget: 600}")))
            .isEqualTo("s.yaml:3:10: unknown key 'netdevBuget' in 'device.napi'; did you mean 'netdevBudget'? "
                + "(known keys: weight, netdevBudget, netdevBudgetUsecs, devWeight, netdevMaxBacklog, "
                + "groFlushTimeout, groNormalBatch, pppoeGro, groList, udpGroForwarding, napiDeferHardIrqs, threaded, "
                + "rpsCpus, napiCpu, txNapiCpu)");
    }

    @Test
    void shouldTurnOnOpenWrtsPppoeGroOnlyWhenAsked() throws Exception {
        // mainline 6.18 has no GRO handler for PPPoE session frames: off unless the scenario names OpenWrt's
        assertThat(parse(BASE).device().profile().pppoeGro()).isFalse();
        assertThat(parse(replace("  preset: k2p", "  preset: k2p\n  napi: {pppoeGro: true}")).device().profile()
            .pppoeGro()).isTrue();
        assertThat(error(replace("  preset: k2p", "  preset: k2p\n  napi: {pppoeGro: 1}")))
            .startsWith("s.yaml:3:").contains("pppoeGro");
        assertThat(error(replace("  preset: k2p", "  preset: k2p\n  napi: {pppoeGRO: true}")))
            .contains("did you mean 'pppoeGro'?");
    }

    @Test
    void shouldTurnOnFraglistGroOnlyWhenAsked() throws Exception {
        // rx-gro-list is off in mainline 6.18 (NETIF_F_SOFT_FEATURES_OFF); OpenWrt's hack patch turns it on
        assertThat(parse(BASE).device().profile().groList()).isFalse();
        assertThat(parse(replace("  preset: k2p", "  preset: k2p\n  napi: {groList: true}")).device().profile()
            .groList()).isTrue();
        assertThat(error(replace("  preset: k2p", "  preset: k2p\n  napi: {groList: 1}")))
            .startsWith("s.yaml:3:").contains("groList");
        assertThat(error(replace("  preset: k2p", "  preset: k2p\n  napi: {groLists: true}")))
            .contains("did you mean 'groList'?");
    }

    @Test
    void shouldRejectAnRpsMaskNamingACpuTheRouterLacks() {
        assertThat(error(replace("  preset: k2p", "  preset: k2p\n  napi: {rpsCpus: 0x14}")))
            .isEqualTo("s.yaml:3:19: 'device.napi.rpsCpus' is 0x14; expected a mask of CPUs 0 to 3 (at most 0xf)");
        assertThat(error(replace("  preset: k2p", "  preset: k2p\n  napi: {napiCpu: 4}")))
            .isEqualTo("s.yaml:3:19: 'device.napi.napiCpu' is 4; expected a CPU from 0 to 3");
    }

    @Test
    void shouldTakeOpenWrtsPacketSteeringForTheK2pAndLetAScenarioChangeIt() throws ConfigException {
        assertThat(parse(BASE).device().profile().rpsCpus()).isEqualTo(0x4L);
        assertThat(parse(BASE).device().profile().napiCpu()).isZero();
        final Scenario all = parse(replace("  preset: k2p", "  preset: k2p\n  napi: {rpsCpus: 0xf, napiCpu: 1}"));
        assertThat(all.device().profile().rpsCpus()).isEqualTo(0xFL);
        assertThat(all.device().profile().napiCpu()).isEqualTo(1);
        assertThat(parse(replace("  preset: k2p", "  preset: k2p\n  napi: {rpsCpus: 0}")).device().profile().rps())
            .isFalse();
    }

    @Test
    void shouldSuggestThePreset() {
        assertThat(error(replace("preset: k2p", "preset: k2"))).isEqualTo("s.yaml:2:11: 'device.preset' is 'k2'; "
            + "expected one of k2p, newifi-y1, x86 (did you mean 'k2p'?)");
    }

    @Test
    void shouldTakeTheLanBridgeOrRejectANonBoolean() throws ConfigException {
        assertThat(parse(BASE + "lan:\n  bridge: false\n").lan().bridge()).isFalse();
        assertThat(error(BASE + "lan:\n  bridge: br-lan\n")).isEqualTo("s.yaml:17:11: 'lan.bridge' is 'br-lan'; "
            + "expected true or false");
    }

    @Test
    void shouldRejectANegativeRate() {
        assertThat(error(replace("dialShaping: 50mbit", "dialShaping: -50mbit"))).isEqualTo("s.yaml:7:16: "
            + "'wan.dialShaping' is -50mbit, a negative rate; expected a rate such as 100mbit, 1gbit or 500kbit "
            + "(0 for none)");
    }

    @Test
    void shouldRejectARateWithoutUnit() {
        assertThat(error(replace("lineRate: 100mbit", "lineRate: 100"))).isEqualTo("s.yaml:5:13: 'wan.lineRate' is "
            + "'100'; expected a rate such as 100mbit, 1gbit or 500kbit, from 1bit to 100gbit");
    }

    @Test
    void shouldRejectALineFasterThanTheBoardsPorts() {
        assertThat(error(replace("lineRate: 100mbit", "lineRate: 1gbit").replace("preset: k2p", "preset: newifi-y1")))
            .isEqualTo("s.yaml:5:13: 'wan.lineRate' is 1gbit; expected at most 100mbit (the newifi-y1's ports)");
    }

    @Test
    void shouldRejectZeroDials() {
        assertThat(error(replace("dialsPerLine: 2", "dialsPerLine: 0"))).isEqualTo("s.yaml:6:17: 'wan.dialsPerLine' "
            + "is 0; expected an integer from 1 to 100");
    }

    @Test
    void shouldRejectMoreThan100DialsInAll() {
        assertThat(error(replace("dialsPerLine: 2", "dialsPerLine: 30"))).isEqualTo("s.yaml:6:17: "
            + "'wan.dialsPerLine' is 30 with 4 lines: 120 dials in all; expected at most 100 dials in all");
    }

    @Test
    void shouldRejectMoreLinesThanTheBoardHasPorts() {
        assertThat(error(replace("lines: 4", "lines: 5"))).isEqualTo("s.yaml:4:10: 'wan.lines' is 5; expected an "
            + "integer from 1 to 4");
    }

    @Test
    void shouldRejectMwan3BeyondItsMarkMask() {
        assertThat(error(replace("lines: 4", "lines: 2").replace("dialsPerLine: 2", "dialsPerLine: 32")
            .replace("mode: ecmp", "mode: mwan3"))).isEqualTo("s.yaml:10:9: 'balancing.mode' is mwan3 with 64 "
                + "dials, but mwan3's mark mask mmxMask 0x3F00 has 6 bits, which allows at most 60 interfaces "
                + "(2^6 - 1 - 3): the 60-interface limit; expected at most 60 dials, a wider mmxMask, or mode ecmp");
    }

    @Test
    void shouldAcceptMwan3With64DialsAndAWiderMask() throws ConfigException {
        final Scenario s = parse(replace("lines: 4", "lines: 2").replace("dialsPerLine: 2", "dialsPerLine: 32")
            .replace("mode: ecmp", "mode: mwan3\n  mmxMask: 0xFF00"));
        assertThat(s.totalDials()).isEqualTo(64);
        assertThat(s.balancing().mmxMask()).isEqualTo(0xFF00);
    }

    @Test
    void shouldKeepTheOtherModesKnobsSetButUnusedSoOneFileSweepsEveryMode() throws ConfigException {
        // the sysctl is set on a router that balances with mwan3 (the seed's did): no error, and no effect
        final Scenario mwan3 = parse(replace("mode: ecmp", "mode: mwan3\n  fibMultipathHashPolicy: 0"));
        assertThat(mwan3.balancing().mode()).isEqualTo(BalancingMode.MWAN3);
        assertThat(mwan3.balancing().fibMultipathHashPolicy()).isEqualTo(1);
        final Scenario ecmp = parse(replace("mode: ecmp", "mode: ecmp\n  mmxMask: 0xFF00\n  sticky: true"));
        assertThat(ecmp.balancing().mmxMask()).isEqualTo(Mwan3MarkMask.DEFAULT_MASK);
        assertThat(ecmp.balancing().sticky()).isFalse();
        // still checked where they are given
        assertThat(error(replace("mode: ecmp", "mode: mwan3\n  fibMultipathHashPolicy: 4")))
            .startsWith("s.yaml:11:").contains("fibMultipathHashPolicy");
        assertThat(error(replace("mode: ecmp", "mode: ecmp\n  sticky: sometimes")))
            .startsWith("s.yaml:11:").contains("sticky");
    }

    @Test
    void shouldRejectAPppoeMtuAbove1492() {
        assertThat(error(replace("  rtt: 20ms", "  rtt: 20ms\n  mtu: 1500"))).isEqualTo("s.yaml:9:8: "
            + "'wan.mtu' is 1500; expected at most 1492 with PPPoE (1500 - 8 bytes of PPPoE and PPP headers, "
            + "RFC 2516)");
    }

    @Test
    void shouldRejectAnIpv6MtuBelow1280() {
        assertThat(error(replace("  rtt: 20ms", "  rtt: 20ms\n  mtu: 1000\nipv6: true"))).isEqualTo("s.yaml:9:8: "
            + "'wan.mtu' is 1000; expected at least 1280 with ipv6: true (IPv6's minimum link MTU)");
    }

    @Test
    void shouldRejectAnAppWithMoreHostsThanTheLan() {
        assertThat(error(replace("connections: 8", "connections: 8\n      hosts: 3"))).isEqualTo("s.yaml:15:14: "
            + "'workload.apps[0].hosts' is 3; expected at most lan.hosts (1)");
    }

    @Test
    void shouldRejectADurationWithAnUnknownUnit() {
        assertThat(error(replace("duration: 1s", "duration: 10 sec"))).isEqualTo("s.yaml:15:11: 'duration' is "
            + "'10 sec'; expected a duration such as 10s, 250ms, 50us or 100ns, from 1ms to 3600s");
    }

    @Test
    void shouldRequireAWorkload() {
        assertThat(error(BASE.substring(0, BASE.indexOf("workload:")) + "duration: 1s\n")).isEqualTo("s.yaml:1:1: "
            + "missing key 'workload'; expected a mapping");
    }

    @Test
    void shouldSuggestTheAppType() {
        assertThat(error(replace("type: downloader", "type: downloder"))).isEqualTo("s.yaml:13:13: "
            + "'workload.apps[0].type' is 'downloder'; expected one of browser, downloader, p2p, speedtest, udp "
            + "(did you mean 'downloader'?)");
    }

    @Test
    void shouldRejectAKeyOfAnotherAppType() {
        assertThat(error(replace("connections: 8", "connections: 8\n      pattern: cbr"))).isEqualTo("s.yaml:15:7: "
            + "'workload.apps[0].pattern' applies to type udp only; this app's type is downloader");
    }

    @Test
    void shouldRejectBadYaml() {
        assertThat(error("device: [k2p\n")).isEqualTo("s.yaml:2:1: not valid YAML: expected ',' or ']', but got"
            + " <stream end> (while parsing a flow sequence that starts at line 1, column 9)");
    }

    @Test
    void shouldApplyProfileOverridesOnTopOfThePreset() throws ConfigException {
        final Scenario s = parse(replace("  preset: k2p", "  preset: k2p\n  napi: {netdevBudget: 600, groNormalBatch:"
            + " 16}\n  costs: {gro: {perPacket: 900}}"));
        assertThat(s.device().profile().netdevBudget()).isEqualTo(600);
        assertThat(s.device().profile().devWeight()).isEqualTo(64);
        assertThat(s.device().profile().groNormalBatch()).isEqualTo(16);
        assertThat(s.device().profile().costs().perPacket(io.pktsim.stack.profile.CostStage.GRO)).isEqualTo(900L);
        assertThat(s.device().profile().costs().perPacket(io.pktsim.stack.profile.CostStage.FIB)).isEqualTo(1100L);
        assertThat(s.device().profile().clockHz()).isEqualTo(880_000_000L);
    }

    /**
     * Knobs the router engine does not model are refused unless they keep the preset's value (which is what
     * {@code pktsim validate} prints), so that a scenario never sets one that silently changes nothing.
     */
    @Test
    void shouldRefuseKnobsTheRouterEngineDoesNotModel() throws ConfigException {
        assertThat(error(replace("  preset: k2p", "  preset: k2p\n  napi: {devWeight: 32}")))
            .startsWith("s.yaml:3:21: 'device.napi.devWeight' is 32, but pktsim run does not model dev_weight")
            .endsWith("expected the preset's 64, or leave the key out");
        assertThat(error(replace("  preset: k2p", "  preset: k2p\n  driver: {txRingSlots: 512}")))
            .contains("'device.driver.txRingSlots' is 512").contains("expected the preset's 2048");
        assertThat(error(replace("  preset: k2p", "  preset: k2p\n  driver: {sharedIrq: false}")))
            .contains("'device.driver.sharedIrq' is false").contains("expected the preset's true");
        assertThat(error(replace("  preset: k2p", "  preset: k2p\n  costs: {net_rx_action: {perEvent: 5}}")))
            .startsWith("s.yaml:3:")
            .contains("'device.costs.net_rx_action' changes a cost pktsim run does not charge");
        assertThat(error(replace("  preset: k2p", "  preset: k2p\n  costs: {raw_drop: {perPacket: 5}}")))
            .contains("'device.costs.raw_drop' changes a cost pktsim run does not charge");
        // the preset's own values are accepted (a validated scenario reads back), and the other knobs stay free
        final Scenario same = parse(replace("  preset: k2p", "  preset: k2p\n  napi: {devWeight: 64, "
            + "groFlushTimeout: 0ns, napiDeferHardIrqs: 0}\n  driver: {txRingSlots: 2048, sharedIrq: true}"));
        assertThat(same.device().profile().devWeight()).isEqualTo(64);
    }

    /**
     * {@code napi_defer_hard_irqs}, {@code gro_flush_timeout} and the {@code hrtimer} cost of their timer are the
     * engine's ({@code napi_complete_done} and {@code napi_watchdog}): a scenario may set them.
     */
    @Test
    void shouldAcceptTheNapiDeferralKnobs() throws ConfigException {
        final Scenario s = parse(replace("  preset: k2p", "  preset: k2p\n  napi: {napiDeferHardIrqs: 2, "
            + "groFlushTimeout: 200us}\n  costs: {hrtimer: {perEvent: 1200}}"));
        assertThat(s.device().profile().napiDeferHardIrqs()).isEqualTo(2);
        assertThat(s.device().profile().groFlushTimeoutNs()).isEqualTo(200_000L);
        assertThat(s.device().profile().costs().perEvent(CostStage.HRTIMER)).isEqualTo(1200L);
    }

    @Test
    void shouldRenderAScenarioThatResolvesToItself() throws ConfigException {
        final String once = ScenarioYaml.render(parse(BASE));
        final String twice = ScenarioYaml.render(new ScenarioLoader().parse("s.yaml",
            once.getBytes(StandardCharsets.UTF_8)));
        assertThat(twice.substring(twice.indexOf('\n'))).isEqualTo(once.substring(once.indexOf('\n')));
    }

    /** BASE with {@code redials} under {@code wan} (8 dials; the run ends at 1.1s: warm-up 100ms + 1s). */
    private static String redials(final String... items) {
        return replace("  rtt: 20ms", "  rtt: 20ms\n  redials:\n" + String.join("\n", items));
    }

    @Test
    void shouldLoadRedialsAndATimeoutIntoTheEnginesConfig() throws ConfigException {
        final Scenario s = parse(redials("    - {dial: 3, at: 200ms, down: 300ms}", "    - dial: 3",
            "      at: 500ms", "      down: 2s").replace("connections: 8", "connections: 8\n      timeout: 1.5s"));
        assertThat(s.wan().redials()).containsExactly(new Scenario.Redial(3, 200_000_000L, 300_000_000L),
            new Scenario.Redial(3, 500_000_000L, 2_000_000_000L));
        assertThat(s.workload().apps().get(0).timeoutNs()).isEqualTo(1_500_000_000L);
        final RouterConfig c = ScenarioMapper.toConfig(s, null, null);
        assertThat(c.wan().redials()).containsExactly(new RouterConfig.Redial(3, 200_000_000L, 300_000_000L),
            new RouterConfig.Redial(3, 500_000_000L, 2_000_000_000L));
        assertThat(c.workload().get(0).idleTimeoutNs()).isEqualTo(1_500_000_000L);
    }

    @Test
    void shouldDefaultToNoRedialsAndTheTypesTimeout() throws ConfigException {
        final Scenario s = parse(BASE);
        assertThat(s.wan().redials()).isEmpty();
        assertThat(s.workload().apps().get(0).timeoutNs()).isEqualTo(60_000_000_000L);
        final String apps = String.join("\n", "workload:", "  apps:", "    - type: browser", "    - type: p2p",
            "    - type: speedtest", "    - {type: udp, rate: 1mbit}", "    - {type: downloader, timeout: 0s}", "");
        final Scenario all = parse(BASE.substring(0, BASE.indexOf("workload:")) + apps + "duration: 1s\n");
        assertThat(all.workload().apps()).extracting(Scenario.App::timeoutNs).containsExactly(300_000_000_000L,
            120_000_000_000L, 0L, 0L, 0L);
        assertThat(ScenarioMapper.toConfig(all, null, null).workload()).extracting(RouterConfig.App::idleTimeoutNs)
            .containsExactly(300_000_000_000L, 120_000_000_000L, 0L, 0L, 0L);
        assertThat(ScenarioYaml.render(all)).contains("      congestionControl: cubic\n      timeout: 300s\n",
            "  servers: 8\n  redials: []\n");
    }

    @Test
    void shouldRenderRedialsThatResolveToThemselves() throws ConfigException {
        final String once = ScenarioYaml.render(parse(redials("    - {dial: 7, at: 0s, down: 1ms}",
            "    - {dial: 0, at: 1s, down: 10s}")));
        assertThat(once).contains("  servers: 8\n  redials:\n    - dial: 7\n      at: 0ns\n      down: 1ms\n"
            + "    - dial: 0\n      at: 1s\n      down: 10s\nbalancing:\n");
        final String twice = ScenarioYaml.render(new ScenarioLoader().parse("s.yaml",
            once.getBytes(StandardCharsets.UTF_8)));
        assertThat(twice.substring(twice.indexOf('\n'))).isEqualTo(once.substring(once.indexOf('\n')));
    }

    @Test
    void shouldRejectARedialOfADialTheScenarioLacks() {
        assertThat(error(redials("    - {dial: 8, at: 200ms, down: 300ms}"))).isEqualTo("s.yaml:10:14: "
            + "'wan.redials[0].dial' is 8; expected 0 to 7: the scenario has 8 dials (4 lines x 2 dials per line, "
            + "counted line by line from 0)");
        assertThat(error(redials("    - {dial: -1, at: 200ms, down: 300ms}"))).isEqualTo("s.yaml:10:14: "
            + "'wan.redials[0].dial' is -1; expected 0 to 7: the scenario has 8 dials (4 lines x 2 dials per line, "
            + "counted line by line from 0)");
        assertThat(error(redials("    - {dial: 0, at: 200ms, down: 300ms}").replace("lines: 4", "lines: 1")
            .replace("dialsPerLine: 2", "dialsPerLine: 1").replace("{dial: 0", "{dial: 1"))).isEqualTo(
                "s.yaml:10:14: 'wan.redials[0].dial' is 1; expected 0 to 0: the scenario has 1 dial (1 line x 1 dial "
                + "per line, counted line by line from 0)");
    }

    @Test
    void shouldRejectARedialThatIsNeverDown() {
        assertThat(error(redials("    - {dial: 1, at: 200ms, down: 0s}"))).isEqualTo("s.yaml:10:34: "
            + "'wan.redials[0].down' is 0s; expected a duration such as 10s, 250ms, 50us or 100ns, from 1ms to 3600s");
        assertThat(error(redials("    - {dial: 1, at: 200ms, down: -1s}"))).isEqualTo("s.yaml:10:34: "
            + "'wan.redials[0].down' is -1s, a negative duration; expected a duration from 1ms to 3600s");
        assertThat(error(redials("    - {dial: 1, at: 200ms}"))).isEqualTo("s.yaml:10:7: missing key "
            + "'wan.redials[0].down'; expected a duration such as 10s, 250ms, 50us or 100ns, from 1ms to 3600s");
    }

    @Test
    void shouldRejectARedialAtOrAfterTheRunsEnd() throws ConfigException {
        assertThat(error(redials("    - {dial: 1, at: 1100ms, down: 1s}"))).isEqualTo("s.yaml:10:21: "
            + "'wan.redials[0].at' is 1100ms; expected before the end of the run, 1100ms (warmUp 100ms + duration 1s)");
        assertThat(parse(redials("    - {dial: 1, at: 1099ms, down: 3600s}")).wan().redials())
            .hasSize(1);
    }

    @Test
    void shouldRejectAnAppThatStartsAtOrAfterTheRunsEnd() throws ConfigException {
        // found by the bad-input fuzzer: such an app was accepted and sent nothing
        final String late = replace("      connections: 8\n", "      connections: 8\n      start: 1100ms\n");
        assertThat(error(late)).isEqualTo("s.yaml:15:14: 'workload.apps[0].start' is 1100ms; expected before the end "
            + "of the run, 1100ms (warmUp 100ms + duration 1s): an app that starts at the end or later sends nothing");
        assertThat(parse(late.replace("1100ms", "1099ms")).workload().apps().get(0).startNs())
            .isEqualTo(1_099_000_000L);
    }

    @Test
    void shouldRejectAKeyWrittenWithNullInsteadOfTakingItsDefault() {
        // found by the bad-input fuzzer: 'lines: ~' and 'connections: null' were the defaults (1 line, 6 connections)
        assertThat(error(replace("  lines: 4", "  lines: ~"))).isEqualTo("s.yaml:4:10: 'wan.lines' has no value "
            + "(null); expected a value, or leave the key out for its default");
        assertThat(error(replace("      connections: 8", "      connections: null"))).isEqualTo("s.yaml:14:20: "
            + "'workload.apps[0].connections' has no value (null); expected a value, or leave the key out for its "
            + "default");
        assertThat(error(replace("balancing:\n  mode: ecmp", "balancing: ~"))).isEqualTo("s.yaml:9:12: "
            + "'balancing' has no value (null); expected a value, or leave the key out for its default");
    }

    @Test
    void shouldRejectTwoAppsOfOneName() throws ConfigException {
        // found by the bad-input fuzzer: two apps named 'a' gave flows no one could tell apart in the JSON
        final String two = replace("      connections: 8\n", "      connections: 8\n      name: a\n"
            + "    - {type: browser, name: a}\n");
        assertThat(error(two)).isEqualTo("s.yaml:16:29: 'workload.apps[1].name' is 'a', the name of "
            + "workload.apps[0] too; expected a name of its own (it tells the apps' flows apart in the JSON)");
        assertThat(error(replace("      connections: 8\n", "      connections: 8\n    - {type: browser, name: "
            + "downloader1}\n"))).contains("'workload.apps[1].name' is 'downloader1', the name of workload.apps[0]");
        assertThat(parse(two.replace("name: a}", "name: b}")).workload().apps()).hasSize(2);
    }

    @Test
    void shouldRejectMoreFlowsThanTheEngineTakes() throws ConfigException {
        // found by the bad-input fuzzer: validate accepted 4096 hosts x 4096 connections; run then failed (exit 1)
        final String many = replace("device:", "lan: {hosts: 4096}\ndevice:")
            .replace("      connections: 8\n", "      connections: 256\n      hosts: 4096\n"
                + "    - {type: udp, rate: 1mbit, hosts: 1, flows: 1}\n");
        assertThat(error(many)).isEqualTo("s.yaml:17:7: 'workload.apps[1]' (1 hosts x 1 connections, peers or flows) "
            + "brings the workload to 1048577 flows; expected at most 1048576 in all (the engine's limit)");
        assertThat(parse(many.replace("    - {type: udp, rate: 1mbit, hosts: 1, flows: 1}\n", "")).workload().apps())
            .as("4096 x 256 = 1048576 flows").hasSize(1);
    }

    @Test
    void shouldRejectThePpeOnADeviceWithoutOne() throws ConfigException {
        // found by the bad-input fuzzer: offload ppe on the x86 or the Newifi ran the MT7621's PPE on them
        assertThat(error(replace("preset: k2p", "preset: x86") + "offload: ppe\n")).isEqualTo("s.yaml:16:10: "
            + "'offload' is ppe, but the device's driver is mlx5_core (preset x86): the PPE (HWNAT, mtk_ppe) is the "
            + "MT7621's, driver mtk_eth_soc; expected none or flowtable, or preset k2p");
        assertThat(error(replace("preset: k2p", "preset: newifi-y1").replace("100mbit", "50mbit")
            .replace("50mbit\n  rtt", "20mbit\n  rtt") + "offload: ppe\n"))
            .contains("'offload' is ppe, but the device's driver is mtk_soc_eth (preset newifi-y1)");
        assertThat(parse(BASE + "offload: ppe\n").offload()).isEqualTo(Scenario.Offload.PPE);
    }

    @Test
    void shouldRejectOverlappingRedialsOfOneDial() throws ConfigException {
        assertThat(error(redials("    - {dial: 3, at: 200ms, down: 300ms}", "    - {dial: 3, at: 400ms, down: 1s}")))
            .isEqualTo("s.yaml:11:21: 'wan.redials[1].at' is 400ms, but dial 3 is still down until 500ms "
                + "(wan.redials[0]: at 200ms, down 300ms); expected at least 500ms: the redials of one dial must not "
                + "overlap");
        assertThat(error(redials("    - {dial: 3, at: 400ms, down: 300ms}", "    - {dial: 3, at: 200ms, down: 1s}")))
            .isEqualTo("s.yaml:10:21: 'wan.redials[0].at' is 400ms, but dial 3 is still down until 1200ms "
                + "(wan.redials[1]: at 200ms, down 1s); expected at least 1200ms: the redials of one dial must not "
                + "overlap");
        assertThat(parse(redials("    - {dial: 3, at: 200ms, down: 300ms}", "    - {dial: 3, at: 500ms, down: 1s}",
            "    - {dial: 4, at: 200ms, down: 1s}")).wan().redials()).hasSize(3);
    }

    @Test
    void shouldSuggestTheNearestRedialKey() {
        assertThat(error(redials("    - dial: 3", "      at: 400ms", "      dwn: 300ms"))).isEqualTo("s.yaml:12:7: "
            + "unknown key 'dwn' in 'wan.redials[0]'; did you mean 'down'? (known keys: dial, at, down)");
        assertThat(error(replace("  rtt: 20ms", "  rtt: 20ms\n  redial: []"))).startsWith("s.yaml:9:3: unknown key "
            + "'redial' in 'wan'; did you mean 'redials'?");
    }

    @Test
    void shouldRejectATimeoutOnAUdpApp() {
        assertThat(error(replace("    - type: downloader\n      connections: 8",
            "    - {type: udp, rate: 1mbit, timeout: 10s}"))).isEqualTo("s.yaml:13:32: 'workload.apps[0].timeout' "
                + "applies to type browser, downloader, p2p or speedtest only; this app's type is udp");
    }

    @Test
    void shouldRejectANegativeOrTooLongTimeout() {
        assertThat(error(replace("connections: 8", "connections: 8\n      timeout: -10s"))).isEqualTo("s.yaml:15:16: "
            + "'workload.apps[0].timeout' is -10s, a negative duration; expected a duration from 0ns to 3600s");
        assertThat(error(replace("connections: 8", "connections: 8\n      timeout: 3601s"))).isEqualTo(
            "s.yaml:15:16: 'workload.apps[0].timeout' is 3601s; expected a duration such as 10s, 250ms, 50us or "
                + "100ns, from 0ns to 3600s");
    }

    @Test
    void shouldLoadTheTypesConnectTimeoutsAnOverrideAndNone() throws ConfigException {
        final String apps = String.join("\n", "workload:", "  apps:", "    - type: browser", "    - type: p2p",
            "    - type: speedtest", "    - {type: udp, rate: 1mbit}", "    - type: downloader",
            "    - {type: downloader, connectTimeout: 20s}", "    - {type: p2p, connectTimeout: none}",
            "    - {type: browser, connectTimeout: 0}", "");
        final Scenario all = parse(BASE.substring(0, BASE.indexOf("workload:")) + apps + "duration: 1s\n");
        final long s = 1_000_000_000L;
        assertThat(all.workload().apps()).extracting(Scenario.App::connectTimeoutNs).containsExactly(90 * s, 15 * s,
            0L, 0L, 60 * s, 20 * s, 0L, 0L);
        assertThat(ScenarioMapper.toConfig(all, null, null).workload())
            .extracting(RouterConfig.App::connectTimeoutNs)
            .containsExactly(90 * s, 15 * s, 0L, 0L, 60 * s, 20 * s, 0L, 0L);
        final String rendered = ScenarioYaml.render(all);
        assertThat(rendered).contains("      timeout: 300s\n      connectTimeout: 90s\n",
            "      timeout: 0ns\n      connectTimeout: none\n", "      timeout: 60s\n      connectTimeout: 20s\n");
        assertThat(parse(rendered).workload()).isEqualTo(all.workload());
    }

    @Test
    void shouldRejectABadConnectTimeout() {
        assertThat(error(replace("connections: 8", "connections: 8\n      connectTimeout: -5s"))).isEqualTo(
            "s.yaml:15:23: 'workload.apps[0].connectTimeout' is -5s, a negative duration; expected a duration such "
                + "as 60s or 15s, from 0ns to 3600s, or none (0 or none: only the kernel's connect timeout, 131 s)");
        assertThat(error(replace("connections: 8", "connections: 8\n      connectTimeout: never"))).isEqualTo(
            "s.yaml:15:23: 'workload.apps[0].connectTimeout' is 'never'; expected a duration such as 60s or 15s, "
                + "from 0ns to 3600s, or none (0 or none: only the kernel's connect timeout, 131 s)");
        assertThat(error(replace("connections: 8", "connections: 8\n      connectTimeout: 60"))).startsWith(
            "s.yaml:15:23: 'workload.apps[0].connectTimeout' is '60'; expected a duration such as 60s");
        assertThat(error(replace("connections: 8", "connections: 8\n      connectTimeout: 3601s"))).isEqualTo(
            "s.yaml:15:23: 'workload.apps[0].connectTimeout' is 3601s; expected a duration such as 60s or 15s, "
                + "from 0ns to 3600s, or none (0 or none: only the kernel's connect timeout, 131 s)");
        assertThat(error(replace("    - type: downloader\n      connections: 8",
            "    - {type: udp, rate: 1mbit, connectTimeout: 10s}"))).isEqualTo("s.yaml:13:32: "
                + "'workload.apps[0].connectTimeout' applies to type browser, downloader, p2p or speedtest only; this "
                + "app's type is udp");
        assertThat(error(replace("connections: 8", "connections: 8\n      conectTimeout: 10s"))).startsWith(
            "s.yaml:15:7: unknown key 'conectTimeout' in 'workload.apps[0]'; did you mean 'connectTimeout'?");
    }

    @Test
    void shouldLoadTheTypesTryLimitsAnOverrideAndNone() throws ConfigException {
        final String apps = String.join("\n", "workload:", "  apps:", "    - type: downloader", "    - type: p2p",
            "    - type: browser", "    - type: speedtest", "    - {type: udp, rate: 1mbit}",
            "    - {type: downloader, maxTries: 1}", "    - {type: downloader, maxTries: none}",
            "    - {type: p2p, maxTries: 31}", "    - {type: p2p, maxTries: 0}", "");
        final Scenario all = parse(BASE.substring(0, BASE.indexOf("workload:")) + apps + "duration: 1s\n");
        assertThat(all.workload().apps()).extracting(Scenario.App::maxTries).containsExactly(5, 3, 0, 0, 0, 1, 0, 31,
            0);
        assertThat(ScenarioMapper.toConfig(all, null, null).workload()).extracting(RouterConfig.App::maxTries)
            .containsExactly(5, 3, 0, 0, 0, 1, 0, 31, 0);
        final String rendered = ScenarioYaml.render(all);
        assertThat(rendered).contains("      connectTimeout: 60s\n      maxTries: 5\n",
            "      connectTimeout: 15s\n      maxTries: 3\n", "      maxTries: 1\n", "      maxTries: none\n",
            "      maxTries: 31\n");
        assertThat(rendered.split("maxTries", -1)).as("downloader and p2p only").hasSize(7);
        assertThat(parse(rendered).workload()).isEqualTo(all.workload());
    }

    @Test
    void shouldRejectABadMaxTries() {
        assertThat(error(replace("connections: 8", "connections: 8\n      maxTries: -1"))).isEqualTo(
            "s.yaml:15:17: 'workload.apps[0].maxTries' is -1, a negative number; expected an integer from 0 to 10000, "
                + "or none (0 or none: no limit)");
        assertThat(error(replace("connections: 8", "connections: 8\n      maxTries: never"))).isEqualTo(
            "s.yaml:15:17: 'workload.apps[0].maxTries' is 'never'; expected an integer from 0 to 10000, or none (0 or "
                + "none: no limit)");
        assertThat(error(replace("connections: 8", "connections: 8\n      maxTries: 2.5"))).startsWith(
            "s.yaml:15:17: 'workload.apps[0].maxTries' is '2.5'; expected an integer from 0 to 10000");
        assertThat(error(replace("connections: 8", "connections: 8\n      maxTries: 10001"))).isEqualTo(
            "s.yaml:15:17: 'workload.apps[0].maxTries' is 10001; expected an integer from 0 to 10000, or none (0 or "
                + "none: no limit)");
        assertThat(error(replace("    - type: downloader\n      connections: 8",
            "    - {type: p2p, maxTries: 32}"))).isEqualTo("s.yaml:13:29: 'workload.apps[0].maxTries' is 32; "
                + "expected an integer from 0 to 31, or none (0 or none: no limit); libtorrent's failcount stops at "
                + "31");
        assertThat(error(replace("    - type: downloader\n      connections: 8",
            "    - {type: browser, maxTries: 3}"))).isEqualTo("s.yaml:13:23: "
                + "'workload.apps[0].maxTries' applies to type downloader or p2p only; this app's type is browser");
        assertThat(error(replace("    - type: downloader\n      connections: 8",
            "    - {type: udp, rate: 1mbit, maxTries: 3}"))).isEqualTo("s.yaml:13:32: "
                + "'workload.apps[0].maxTries' applies to type downloader or p2p only; this app's type is udp");
        assertThat(error(replace("connections: 8", "connections: 8\n      maxTrys: 3"))).startsWith(
            "s.yaml:15:7: unknown key 'maxTrys' in 'workload.apps[0]'; did you mean 'maxTries'?");
    }

    @Test
    void shouldNameAMissingFile() {
        assertThatThrownBy(() -> new ScenarioLoader().load(java.nio.file.Path.of("no/such.yaml")))
            .hasMessage("no/such.yaml: no such file");
    }
}
