package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


/**
 * A lost handshake packet is sent again on Linux 6.18's timers ({@code stack.endpoint.HandshakeTimers}): the
 * host's SYN at 1, 2, 3, 4, 5, 7, ... s, the server's SYN-ACK at 1, 3, 7, ... s, a download's request after the
 * handshake's first RTO. Before, a connection whose SYN, SYN-ACK or request was dropped never started.
 */
class RouterHandshakeTest {

    private static final long S = 1_000_000_000L;

    @TempDir
    Path tmp;

    /**
     * The only dial is down for the first 2.5 s: the SYNs sent at 0, 1 and 2 s find no route, the one at 3 s gets
     * through, and every connection then downloads.
     */
    @Test
    void shouldSendTheSynAgainUntilItGetsThrough() throws IOException {
        final RouterConfig c = RouterFixtures.config(1, 1, 20 * RouterFixtures.MBIT, true, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, 4, RouterConfig.Direction.DOWNLOAD)),
                4 * S, 1);
        final Path trace = tmp.resolve("t.jsonl");
        final RouterSimulation sim = new RouterSimulation(c.withOutputs(new RouterConfig.Outputs(null, trace)));
        sim.scheduleRedial(0, 0L, 2_500_000_000L);
        final RouterResults r = sim.run(ProgressListener.NONE);
        final List<RouterTraceTest.Event> events = RouterTraceTest.read(trace);
        assertThat(sim.synRetransmits()).as("three SYNs again per connection").isEqualTo(3 * 4);
        assertThat(RouterResults.count(r.tcp(), "syn_retransmits")).isEqualTo(12);
        assertThat(RouterResults.count(r.tcp(), "connections")).isEqualTo(4);
        assertThat(RouterResults.count(r.tcp(), "established")).isEqualTo(4);
        assertThat(sim.connectFailures()).isZero();
        for (int f = 0; f < 4; f++) {
            assertThat(sim.flowEstablished(f)).as("flow %d", f).isTrue();
        }
        assertThat(r.goodputDownloadBps()).as("downloading from 3 s on").isGreaterThan(5 * RouterFixtures.MBIT);
        // each connection's SYN timer: 1 s after its first SYN, then 1 s after each SYN sent again
        for (int f = 0; f < 4; f++) {
            final List<Long> times = new ArrayList<>();
            for (final RouterTraceTest.Event e : events) {
                if (e.kind().equals("tcp_syn_retransmit") && e.num("flow") == f) {
                    times.add(e.num("time_ns"));
                }
            }
            assertThat(times).hasSize(3);
            assertThat(times.get(1) - times.get(0)).isEqualTo(S);
            assertThat(times.get(2) - times.get(1)).isEqualTo(S);
            assertThat(times.get(0)).isBetween(S, S + 2_000_000L);
        }
    }

    /**
     * Sixteen connections open while sixteen others fill the 20 Mbit/s line: the line's queue drops SYNs, SYN-ACKs
     * and requests, and the timers still bring every connection up.
     */
    @Test
    void shouldBringUpConnectionsWhoseSynAckOrRequestWasDropped() {
        final RouterConfig.App busy = RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, 16,
                RouterConfig.Direction.DOWNLOAD);
        final RouterConfig.App late = new RouterConfig.App(RouterConfig.AppKind.DOWNLOADER, 2, 8,
                RouterConfig.Direction.DOWNLOAD, RouterConfig.CongestionControl.CUBIC, 0, 0, 1_500_000_000L);
        final RouterConfig c = RouterFixtures.config(1, 1, 20 * RouterFixtures.MBIT, true, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(), List.of(busy, late), 8 * S, 8);
        final RouterSimulation sim = new RouterSimulation(c);
        final RouterResults r = sim.run(ProgressListener.NONE);
        // with this seed the full line drops SYNs, SYN-ACKs and requests (the other seeds drop fewer kinds)
        assertThat(sim.synRetransmits()).as("SYNs sent again").isPositive();
        assertThat(sim.synAckRetransmits()).as("SYN-ACKs sent again").isPositive();
        assertThat(sim.requestRetransmits()).as("requests sent again").isPositive();
        assertThat(sim.connectFailures()).isZero();
        // only the full line drops: a handshake packet sent again travels its own direction (a download server's
        // ACK of a request that came again goes to the LAN, not back into the router's LAN-to-WAN path)
        for (final RouterResults.Count drop : r.drops().byReason()) {
            if (!drop.name().equals("isp_line_down")) {
                assertThat(drop.value()).as(drop.name()).isZero();
            }
        }
        for (int f = 0; f < sim.flowCount(); f++) {
            assertThat(sim.flowEstablished(f)).as("flow %d", f).isTrue();
        }
        assertThat(r.flows()).allSatisfy(fl -> assertThat(fl.goodputBps()).isPositive());
    }

    /** Two TCP uploads and a UDP upload flood share one 20 Mbit/s line of 4 dials: SYNs and data time out. */
    private static RouterSimulation flood(final boolean ipv6, final int policy) {
        final RouterConfig.App tcp = new RouterConfig.App(RouterConfig.AppKind.DOWNLOADER, 2, 6,
                RouterConfig.Direction.UPLOAD, RouterConfig.CongestionControl.CUBIC, 0, 0, 300_000_000L);
        final RouterConfig.App udp = new RouterConfig.App(RouterConfig.AppKind.UDP_CBR, 1, 4,
                RouterConfig.Direction.UPLOAD, RouterConfig.CongestionControl.NEWRENO, 8 * RouterFixtures.MBIT, 1200,
                0);
        return new RouterSimulation(RouterFixtures.config(1, 4, 20 * RouterFixtures.MBIT, true, ipv6,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.ecmp(policy), List.of(udp, tcp), 6 * S, 4));
    }

    /**
     * {@code sk_rethink_txhash()}: every host timeout draws a new {@code sk_txhash}; over IPv6 the connection's
     * next packets carry a new flow label. Policy 0 hashes the label into the route, so a connection can leave by
     * another dial than its NAT's and that dial's access server drops it ({@code wrong_dial}); policy 1 (the
     * five-tuple) and IPv4 never move.
     */
    @Test
    void shouldMoveAnIpv6ConnectionToAnotherDialWhenATimeoutChangesItsFlowLabel() {
        final RouterSimulation labelHashed = flood(true, 0);
        final RouterResults r0 = labelHashed.run(ProgressListener.NONE);
        assertThat(RouterResults.count(r0.tcp(), "txhash_rethinks")).as("timeouts").isPositive();
        assertThat(RouterResults.count(r0.drops().byReason(), "wrong_dial")).as("policy 0 moves connections")
                .isPositive();
        final RouterResults r1 = flood(true, 1).run(ProgressListener.NONE);
        assertThat(RouterResults.count(r1.tcp(), "txhash_rethinks")).isPositive();
        assertThat(RouterResults.count(r1.drops().byReason(), "wrong_dial")).as("policy 1 ignores the label")
                .isZero();
        final RouterResults v4 = flood(false, 0).run(ProgressListener.NONE);
        assertThat(RouterResults.count(v4.tcp(), "txhash_rethinks")).isPositive();
        assertThat(RouterResults.count(v4.drops().byReason(), "wrong_dial")).as("IPv4 has no label").isZero();
    }
}
