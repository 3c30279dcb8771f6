package io.pktsim.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.pktsim.cli.config.ConfigException;
import io.pktsim.cli.scenario.Scenario;
import io.pktsim.cli.scenario.ScenarioLoader;
import io.pktsim.lb.router.RouterConfig;
import org.junit.jupiter.api.Test;

/** Every scenario key lands on its engine field. */
class ScenarioMapperTest {

    private static RouterConfig map(final String yaml) throws ConfigException {
        final Scenario s = new ScenarioLoader().parse("s.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        return ScenarioMapper.toConfig(s, Path.of("pcaps"), Path.of("trace.jsonl"));
    }

    @Test
    void shouldMapMwan3UdpUploadAndTheOtherChoices() throws ConfigException {
        final RouterConfig c = map(String.join("\n",
            "device: {preset: newifi-y1, napi: {netdevBudget: 64}}",
            "lan: {hosts: 3, portRate: 100mbit}",
            "wan: {lines: 2, lineRate: 100mbit, dialsPerLine: 3, pppoe: false, mtu: 1400, dialShaping: 20mbit,"
                + " rtt: 35ms, servers: 5}",
            "balancing: {mode: mwan3, mmxMask: 0xFF00, sticky: true}",
            "offload: flowtable",
            "firewall: {kind: fw4, conntrackMax: 4096}",
            "qdisc: pfifo_fast",
            "workload:",
            "  apps:",
            "    - {type: udp, pattern: poisson, rate: 2mbit, flows: 4, hosts: 2, direction: upload, start: 5ms}",
            "    - {type: udp, pattern: onoff, rate: 1mbit, packetBytes: 500}",
            "    - {type: udp, rate: 1mbit}",
            "    - {type: p2p, peers: 10, congestionControl: newreno}",
            "    - {type: browser, hosts: 3}",
            "duration: 300ms",
            "warmUp: 0s",
            "seed: 42",
            "run: 2",
            ""));
        assertThat(c.profile().name()).isEqualTo("mt7620");
        assertThat(c.profile().netdevBudget()).isEqualTo(64);
        assertThat(c.lan()).isEqualTo(new RouterConfig.Lan(3, 100_000_000L, true));
        assertThat(c.wan()).isEqualTo(new RouterConfig.Wan(2, 3, 100_000_000L, 20_000_000L, false, 1400,
            35_000_000L, 5));
        assertThat(c.ipv6()).isFalse();
        assertThat(c.balancing()).isEqualTo(new RouterConfig.Balancing(RouterConfig.BalanceMode.MWAN3, 1, 0L, true,
            0xFF00));
        assertThat(c.offload()).isEqualTo(RouterConfig.OffloadMode.FLOWTABLE);
        assertThat(c.firewall()).isEqualTo(new RouterConfig.Firewall(RouterConfig.FirewallKind.FW4, 4096));
        assertThat(c.qdisc()).isEqualTo(RouterConfig.QdiscKind.PFIFO_FAST);
        assertThat(c.workload()).containsExactly(
            new RouterConfig.App(RouterConfig.AppKind.UDP_POISSON, 2, 4, RouterConfig.Direction.UPLOAD,
                RouterConfig.CongestionControl.CUBIC, 2_000_000L, 1200, 5_000_000L),
            new RouterConfig.App(RouterConfig.AppKind.UDP_ONOFF, 1, 1, RouterConfig.Direction.DOWNLOAD,
                RouterConfig.CongestionControl.CUBIC, 1_000_000L, 500, 0L),
            new RouterConfig.App(RouterConfig.AppKind.UDP_CBR, 1, 1, RouterConfig.Direction.DOWNLOAD,
                RouterConfig.CongestionControl.CUBIC, 1_000_000L, 1200, 0L),
            new RouterConfig.App(RouterConfig.AppKind.P2P, 1, 10, RouterConfig.Direction.DOWNLOAD,
                RouterConfig.CongestionControl.NEWRENO, 0L, 0, 0L),
            new RouterConfig.App(RouterConfig.AppKind.BROWSER, 3, 6, RouterConfig.Direction.DOWNLOAD,
                RouterConfig.CongestionControl.CUBIC, 0L, 0, 0L));
        assertThat(c.durationNs()).isEqualTo(300_000_000L);
        assertThat(c.warmupNs()).isZero();
        assertThat(c.totalNs()).isEqualTo(300_000_000L);
        assertThat(c.seed()).isEqualTo(42L);
        assertThat(c.run()).isEqualTo(2L);
        assertThat(c.outputs()).isEqualTo(new RouterConfig.Outputs(Path.of("pcaps"), Path.of("trace.jsonl")));
        assertThat(c.dials()).isEqualTo(6);
    }

    @Test
    void shouldMapEachFirewallKind() throws ConfigException {
        final String base = "device: {preset: k2p}\nwan: {lines: 1, dialsPerLine: 2}\n"
            + "workload: {apps: [{type: speedtest}]}\n";
        assertThat(map(base).firewall().kind()).isEqualTo(RouterConfig.FirewallKind.FW3);
        assertThat(map(base + "firewall: {kind: fw3}\n").firewall().kind()).isEqualTo(RouterConfig.FirewallKind.FW3);
        assertThat(map(base + "firewall: {kind: fw3-2019}\n").firewall().kind())
            .isEqualTo(RouterConfig.FirewallKind.FW3_2019);
        assertThat(map(base + "firewall: {kind: fw4}\n").firewall().kind()).isEqualTo(RouterConfig.FirewallKind.FW4);
        // the PPE is the K2P's (the newifi-y1 above has none)
        assertThat(map(base + "offload: ppe\n").offload()).isEqualTo(RouterConfig.OffloadMode.PPE);
    }

    @Test
    void shouldMapNoneAndPerPacketWithoutEcmpKnobs() throws ConfigException {
        final String base = "device: {preset: x86}\nwan: {lines: 8, dialsPerLine: 2}\nworkload: {apps: [{type: "
            + "speedtest}]}\nbalancing: {mode: ";
        assertThat(map(base + "none}\n").balancing().mode()).isEqualTo(RouterConfig.BalanceMode.NONE);
        assertThat(map(base + "per-packet}\n").balancing().mode()).isEqualTo(RouterConfig.BalanceMode.PER_PACKET);
        assertThat(map(base + "ecmp, fibMultipathHashPolicy: 0, fibMultipathHashSeed: 0x1234}\n").balancing())
            .isEqualTo(new RouterConfig.Balancing(RouterConfig.BalanceMode.ECMP, 0, 0x1234L, false, 0x3F00));
        assertThat(map(base + "none}\n").dials()).isEqualTo(16);
    }
}
