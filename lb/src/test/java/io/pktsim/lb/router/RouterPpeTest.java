package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.pktsim.core.test.AllocationMeter;
import io.pktsim.nic.ppe.PpeConfig;
import io.pktsim.nic.ppe.PpeFlowTable;

/**
 * The router engine's PPE is {@link PpeFlowTable}, offered each direction of a flow the flowtable takes, as
 * {@code flow_offload_rule_add} offers the original and then the reply direction to the driver
 * (net/netfilter/nf_flow_table_offload.c, 6.18) and fails only if no direction was accepted. A macvlan dial
 * therefore loses only its upload direction ({@code mtk_flow_set_output_device}: the forward path ends on the
 * macvlan, -EOPNOTSUPP); its download direction binds like a direct dial's.
 */
class RouterPpeTest {
    private static final long MBIT = RouterFixtures.MBIT;

    /**
     * One UDP download of 1000 packets/s (1000-byte datagrams at 8 Mbit/s) from one host, 300 ms, no warm-up. The
     * engine's UDP exchange opens with a handshake of datagrams: the host's first (slow path, conntrack NEW), the
     * server's answer (ESTABLISHED: the flowtable takes the flow on the slow path and offers both directions to
     * the PPE) and the host's second (flowtable fast path); then the server streams. Download datagrams 2 to 30
     * take the fast path on the CPU; the 30th reaches the bind rate (30 in a second), the poll's check binds the
     * download direction, and every later download datagram is forwarded by the PPE (1 ms apart, the bind is in
     * place before the next one arrives).
     */
    private static RouterConfig udpDownload(final int dialsPerLine, final boolean ipv6) {
        return new RouterConfig(RouterFixtures.mt7621Like(), new RouterConfig.Lan(8, 1_000_000_000L),
                new RouterConfig.Wan(1, dialsPerLine, 100 * MBIT, 0, true, 1492, 20_000_000L, 16), ipv6,
                RouterConfig.Balancing.none(), RouterConfig.OffloadMode.PPE,
                new RouterConfig.Firewall(RouterConfig.FirewallKind.FW3, 16384), RouterConfig.QdiscKind.FQ_CODEL,
                List.of(RouterFixtures.udp(1, 1, 8 * MBIT, 1000)), 300_000_000L, 0L, 3, 0,
                RouterConfig.Outputs.NONE);
    }

    private static long value(final List<RouterResults.Count> counts, final String name) {
        for (RouterResults.Count c : counts) {
            if (c.name().equals(name)) {
                return c.value();
            }
        }
        throw new AssertionError("no counter " + name + " in " + counts);
    }

    @Test
    void shouldBindTheDownloadDirectionOfAMacvlanDialAndKeepItsUploadOnTheCpu() {
        final RouterSimulation sim = new RouterSimulation(udpDownload(2, false));
        final RouterResults r = sim.run(ProgressListener.NONE);
        assertThat(sim.flowOffloaded(0)).isTrue();
        assertThat(sim.flowPpeId(0, 0)).as("upload: the egress is a macvlan").isEqualTo(PpeFlowTable.EOPNOTSUPP_EGRESS);
        assertThat(sim.flowPpeId(0, 1)).as("download: the egress is eth0.1").isNotNegative();
        assertThat(sim.flowPpeBound(0, 0)).isFalse();
        assertThat(sim.flowPpeBound(0, 1)).isTrue();
        assertThat(value(r.ppe(), "refused_egress")).isEqualTo(1);
        assertThat(value(r.ppe(), "bound")).isEqualTo(1);
        assertThat(value(r.ppe(), "entries")).isEqualTo(1);
        assertThat(value(r.ppe(), "rate_reached")).isEqualTo(1);
        assertThat(value(r.ppe(), "check_no_flow")).isZero();
        // Through the CPU: the host's 2 datagrams and the server's first 30; on the flowtable's fast path the
        // host's second and the server's 2nd to 30th.
        assertThat(value(r.ppe(), "to_cpu")).isEqualTo(32);
        assertThat(value(r.flowtable(), "fast_path_packets")).isEqualTo(30);
        assertThat(value(r.ppe(), "hw_forwarded")).isEqualTo(value(r.ppe(), "hw_packets"))
                .isEqualTo(r.forwardedPackets() - 32).isGreaterThan(200);
        // A refusal of the whole connection would have left all of them on the CPU.
        final RouterSimulation direct = new RouterSimulation(udpDownload(1, false));
        final RouterResults d = direct.run(ProgressListener.NONE);
        assertThat(direct.flowPpeId(0, 0)).as("upload through a direct dial: accepted").isNotNegative();
        assertThat(direct.flowPpeBound(0, 0)).as("one packet never reaches the bind rate").isFalse();
        assertThat(value(d.ppe(), "refused_egress")).isZero();
        assertThat(value(d.ppe(), "to_cpu")).isEqualTo(32);
        assertThat(value(d.ppe(), "hw_forwarded")).isEqualTo(value(r.ppe(), "hw_forwarded"));
    }

