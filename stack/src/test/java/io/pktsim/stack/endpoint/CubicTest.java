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
            assertThat(cubic.pktsAcked(w, 20_000_000L, 100 + i, 1000, 2_000_000_000L + i)).isZero();
        }
        assertThat(cubic.delayMinUs()).isEqualTo(20_000);
        // a new round whose smallest RTT is 20 ms + 4 ms (the clamp's floor): not above. RTTs are whole
        // microseconds, the difference of the ACK's and the segment's microsecond stamps; these are sent and
        // acknowledged on whole microseconds
        for (int i = 0; i < 9; i++) {
            assertThat(cubic.pktsAcked(w, 24_000_000L, 2000 + i, 3000, 3_000_000_000L + i * 1000L)).isZero();
        }
        assertThat(cubic.hystartFound()).isFalse();
        // the next round's is 1 us more: the ninth sample (the first after HYSTART_MIN_SAMPLES) ends slow start
        for (int i = 0; i < 8; i++) {
            assertThat(cubic.pktsAcked(w, 24_001_000L, 4000 + i, 5000, 4_000_000_000L + i * 1000L)).isZero();
        }
        assertThat(cubic.hystartFound()).isFalse();
        assertThat(cubic.pktsAcked(w, 24_001_000L, 4008, 5000, 4_000_008_000L)).isEqualTo(Cubic.HYSTART_DELAY);
        assertThat(cubic.hystartFound()).isTrue();
        assertThat(w.ssthresh).isEqualTo(32);
        assertThat(cubic.hystartDelayDetects()).isEqualTo(1);
        assertThat(cubic.hystartDelayCwndSegments()).isEqualTo(32);
        assertThat(cubic.hystartTrainDetects()).isZero();
    }

    @Test
    void shouldNotSeeTheDelayWithTheAckTrainDetectorAlone() {
        final Cubic cubic = new Cubic(true, true, true, Cubic.HYSTART_ACK_TRAIN);
        final TcpWindow w = new TcpWindow();
        w.cwnd = 32;
        for (int i = 0; i < 20; i++) {
            cubic.pktsAcked(w, 20_000_000L, 100 + i, 1000, 2_000_000_000L + i);
        }
        for (int i = 0; i < 20; i++) {
            assertThat(cubic.pktsAcked(w, 40_000_000L, 2000 + i, 3000, 3_000_000_000L + i)).isZero();
        }
        assertThat(cubic.hystartFound()).isFalse();
        assertThat(w.ssthresh).isEqualTo(TcpWindow.INFINITE_SSTHRESH);
    }

    // ------------------------------------------------------------------ HyStart's ACK train

    private static final long T0_NS = 5_000_000_000L;
    private static final long US = 1000L;
    private static final long RTT_NS = 20_000_000L;
    /** 100 Mbit/s: 65215 x 4 bytes take 20.9 ms at it, so the ACK delay is the 1 ms cap. */
    private static final long RATE_100_MBIT_BYTES_PER_SEC = 12_500_000L;
    private static final long END_SEQ = 1_000_000L;

    /**
     * Feeds one ACK of data {@code k} x 100 us after {@code startNs} with the RTT 20 ms, snd_una 1000 + k and
     * snd_nxt {@link #END_SEQ} (so the ACK with k = 0 starts a round when the last one ended before 1000).
     */
    private static int ack(final Cubic cubic, final TcpWindow w, final long startNs, final int k) {
        return cubic.pktsAcked(w, RTT_NS, 1000 + k, END_SEQ, startNs + k * 100 * US);
    }

    /** @return the first k (ACKs 100 us apart, from the round start) at which HyStart fired, or -1 */
    private static int firstExit(final Cubic cubic, final TcpWindow w, final long startNs, final int fromK,
        final int toK, final boolean slowStart) {
        for (int k = fromK; k <= toK; k++) {
            if (ack(cubic, w, startNs, k) != 0) {
                return k;
            }
            if (slowStart) {
                w.cwnd++;
            }
        }
        return -1;
    }

    @Test
    void shouldEndSlowStartAtTheFirstAckOfATrainLongerThanHalfOfDelayMinPlusTheAckDelay() {
        final Cubic cubic = new Cubic();
        final TcpWindow w = new TcpWindow();
        w.cwnd = 16;
        w.pacingRateBytesPerSec = RATE_100_MBIT_BYTES_PER_SEC;
        assertThat(Cubic.hystartAckDelayUs(w.pacingRateBytesPerSec)).isEqualTo(1000);
        // k = 0 starts the round (snd_una passes end_seq 0); the threshold is (20,000 + 1,000) / 2 = 10,500 us:
        // k = 105 is 10,500 us after the round start, not more; k = 106 is the first ACK beyond
        assertThat(firstExit(cubic, w, T0_NS, 0, 105, true)).isEqualTo(-1);
        assertThat(cubic.hystartFound()).isFalse();
        assertThat(w.ssthresh).isEqualTo(TcpWindow.INFINITE_SSTHRESH);
        assertThat(w.cwnd).isEqualTo(16 + 106);
        assertThat(ack(cubic, w, T0_NS, 106)).isEqualTo(Cubic.HYSTART_ACK_TRAIN);
        assertThat(cubic.hystartFound()).isTrue();
        assertThat(w.ssthresh).isEqualTo(16 + 106).isEqualTo(w.cwnd);
        assertThat(cubic.hystartTrainDetects()).isEqualTo(1);
        assertThat(cubic.hystartTrainCwndSegments()).isEqualTo(16 + 106);
        assertThat(cubic.hystartDelayDetects()).isZero();
        // found: HyStart is done for this connection
        w.ssthresh = TcpWindow.INFINITE_SSTHRESH;
        assertThat(firstExit(cubic, w, T0_NS, 107, 300, true)).isEqualTo(-1);
        assertThat(cubic.hystartTrainDetects()).isEqualTo(1);
    }

    @Test
    void shouldKeepTheTrainAcrossAGapOfTwoMilliseconds() {
        final Cubic cubic = new Cubic();
        final TcpWindow w = new TcpWindow();
        w.cwnd = 32;
        w.pacingRateBytesPerSec = RATE_100_MBIT_BYTES_PER_SEC;
        assertThat(firstExit(cubic, w, T0_NS, 0, 30, false)).isEqualTo(-1);
        // from 3,000 us to 5,000 us: a gap of exactly hystart_ack_delta_us, still the train
        assertThat(firstExit(cubic, w, T0_NS, 50, 200, false)).isEqualTo(106);
    }

    @Test
    void shouldStopTheTrainForTheRoundAfterAGapAboveTwoMillisecondsAndStartAgainInTheNext() {
        final Cubic cubic = new Cubic();
        final TcpWindow w = new TcpWindow();
        w.cwnd = 32;
        w.pacingRateBytesPerSec = RATE_100_MBIT_BYTES_PER_SEC;
        assertThat(firstExit(cubic, w, T0_NS, 0, 30, false)).isEqualTo(-1);
        // from 3,000 us to 5,100 us: 2,100 us, more than hystart_ack_delta_us; the train is over for the
        // round, past 10,500 us and up to 30 ms
        assertThat(firstExit(cubic, w, T0_NS, 51, 300, false)).isEqualTo(-1);
        assertThat(cubic.hystartFound()).isFalse();
        // the next round: snd_una passes end_seq at 31 ms, and a new train runs from there
        final long round2Ns = T0_NS + 31_000 * US;
        for (int k = 0; k <= 106; k++) {
            final int fired = cubic.pktsAcked(w, RTT_NS, END_SEQ + 1 + k, 2 * END_SEQ, round2Ns + k * 100 * US);
            assertThat(fired).as("ACK %d of round 2", k).isEqualTo(k < 106 ? 0 : Cubic.HYSTART_ACK_TRAIN);
        }
        assertThat(w.ssthresh).isEqualTo(32);
    }

    @Test
    void shouldNotWatchTheTrainBelowTheLowWindow() {
        final Cubic cubic = new Cubic();
        final TcpWindow w = new TcpWindow();
        w.cwnd = Cubic.HYSTART_LOW_WINDOW - 1;
        w.pacingRateBytesPerSec = RATE_100_MBIT_BYTES_PER_SEC;
        assertThat(firstExit(cubic, w, T0_NS, 0, 300, false)).isEqualTo(-1);
        assertThat(cubic.hystartFound()).isFalse();
        assertThat(w.ssthresh).isEqualTo(TcpWindow.INFINITE_SSTHRESH);
        // the window reaches 16 30.1 ms into this round: last_ack is still the round start (the train is only
        // followed from 16 on), more than 2 ms back, so this round has no train
        w.cwnd = Cubic.HYSTART_LOW_WINDOW;
        assertThat(firstExit(cubic, w, T0_NS, 301, 600, false)).isEqualTo(-1);
        assertThat(cubic.hystartFound()).isFalse();
    }

    @Test
    void shouldTimeTheTrainFromTheRoundStartEvenWhenItBeganBelowTheLowWindow() {
        // 6.18 resets the round before the low-window check (upstream 25c1a9ca53db): the round that starts at
        // cwnd 10 and reaches 16 after 600 us is timed from its start, so HyStart ends it at 10,600 us, not at
        // 600 + 10,600 us as when the round was restarted on the first ACK at cwnd 16
        final Cubic cubic = new Cubic();
        final TcpWindow w = new TcpWindow();
        w.cwnd = 10;
        w.pacingRateBytesPerSec = RATE_100_MBIT_BYTES_PER_SEC;
        assertThat(firstExit(cubic, w, T0_NS, 0, 300, true)).isEqualTo(106);
    }

    @Test
    void shouldNeverFireOnTheTrainWithTheDelayDetectorAlone() {
        final Cubic cubic = new Cubic(true, true, true, Cubic.HYSTART_DELAY);
        assertThat(cubic.hystartDetect()).isEqualTo(2);
        final TcpWindow w = new TcpWindow();
        w.cwnd = 16;
        w.pacingRateBytesPerSec = RATE_100_MBIT_BYTES_PER_SEC;
        assertThat(firstExit(cubic, w, T0_NS, 0, 300, true)).isEqualTo(-1);
        assertThat(cubic.hystartFound()).isFalse();
        assertThat(cubic.hystartTrainDetects()).isZero();
        assertThat(new Cubic().hystartDetect()).isEqualTo(3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Cubic(true, true, true, 4))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hystart_detect = 4");
    }

    @Test
    void shouldBoundTheAckDelayByOneMillisecondAndFourGsoPacketsAtThePacingRate() {
        assertThat(Cubic.GSO_MAX_SIZE_BYTES).isEqualTo(65_215);
        // min(1000 us, 65215 x 4 x 10^6 / rate)
        assertThat(Cubic.hystartAckDelayUs(1_000_000_000L)).isEqualTo(260);
        assertThat(Cubic.hystartAckDelayUs(RATE_100_MBIT_BYTES_PER_SEC)).isEqualTo(1000);
        assertThat(Cubic.hystartAckDelayUs(260_860_000L)).isEqualTo(1000);
        assertThat(Cubic.hystartAckDelayUs(260_860_001L)).isEqualTo(999);
        // no rate (0), or the unlimited rate of a socket before its first ACK (~0UL)
        assertThat(Cubic.hystartAckDelayUs(0)).isZero();
        assertThat(Cubic.hystartAckDelayUs(TcpWindow.UNLIMITED_PACING_RATE)).isZero();
        // at 10^9 bytes/s the threshold is (20,000 + 260) / 2 = 10,130 us: the ACK at 10,200 us ends slow start
        final Cubic cubic = new Cubic();
        final TcpWindow w = new TcpWindow();
        w.cwnd = 16;
        w.pacingRateBytesPerSec = 1_000_000_000L;
        assertThat(firstExit(cubic, w, T0_NS, 0, 300, true)).isEqualTo(102);
        // without a pacing rate: 20,000 / 2, the ACK at 10,100 us
        final Cubic unpaced = new Cubic();
        final TcpWindow u = new TcpWindow();
        u.cwnd = 16;
        assertThat(firstExit(unpaced, u, T0_NS, 0, 300, true)).isEqualTo(101);
    }

    @Test
    void shouldWatchAgainAfterALossAndForgetDelayMin() {
        final Cubic cubic = new Cubic();
        final TcpWindow w = new TcpWindow();
        w.cwnd = 16;
        w.pacingRateBytesPerSec = RATE_100_MBIT_BYTES_PER_SEC;
        assertThat(firstExit(cubic, w, T0_NS, 0, 300, true)).isEqualTo(106);
        // an RTO (cubictcp_state(TCP_CA_Loss)) 1 s later, with 3,000,000 sent: a round to that snd_nxt begins
        final long lossNs = T0_NS + 1_000_000_000L;
        assertThat(cubic.ssthresh(122)).isEqualTo(122 * 717 / 1024);
        assertThat(cubic.lastMaxCwnd()).isEqualTo(122);
        cubic.onTimeout(3_000_000L, lossNs);
        assertThat(cubic.hystartFound()).isFalse();
        assertThat(cubic.delayMinUs()).isZero();
        assertThat(cubic.lastMaxCwnd()).isZero();
        w.cwnd = 16;
        w.ssthresh = 200;
        // the retransmission's ACK 200 ms later, still within the loss round: too late for its train
        assertThat(cubic.pktsAcked(w, 40_000_000L, 2_000_000L, 3_000_000L, lossNs + 200_000 * US)).isZero();
        assertThat(cubic.delayMinUs()).isEqualTo(40_000);
        // a new round: delay_min is now 40 ms, so the train must outlast (40,000 + 1,000) / 2 = 20,500 us
        final long roundNs = lossNs + 300_000 * US;
        int exitK = -1;
        for (int k = 0; k <= 300 && exitK < 0; k++) {
            if (cubic.pktsAcked(w, 40_000_000L, 3_000_001L + k, 4_000_000L, roundNs + k * 100 * US) != 0) {
                exitK = k;
            }
        }
        assertThat(exitK).isEqualTo(206);
        assertThat(w.ssthresh).isEqualTo(16);
        assertThat(cubic.hystartTrainDetects()).isEqualTo(2);
        assertThat(cubic.hystartTrainCwndSegments()).isEqualTo(16 + 106 + 16);
        // a new connection (cubictcp_init) starts the counters again
        cubic.reset();
        assertThat(cubic.hystartTrainDetects()).isZero();
        assertThat(cubic.hystartTrainCwndSegments()).isZero();
    }

    @Test
    void shouldNotAllocateInHystart() {
        final Cubic cubic = new Cubic();
        final TcpWindow w = new TcpWindow();
        w.cwnd = 32;
        final long[] nowNs = {T0_NS};
        // every ACK starts a round (snd_una passes the last snd_nxt): reset, train and delay checks, no exit
        io.pktsim.core.test.AllocationMeter.assertNoAllocation("hystart_update and tcp_update_pacing_rate", () -> {
            nowNs[0] += 100 * US;
            cubic.pktsAcked(w, RTT_NS, nowNs[0], nowNs[0], nowNs[0]);
            w.updatePacingRate(1448, 10, RTT_NS);
        });
        assertThat(cubic.hystartFound()).isFalse();
    }

    @Test
    void shouldCountTheExitInTheEndpointCounters() {
        // one CUBIC flow over 100 Mbit/s and 20 ms with a BDP of queue: HyStart ends slow start once
        final TcpHarness net = new TcpHarness(new TcpConfig(), 100_000_000L, 20_000_000L, 250_000L);
        net.start(TcpEndpoint.UNLIMITED);
        net.runUntil(3_000_000_000L);
        final Cubic cubic = (Cubic) net.server.congestionControl();
        final long train = net.server.counters().get(TcpCounter.HYSTART_TRAIN_DETECT);
        final long delay = net.server.counters().get(TcpCounter.HYSTART_DELAY_DETECT);
        System.out.printf("HyStart: train %d (cwnd %d), delay %d (cwnd %d), ssthresh %d, pacing %d B/s,"
            + " retransmits %d%n", train, net.server.counters().get(TcpCounter.HYSTART_TRAIN_CWND), delay,
            net.server.counters().get(TcpCounter.HYSTART_DELAY_CWND), net.server.ssthresh(),
            net.server.pacingRateBytesPerSec(), net.server.counters().get(TcpCounter.RETRANSMITTED_SEGMENTS));
        // the ACKs of a round come 123 us apart per segment (1538 bytes at 100 Mbit/s) once the link is busy,
        // so the train outlasts (20 ms + 1 ms) / 2 about 85 segments into the round that began near cwnd 160,
        // before a round's smallest RTT has grown by 4 ms
        assertThat(train).isEqualTo(1);
        assertThat(delay).isZero();
        assertThat(net.server.counters().get(TcpCounter.HYSTART_TRAIN_CWND)).isBetween(200L, 300L);
        assertThat(train).isEqualTo(cubic.hystartTrainDetects());
        assertThat(delay).isEqualTo(cubic.hystartDelayDetects());
        assertThat(net.server.counters().get(TcpCounter.HYSTART_TRAIN_CWND))
            .isEqualTo(cubic.hystartTrainCwndSegments());
        assertThat(net.server.counters().get(TcpCounter.HYSTART_DELAY_CWND))
            .isEqualTo(cubic.hystartDelayCwndSegments());
        assertThat(net.server.pacingRateBytesPerSec()).isBetween(1_000_000L, 100_000_000L);
        // the receiver sends no data: no sample, no HyStart
        assertThat(net.client.counters().get(TcpCounter.HYSTART_TRAIN_DETECT)
            + net.client.counters().get(TcpCounter.HYSTART_DELAY_DETECT)).isZero();
    }
}
