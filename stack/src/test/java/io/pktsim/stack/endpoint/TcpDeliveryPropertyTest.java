package io.pktsim.stack.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.random.RandomStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** TCP delivers every byte exactly once, in order, whatever is dropped (both directions, SYN and FIN too). */
class TcpDeliveryPropertyTest {

    @Property(tries = 60)
    void shouldDeliverEveryByteExactlyOnceInOrder(@ForAll @LongRange(min = 0, max = 1_000_000) final long seed,
        @ForAll @IntRange(min = 0, max = 20) final int dropPercent,
        @ForAll @IntRange(min = 1, max = 300_000) final int bytes,
        @ForAll @IntRange(min = 0, max = 1) final int cc) {
        final TcpHarness net = new TcpHarness(new TcpConfig().congestionControl(cc).rcvBufBytes(64 * 1024),
            50_000_000L, 10_000_000L, 40_000L);
        final RandomStream drops = RandomStream.derive(seed, 0, "drops");
        final double p = dropPercent / 100.0;
        net.forwardFilter = (h, t) -> {
            if (drops.nextBoolean(p)) {
                net.store.free(h);
            } else {
                net.forward.accept(h, t);
            }
        };
        net.reverseFilter = (h, t) -> {
            if (drops.nextBoolean(p)) {
                net.store.free(h);
            } else {
                net.reverse.accept(h, t);
            }
        };
        final long[] next = {1};
        final long[] duplicates = {0};
        net.client.deliveryListener((ep, offset, n, t) -> {
            if (offset != next[0]) {
                duplicates[0]++;
            }
            next[0] = offset + n;
        });
        net.start(bytes);
        net.runUntil(3_000_000_000_000L);
        assertThat(duplicates[0]).as("deliveries not starting where the previous one ended (seed %d)", seed).isZero();
        assertThat(next[0] - 1).as("bytes delivered in order (seed %d)", seed).isEqualTo(bytes);
        assertThat(net.client.bytesDelivered()).isEqualTo(bytes);
        assertThat(net.server.bytesAcked()).isEqualTo(bytes);
        assertThat(net.server.state()).isEqualTo(TcpEndpoint.DONE);
        assertThat(net.client.state()).isEqualTo(TcpEndpoint.DONE);
        assertThat(net.store.inUse()).isZero();
    }
}