    @Test
    void shouldRefuseEachDirectionOfAnIpv6NatFlowForItsOwnReason() {
        final RouterSimulation sim = new RouterSimulation(udpDownload(2, true));
        final RouterResults r = sim.run(ProgressListener.NONE);
        assertThat(sim.flowPpeId(0, 0)).isEqualTo(PpeFlowTable.EOPNOTSUPP_EGRESS);
        assertThat(sim.flowPpeId(0, 1)).isEqualTo(PpeFlowTable.EOPNOTSUPP_IPV6_NAT);
        assertThat(value(r.ppe(), "refused_egress")).isEqualTo(1);
        assertThat(value(r.ppe(), "refused_ipv6_nat")).isEqualTo(1);
        assertThat(value(r.ppe(), "bound")).isZero();
        assertThat(value(r.ppe(), "hw_forwarded")).isZero();
        assertThat(value(r.ppe(), "to_cpu")).isEqualTo(r.forwardedPackets());
        assertThat(value(r.ppe(), "check_no_flow")).as("one check per HZ/10 while the rate stays reached")
                .isPositive();
    }

    @Test
    void shouldRemoveTheEntriesOfADialThatGoesDown() {
        final RouterSimulation kept = new RouterSimulation(udpDownload(1, false));
        final RouterResults k = kept.run(ProgressListener.NONE);
        assertThat(value(k.ppe(), "entries")).isEqualTo(1);
        // The dial goes down at 150 ms (the flow is bound by then): the flowtable tears the flow down and
        // destroys its PPE entries (mtk_flow_offload_destroy); the server's later datagrams reach the CPU.
        final RouterSimulation sim = new RouterSimulation(udpDownload(1, false));
        sim.scheduleRedial(0, 150_000_000L, 50_000_000L);
        final RouterResults r = sim.run(ProgressListener.NONE);
        assertThat(value(r.ppe(), "bound")).isEqualTo(1);
        assertThat(value(r.ppe(), "entries")).isZero();
        assertThat(sim.flowPpeBound(0, 1)).isFalse();
        assertThat(value(r.ppe(), "hw_forwarded")).isLessThan(value(k.ppe(), "hw_forwarded"));
        assertThat(value(r.ppe(), "to_cpu")).isGreaterThan(32);
    }

    @Test
    void shouldBindAtOffloadWithTheLegacyDriver() {
        final RouterSimulation sim = new RouterSimulation(udpDownload(1, false), PpeConfig.legacy4k());
        final RouterResults r = sim.run(ProgressListener.NONE);
        // Both directions are written bound when the flowtable takes the flow (at the server's first datagram):
        // only the host's first datagram and that one reach the CPU.
        assertThat(value(r.ppe(), "bound")).isEqualTo(2);
        assertThat(value(r.ppe(), "rate_reached")).isZero();
        assertThat(value(r.ppe(), "to_cpu")).isEqualTo(2);
        assertThat(value(r.ppe(), "hw_forwarded")).isEqualTo(r.forwardedPackets() - 2);
    }

    @Test
    void shouldBindOnlyTheDownloadDirectionsOfTcpFlowsThroughMacvlanDials() {
        final RouterSimulation macvlan = new RouterSimulation(RouterFixtures.config(2, 2, 100 * MBIT, true, false,
                RouterConfig.OffloadMode.PPE, RouterConfig.Balancing.ecmp(1),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.BROWSER, 2, 4, RouterConfig.Direction.DOWNLOAD)),
                400_000_000L, 5));
        final RouterResults r = macvlan.run(ProgressListener.NONE);
        for (int f = 0; f < macvlan.flowCount(); f++) {
            assertThat(macvlan.flowOffloaded(f)).as("flow %d in the flowtable", f).isTrue();
            assertThat(macvlan.flowPpeId(f, 0)).as("flow %d upload", f).isEqualTo(PpeFlowTable.EOPNOTSUPP_EGRESS);
            assertThat(macvlan.flowPpeBound(f, 1)).as("flow %d download bound", f).isTrue();
        }
        assertThat(value(r.ppe(), "refused_egress")).isEqualTo(8);
        assertThat(value(r.ppe(), "bound")).isEqualTo(8);
        final RouterSimulation direct = new RouterSimulation(RouterFixtures.config(2, 1, 100 * MBIT, true, false,
                RouterConfig.OffloadMode.PPE, RouterConfig.Balancing.ecmp(1),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.BROWSER, 2, 4, RouterConfig.Direction.DOWNLOAD)),
                400_000_000L, 5));
        final RouterResults d = direct.run(ProgressListener.NONE);
        for (int f = 0; f < direct.flowCount(); f++) {
            assertThat(direct.flowPpeBound(f, 0)).as("flow %d upload (ACKs) bound", f).isTrue();
            assertThat(direct.flowPpeBound(f, 1)).as("flow %d download bound", f).isTrue();
        }
        assertThat(value(d.ppe(), "bound")).isEqualTo(16);
        assertThat(value(d.ppe(), "refused_egress")).isZero();
        assertThat(d.cpuAverage()).isLessThan(r.cpuAverage());
    }

    @Test
    void shouldNotAllocateOnThePpePathAfterWarmUp() {
        final RouterSimulation sim = new RouterSimulation(RouterFixtures.config(4, 1, 100 * MBIT, true, false,
                RouterConfig.OffloadMode.PPE, RouterConfig.Balancing.ecmp(1),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.BROWSER, 4, 8, RouterConfig.Direction.DOWNLOAD)),
                3_000_000_000L, 7));
        sim.start();
        sim.advance(600_000_000L);
        final long[] t = {600_000_000L};
        final long before = sim.injected();
        AllocationMeter.assertNoAllocation("PPE forward path", 3_000, 1_000, () -> {
            t[0] += 200_000L;
            sim.advance(t[0]);
        });
        assertThat(sim.injected() - before).as("packets in the measured span").isGreaterThan(10_000);
    }
}
