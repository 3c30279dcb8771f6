package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


/**
 * HyStart in the engine's CUBIC senders (net/ipv4/tcp_cubic.c, 6.18, {@code hystart_detect} 3): the ACK train ends
 * a lone connection's slow start before any loss; ACKs more than 2 ms apart (many connections sharing a line)
 * break every train, and then the delay detector ends slow start.
 */
class RouterHystartTest {
    private static final long S = 1_000_000_000L;

    @TempDir
    Path tmp;

    private static RouterConfig config(final int connections, final RouterConfig.CongestionControl cc) {
        final RouterConfig.App app = new RouterConfig.App(RouterConfig.AppKind.DOWNLOADER, 1, connections,
                RouterConfig.Direction.DOWNLOAD, cc, 0, 0, 0);
        // one 100 Mbit/s line, no PPPoE, IPv4, 20 ms to the servers
        return RouterFixtures.config(1, 1, 100 * RouterFixtures.MBIT, false, false, RouterConfig.OffloadMode.NONE,
                RouterConfig.Balancing.none(), List.of(app), 3 * S, 1);
    }

    private RouterResults run(final RouterConfig c, final Path trace) {
        final RouterSimulation sim = new RouterSimulation(c.withOutputs(new RouterConfig.Outputs(null, trace)));
        return sim.run(ProgressListener.NONE);
    }

    /**
     * One connection on a 100 Mbit/s line, 20 ms from its server: the bottleneck spaces its ACKs 0.24 ms apart (two
     * 1,500-byte segments at 100 Mbit/s), and each round's ACKs arrive as one burst that lasts twice the round
     * before (10, 20, 40, 80, 160 segments: 1.2 to 19 ms). Since 6.13 a round starts at the first ACK of a burst,
     * whatever the window, so the first burst longer than (delay_min + 1 ms) / 2, about 10.7 ms, is the
     * 160-segment one, and slow start ends about 10.7 ms into it, at a window of about 160 + 88 segments, before
     * any loss and before the queue's delay reaches the delay detector's 4 ms.
     */
    @Test
    void shouldEndALoneConnectionsSlowStartByItsAckTrain() throws IOException {
        final Path trace = tmp.resolve("one.jsonl");
        final RouterResults r = run(config(1, RouterConfig.CongestionControl.CUBIC), trace);
        assertThat(RouterResults.count(r.tcp(), "hystart_train_detects")).isEqualTo(1);
        assertThat(RouterResults.count(r.tcp(), "hystart_delay_detects")).isZero();
        assertThat(RouterResults.count(r.tcp(), "fast_retransmits")).as("no loss").isZero();
        assertThat(RouterResults.count(r.tcp(), "timeouts")).isZero();
        final List<RouterTraceTest.Event> events = RouterTraceTest.read(trace);
        final List<RouterTraceTest.Event> hs = events.stream().filter(e -> e.kind().equals("tcp_hystart")).toList();
        assertThat(hs).hasSize(1);
        final RouterTraceTest.Event e = hs.get(0);
        assertThat(e.num("detector")).isEqualTo(1);
        // the first ACK past the threshold: (delay_min, a little above 20 ms, + 1 ms) / 2, within an ACK's spacing
        assertThat(e.num("round_us")).isGreaterThan(10_500L).isLessThan(11_500L);
        // the 160-segment round, 10.7 ms in: 160 + about 88 segments (not the next round's 320 + 88)
        assertThat(e.num("cwnd")).isBetween(230L, 270L);
        assertThat(r.goodputDownloadBps()).isGreaterThan(85 * RouterFixtures.MBIT);
    }

    /**
     * Sixteen connections share the line: each one's ACKs come about 16 x 0.24 ms = 3.8 ms apart, more than
     * {@code hystart_ack_delta_us} (2 ms), so no train forms; the queue that builds up ends each slow start by the
     * delay detector (RTT above delay_min + 4 ms).
     */
    @Test
    void shouldLeaveSlowStartByDelayWhenAcksAreFarApart() throws IOException {
        final Path trace = tmp.resolve("many.jsonl");
        final RouterResults r = run(config(16, RouterConfig.CongestionControl.CUBIC), trace);
        assertThat(RouterResults.count(r.tcp(), "hystart_train_detects")).isZero();
        assertThat(RouterResults.count(r.tcp(), "hystart_delay_detects")).isPositive();
        for (final RouterTraceTest.Event e : RouterTraceTest.read(trace)) {
            if (e.kind().equals("tcp_hystart")) {
                assertThat(e.num("detector")).isEqualTo(2);
                assertThat(e.num("cwnd")).isGreaterThanOrEqualTo(16L);
            }
        }
    }

    /** NewReno has no HyStart. */
    @Test
    void shouldNotRunHystartForNewReno() throws IOException {
        final Path trace = tmp.resolve("reno.jsonl");
        final RouterResults r = run(config(1, RouterConfig.CongestionControl.NEWRENO), trace);
        assertThat(RouterResults.count(r.tcp(), "hystart_train_detects")).isZero();
        assertThat(RouterResults.count(r.tcp(), "hystart_delay_detects")).isZero();
        assertThat(RouterTraceTest.read(trace)).noneMatch(e -> e.kind().equals("tcp_hystart"));
    }
}
