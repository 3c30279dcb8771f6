package io.pktsim.stack.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.test.AllocationMeter;
import org.junit.jupiter.api.Test;

/** The per-packet send, receive and ACK path allocates nothing, losses and recovery included. */
class TcpAllocationTest {

    @Test
    void shouldNotAllocatePerSegment() {
        for (int cc = 0; cc < 2; cc++) {
            final TcpHarness net = new TcpHarness(new TcpConfig().congestionControl(cc), 100_000_000L,
                20_000_000L, 60_000L);
            net.start(TcpEndpoint.UNLIMITED);
            net.runUntil(2_000_000_000L);
            final Runnable work = () -> net.loop.run(net.loop.nowNs() + 200_000L, Long.MAX_VALUE);
            long bytes = AllocationMeter.measure(work);
            for (int attempt = 0; attempt < 3 && bytes != 0; attempt++) {
                bytes = AllocationMeter.measure(work);
            }
            assertThat(net.server.counters().get(TcpCounter.FAST_RETRANSMITS)).isPositive();
            assertThat(net.client.counters().get(TcpCounter.DATA_SEGMENTS_RECEIVED)).isGreaterThan(50_000);
            assertThat(bytes).as("bytes allocated by TCP, cc %d", cc).isZero();
        }
    }
}
