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
        for (int f = 0; f < sim.flowCount(); f++) {
            assertThat(sim.flowEstablished(f)).as("flow %d", f).isTrue();
        }
        assertThat(r.flows()).allSatisfy(fl -> assertThat(fl.goodputBps()).isPositive());
    }
}
