package io.pktsim.stack.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** CUBIC's window follows W(t) = C (t - K)^3 + W_max over a loss-free epoch. */
class CubicTest {

    @Test
    void shouldFollowTheCubicFunctionWithinOneSegment() {
        final Cubic cubic = new Cubic(true, false, false);
        final TcpWindow w = new TcpWindow();
        w.cwnd = 1000;
        w.ssthresh = cubic.ssthresh(1000);
        assertThat(w.ssthresh).isEqualTo(1000 * 717 / 1024);
        w.cwnd = w.ssthresh;
        final long rttNs = 1_000_000L;
        final double wMax = 1000;
        final double k = Math.cbrt((wMax - w.cwnd) / Cubic.C);
        long now = 5_000_000_000L;
        final long start = now;
        // Linux's bictcp_update grows by 1/(100 cwnd) per ACK while W(t) <= cwnd ("very small increment"):
        // 0.01 segment per RTT, so on the plateau around K the window may lead W(t) by that much per RTT
        double plateauDrift = 0;
        double worstLag = 0;
        double worstLead = 0;
        int checks = 0;
        long nextCheck = start;
        while (now - start < (long) (2 * k * 1e9)) {
            final double tNow = (now - start + rttNs) / 1e9;
            cubic.congAvoid(w, 1, now, rttNs);
            if (now >= nextCheck) {
                final double expected = Cubic.C * Math.pow(tNow - k, 3) + wMax;
                worstLag = Math.max(worstLag, expected - w.cwnd);
                // on the plateau (from K - 2.5 s to K + 6 s) allow 0.01 segment per RTT elapsed on it
                final double onPlateau = Math.max(0, Math.min(tNow, k + 6) - (k - 2.5));
                plateauDrift = tNow > k - 2.5 && tNow < k + 6 ? onPlateau * 1e9 / rttNs / 100 : 0;
                worstLead = Math.max(worstLead, w.cwnd - expected - plateauDrift);
                checks++;
                nextCheck += 100_000_000L;
            }
            now += rttNs / w.cwnd;
        }
        assertThat(cubic.kSeconds()).isCloseTo(k, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(cubic.originPoint()).isEqualTo(1000);
        assertThat(checks).isGreaterThan(150);
        assertThat(worstLag).as("largest lag behind W(t), in segments").isLessThanOrEqualTo(1.0);
        assertThat(worstLead).as("largest lead over W(t) beyond the plateau increments").isLessThanOrEqualTo(1.0);
        // at t = 2K the window is W_max + (W_max - cwnd0) = 1000 + 300 (within a segment)
        assertThat(w.cwnd).isBetween(1299, 1301);
    }

    @Test
    void shouldReduceByBetaAndRememberAFastConvergenceMaximum() {
        final Cubic cubic = new Cubic();
        assertThat(cubic.ssthresh(1000)).isEqualTo(700);
        assertThat(cubic.lastMaxCwnd()).isEqualTo(1000);
        // a second loss below W_max: W_max = cwnd (1 + beta) / 2
        assertThat(cubic.ssthresh(800)).isEqualTo(800 * 717 / 1024);
        assertThat(cubic.lastMaxCwnd()).isEqualTo(800 * (1024 + 717) / 2048);
        assertThat(new NewReno().ssthresh(1000)).isEqualTo(500);
        assertThat(new NewReno().ssthresh(3)).isEqualTo(2);
    }

    @Test
    void shouldEndSlowStartWhenHystartSeesTheDelayGrow() {
        final Cubic cubic = new Cubic();
        final TcpWindow w = new TcpWindow();
        w.cwnd = 32;
        for (int i = 0; i < 20; i++) {
            cubic.pktsAcked(w, 20_000_000L, 100 + i, 1000, 2_000_000_000L + i);
        }
        assertThat(cubic.hystartFound()).isFalse();
        // a new round whose smallest RTT is 20 ms + 4 ms (the clamp's floor) + 1 ns
        for (int i = 0; i < 9; i++) {
            cubic.pktsAcked(w, 24_000_001L, 2000 + i, 3000, 3_000_000_000L + i);
        }
        assertThat(cubic.hystartFound()).isTrue();
        assertThat(w.ssthresh).isEqualTo(32);
    }
}
