package io.pktsim.nic.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class TxRingTest {

    @Test
    void shouldStopBelowTheThresholdAndWakeAboveIt() {
        final TxRing ring = new TxRing("t", 32, 19, 19);
        int queued = 0;
        while (ring.offer(queued, 0)) {
            queued++;
        }
        // after the 14th frame 18 descriptors are free (< 19): stopped
        assertThat(queued).isEqualTo(14);
        assertThat(ring.stopped()).isTrue();
        assertThat(ring.freeSlots()).isEqualTo(18);
        assertThat(ring.counters().get(TxCounter.QUEUE_STOPPED)).isEqualTo(1);
        assertThat(ring.counters().get(TxCounter.TX_BUSY)).isEqualTo(1);
        final List<Integer> freed = new ArrayList<>();
        assertThat(ring.complete(10, 0, (p, t) -> freed.add(p))).as("nothing sent yet").isZero();
        assertThat(ring.markSent(3)).isEqualTo(3);
        assertThat(ring.complete(10, 0, (p, t) -> freed.add(p))).isEqualTo(3);
        assertThat(freed).containsExactly(0, 1, 2);
        assertThat(ring.stopped()).as("21 free >= 19").isFalse();
        assertThat(ring.counters().get(TxCounter.QUEUE_WOKEN)).isEqualTo(1);
        assertThat(ring.markSent(100)).isEqualTo(11);
        assertThat(ring.complete(4, 0, null)).isEqualTo(4);
        assertThat(ring.sentSlots()).isEqualTo(7);
    }

    @Test
    void shouldHoldAStoppedQueueUntilTheWakeThreshold() {
        final TxRing ring = new TxRing("t", 16, 4, 8);
        for (int i = 0; i < 13; i++) {
            assertThat(ring.offer(i, 0)).isTrue();
        }
        assertThat(ring.stopped()).isTrue();
        ring.markSent(13);
        ring.complete(4, 0, null);
        assertThat(ring.freeSlots()).isEqualTo(7);
        assertThat(ring.stopped()).isTrue();
        assertThat(ring.offer(99, 0)).isFalse();
        ring.complete(1, 0, null);
        assertThat(ring.stopped()).isFalse();
        assertThat(ring.offer(99, 0)).isTrue();
    }

    @Test
    void shouldDefaultToMaxSkbFragsPlusTwo() {
        final TxRing ring = new TxRing("t", TxRing.MTK_QDMA_RING_SIZE);
        assertThat(ring.stopThresholdSlots()).isEqualTo(19);
        assertThat(TxRing.DEFAULT_STOP_THRESHOLD_SLOTS).isEqualTo(TxRing.MAX_SKB_FRAGS + 2);
    }
}
