package io.pktsim.stack.qdisc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Every packet handed to a qdisc is sent, still queued, or dropped with a counted reason. */
class QdiscConservationTest {

    static final long US = 1_000L;

    /**
     * Operations: a value below 64 enqueues a packet of flow (value % 16) with TOS (value & 0x1C) and a
     * length from the value; 64 and above dequeues. Time advances 50 µs per operation.
     */
    void run(final Qdisc q, final PacketStore store, final List<Integer> ops) {
        final PacketBuilder pb = new PacketBuilder(store);
        long offered = 0;
        long sent = 0;
        long now = 0;
        for (final int op : ops) {
            now += 50 * US;
            if (op < 64) {
                final int h = pb.reset().tos((op & 0x1C) | (op & 1) << 1).udp(op % 16, 9).payload(100 + 20 * op)
                    .build();
                store.hash(h, (op % 16) * 0x1000_0001, PacketStore.HASH_L4);
                offered++;
                q.enqueue(h, now);
            } else {
                final int h = q.dequeue(now);
                if (h != PacketStore.NO_PACKET) {
                    sent++;
                    store.free(h);
                }
            }
            final long dropped = q.counters().get(QdiscCounter.DROPPED);
            assertThat(offered).isEqualTo(sent + q.qlen() + dropped);
            assertThat(store.inUse()).isEqualTo(q.qlen());
            assertThat(q.counters().get(QdiscCounter.DEQUEUED)).isEqualTo(sent);
        }
        long backlog = 0;
        while (q.qlen() > 0) {
            final int h = q.dequeue(now);
            if (h == PacketStore.NO_PACKET) {
                break;
            }
            backlog += store.length(h);
            store.free(h);
        }
        assertThat(q.qlen()).isZero();
        assertThat(q.backlogBytes()).isZero();
        assertThat(store.inUse()).isZero();
        assertThat(backlog).isGreaterThanOrEqualTo(0);
    }

    @Property(tries = 100)
    void fqCodelConservesPackets(@ForAll @Size(max = 3000) final List<@IntRange(min = 0, max = 100) Integer> ops,
        @ForAll @IntRange(min = 4, max = 200) final int limit) {
        final PacketStore store = new PacketStore(4096, 256, 64);
        final FqCodelConfig c = new FqCodelConfig();
        c.limit = limit;
        c.flows = 8;
        c.memoryLimitBytes = 60L * c.truesizeBytes;
        run(new FqCodel(store, c), store, ops);
    }

    @Property(tries = 100)
    void pfifoFastConservesPackets(@ForAll @Size(max = 3000) final List<@IntRange(min = 0, max = 100) Integer> ops,
        @ForAll @IntRange(min = 1, max = 50) final int txQueueLen) {
        final PacketStore store = new PacketStore(4096, 256, 64);
        run(new PfifoFast(store, txQueueLen), store, ops);
    }
}
