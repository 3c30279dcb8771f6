package io.pktsim.nic.irq;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DimTest {

    private long t;
    private long events;
    private long packets;
    private long bytes;

    /** One window of 64 interrupts over 1 ms with the given traffic; returns whether the profile changed. */
    private boolean window(final Dim dim, final long windowPackets, final long windowBytes) {
        dim.sample(t, events, packets, bytes);
        t += 1_000_000;
        events += Dim.DIM_NEVENTS;
        packets += windowPackets;
        bytes += windowBytes;
        return dim.sample(t, events, packets, bytes);
    }

    @Test
    void shouldStartAtProfileOneAndStepRightWhileTheRateImproves() {
        final Dim dim = new Dim();
        assertThat(dim.profileIx()).isEqualTo(1);
        assertThat(dim.usec()).isEqualTo(8);
        assertThat(dim.pkts()).isEqualTo(256);
        assertThat(window(dim, 1000, 1_000_000)).isTrue();
        assertThat(dim.profileIx()).isEqualTo(2);
        assertThat(window(dim, 2000, 2_000_000)).isTrue();
        assertThat(dim.profileIx()).isEqualTo(3);
        assertThat(window(dim, 3000, 3_000_000)).isTrue();
        assertThat(dim.profileIx()).isEqualTo(4);
        assertThat(dim.usec()).isEqualTo(256);
        assertThat(window(dim, 4000, 4_000_000)).as("on the edge: park").isFalse();
        assertThat(dim.parked()).isTrue();
        assertThat(window(dim, 4000, 4_020_000)).as("within 10 %: stay parked").isFalse();
        assertThat(window(dim, 2000, 2_000_000)).as("rate changed: leave parking to the left").isTrue();
        assertThat(dim.profileIx()).isEqualTo(3);
    }

    @Test
    void shouldTurnWhenTheRateGetsWorse() {
        final Dim dim = new Dim();
        window(dim, 1000, 1_000_000);
        assertThat(dim.profileIx()).isEqualTo(2);
        assertThat(window(dim, 500, 500_000)).isTrue();
        assertThat(dim.profileIx()).as("worse: turn left").isEqualTo(1);
        assertThat(window(dim, 400, 400_000)).isTrue();
        assertThat(dim.profileIx()).as("worse again: turn right").isEqualTo(2);
    }

    @Test
    void shouldWaitFor64Events() {
        final Dim dim = new Dim();
        dim.sample(0, 0, 0, 0);
        assertThat(dim.sample(1_000_000, 63, 100, 100_000)).isFalse();
        assertThat(dim.decisions()).isZero();
        assertThat(dim.sample(2_000_000, 64, 100, 100_000)).isTrue();
        assertThat(dim.decisions()).isEqualTo(1);
    }

    /**
     * mtk_eth_soc's rx_dim is zeroed memory: profile 0, parked on top. No traffic keeps it there (all rates zero:
     * the same); the first window with traffic leaves the parking to the right, to profile 1.
     */
    @Test
    void shouldStartZeroedParkedAtProfileZeroAndLeaveWithTheFirstTraffic() {
        final Dim dim = Dim.zeroed();
        assertThat(dim.profileIx()).isZero();
        assertThat(dim.usec()).isEqualTo(1);
        assertThat(dim.parked()).isTrue();
        assertThat(window(dim, 0, 0)).as("no traffic: still parked").isFalse();
        assertThat(dim.profileIx()).isZero();
        assertThat(window(dim, 1000, 1_000_000)).isTrue();
        assertThat(dim.profileIx()).isEqualTo(1);
        assertThat(dim.parked()).isFalse();
    }

    /** NET_DIM_RX_CQE_PROFILES (lib/dim/net_dim.c, 6.18): usec, pkts; the default NET_DIM_DEF_PROFILE_CQE. */
    @Test
    void shouldCarryTheCqeTableAndStartAtItsDefaultProfile() {
        final int[] usec = {2, 8, 16, 32, 64};
        final int[] pkts = {256, 128, 64, 64, 64};
        for (int ix = 0; ix < Dim.NUM_PROFILES; ix++) {
            assertThat(Dim.profileUsecCqe(ix)).isEqualTo(usec[ix]);
            assertThat(Dim.profilePktsCqe(ix)).isEqualTo(pkts[ix]);
        }
        final Dim dim = Dim.rxCqe();
        assertThat(dim.cqeMode()).isTrue();
        assertThat(dim.profileIx()).isEqualTo(Dim.DEFAULT_PROFILE_CQE).isEqualTo(1);
        assertThat(dim.usec()).isEqualTo(8);
        assertThat(dim.pkts()).isEqualTo(128);
        assertThat(dim.parked()).isFalse();
        assertThat(window(dim, 1000, 1_000_000)).isTrue();
        assertThat(dim.profileIx()).isEqualTo(2);
        assertThat(dim.usec()).isEqualTo(16);
        assertThat(dim.pkts()).isEqualTo(64);
        assertThat(new Dim().cqeMode()).isFalse();
        assertThat(Dim.zeroed().cqeMode()).isFalse();
    }

    /** mlx5e_dim_enable() (en_dim.c, 6.18): kvzalloc_node'd, CQE mode; the first traffic picks profile 1 (8, 128). */
    @Test
    void shouldStartZeroedInCqeModeAndStepThroughTheCqeTable() {
        final Dim dim = Dim.zeroedRxCqe();
        assertThat(dim.cqeMode()).isTrue();
        assertThat(dim.profileIx()).isZero();
        assertThat(dim.parked()).isTrue();
        assertThat(dim.usec()).isEqualTo(2);
        assertThat(dim.pkts()).isEqualTo(256);
        assertThat(window(dim, 0, 0)).as("no traffic: still parked").isFalse();
        assertThat(window(dim, 1000, 1_000_000)).isTrue();
        assertThat(dim.profileIx()).isEqualTo(1);
        assertThat(dim.usec()).isEqualTo(8);
        assertThat(dim.pkts()).isEqualTo(128);
        assertThat(window(dim, 2000, 2_000_000)).isTrue();
        assertThat(window(dim, 3000, 3_000_000)).isTrue();
        assertThat(window(dim, 4000, 4_000_000)).isTrue();
        assertThat(dim.profileIx()).isEqualTo(4);
        assertThat(dim.usec()).isEqualTo(64);
        assertThat(dim.pkts()).isEqualTo(64);
    }

    /** The decisions do not depend on the table: a zeroed CQE DIM walks as a zeroed EQE one. */
    @Test
    void shouldDecideAlikeWithEitherTable() {
        final Dim eqe = Dim.zeroed();
        final Dim cqe = Dim.zeroedRxCqe();
        final long[] rates = {1000, 2000, 1500, 1500, 3000, 800, 800, 900, 4000, 4000};
        for (final long r : rates) {
            final long t0 = t;
            final long e0 = events;
            final long p0 = packets;
            final long b0 = bytes;
            final boolean a = window(eqe, r, r * 1000);
            t = t0;
            events = e0;
            packets = p0;
            bytes = b0;
            assertThat(window(cqe, r, r * 1000)).isEqualTo(a);
            assertThat(cqe.profileIx()).isEqualTo(eqe.profileIx());
            assertThat(cqe.parked()).isEqualTo(eqe.parked());
        }
    }
}
