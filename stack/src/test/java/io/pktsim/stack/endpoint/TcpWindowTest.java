package io.pktsim.stack.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code tcp_update_pacing_rate}: mss x ratio x max(cwnd, packets_out) / srtt, in Linux's integers. */
class TcpWindowTest {

    @Test
    void shouldPaceAtTwiceTheRateInEarlySlowStartAndAtOnePointTwoFromHalfOfSsthresh() {
        final TcpWindow w = new TcpWindow();
        assertThat(w.pacingRateBytesPerSec).isEqualTo(TcpWindow.UNLIMITED_PACING_RATE);
        w.cwnd = 20;
        // 1448 x 200 % x 20 / 20 ms = 2,896,000 bytes/s
        w.updatePacingRate(1448, 10, 20_000_000L);
        assertThat(w.pacingRateBytesPerSec).isEqualTo(2_896_000L);
        // cwnd 20 is not below ssthresh 40 / 2: 120 %
        w.ssthresh = 40;
        w.updatePacingRate(1448, 10, 20_000_000L);
        assertThat(w.pacingRateBytesPerSec).isEqualTo(1_737_600L);
        // more segments out than the window: they count
        w.ssthresh = TcpWindow.INFINITE_SSTHRESH;
        w.updatePacingRate(1448, 30, 20_000_000L);
        assertThat(w.pacingRateBytesPerSec).isEqualTo(4_344_000L);
    }

    @Test
    void shouldDivideBySrttInEighthsOfAMicrosecondTruncated() {
        final TcpWindow w = new TcpWindow();
        w.cwnd = 10;
        // srtt 20,000.3 us: srtt_us = 160,002 (eighths); 1448 x 80,000 x 200 x 10 / 160,002 = 1,447,981.9...
        w.updatePacingRate(1448, 0, 20_000_300L);
        assertThat(w.pacingRateBytesPerSec).isEqualTo(231_680_000_000L / 160_002L);
        // no sample yet (srtt_us 0): Linux skips the division
        w.updatePacingRate(1448, 0, 0);
        assertThat(w.pacingRateBytesPerSec).isEqualTo(1448L * 80_000 * 200 * 10);
    }

    @Test
    void shouldSaturateInsteadOfOverflowing() {
        final TcpWindow w = new TcpWindow();
        w.cwnd = Integer.MAX_VALUE - 1;
        w.updatePacingRate(65_535, 0, 1_000_000L);
        assertThat(w.pacingRateBytesPerSec).isEqualTo(TcpWindow.UNLIMITED_PACING_RATE);
    }
}
