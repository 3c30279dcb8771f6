package io.pktsim.stack.qdisc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link FqCodel} against {@link FqCodelReference}, a copy of it as it was before its dequeue skipped the call for an
 * empty flow and split CoDel's dropping state from its common case: the same random enqueues (hashed or not, ECN
 * capable or not, IPv4 and IPv6, many flows or few) and dequeues, at times that make CoDel drop and mark, over the
 * limit and the memory limit, give the same packets, counters, queue lengths, backlogs and CoDel counts.
 */
class FqCodelReferenceTest {

    static final long SEED = 0x6671_636FL;

    @Test
    void shouldDequeueExactlyAsTheReference() {
        final SplittableRandom rnd = new SplittableRandom(SEED);
        long dequeued = 0;
        long codelDrops = 0;
        long marks = 0;
        long overlimit = 0;
        for (int run = 0; run < 30; run++) {
            final FqCodelConfig config = new FqCodelConfig();
            config.ecn = rnd.nextBoolean();
            config.flows = rnd.nextBoolean() ? 16 : 1024;
            config.limit = 20 + rnd.nextInt(300);
            if (rnd.nextInt(4) == 0) {
                config.memoryLimitBytes = (long) config.truesizeBytes * (10 + rnd.nextInt(100));
            }
            final PacketStore[] stores = {new PacketStore(1024, 512, 64), new PacketStore(1024, 512, 64)};
            final PacketBuilder[] builders = {new PacketBuilder(stores[0]), new PacketBuilder(stores[1])};
            final FqCodel fast = new FqCodel(stores[0], config);
            final FqCodelReference ref = new FqCodelReference(stores[1], config);
            final int flows = 1 + rnd.nextInt(40);
            long now = 0;
            for (int op = 0; op < 20_000; op++) {
                // bursts faster than the dequeues, idle gaps, and slow dequeues that let sojourn times grow
                now += rnd.nextInt(10) == 0 ? rnd.nextInt(20_000_000) : rnd.nextInt(200_000);
                final int what = rnd.nextInt(10);
                final String at = "seed " + SEED + " run " + run + " op " + op;
                if (what < 5) {
                    final int f = rnd.nextInt(flows);
                    final boolean v6 = (f & 1) == 0;
                    final int tos = rnd.nextInt(4);
                    final boolean hashed = rnd.nextInt(4) == 0;
                    final int len = 100 + rnd.nextInt(1400);
                    final int[] h = new int[2];
                    for (int k = 0; k < 2; k++) {
                        final PacketBuilder pb = builders[k].reset();
                        if (v6) {
                            pb.ipv6(0x2400_0000_0000_0000L, f, 0xFD00_0000_0000_0000L, 7).flowLabel(0);
                        } else {
                            pb.ipv4(0x0A00_0000 | f, 0x0808_0808).tos(tos);
                        }
                        h[k] = pb.udp(1000 + f, 53).payload(len).build();
                        if (hashed) {
                            stores[k].hash(h[k], f * 0x9E37_79B9, PacketStore.HASH_L4);
                        }
                        if (v6 && tos != 0) {
                            // the ECN field of the traffic class
                            final int at6 = stores[k].networkHeaderOffset(h[k]);
                            stores[k].buffer().putByte(at6 + 1, (byte) (tos << 4));
                        }
                    }
                    assertThat(fast.enqueue(h[0], now)).as(at).isEqualTo(ref.enqueue(h[1], now));
                } else {
                    final int a = fast.dequeue(now);
                    final int b = ref.dequeue(now);
                    assertThat(a).as(at).isEqualTo(b);
                    if (a != PacketStore.NO_PACKET) {
                        assertThat(bytes(stores[0], a)).as(at).isEqualTo(bytes(stores[1], b));
                        stores[0].free(a);
                        stores[1].free(b);
                        dequeued++;
                    }
                }
                assertThat(fast.qlen()).as(at).isEqualTo(ref.qlen());
                assertThat(fast.backlogBytes()).as(at).isEqualTo(ref.backlogBytes());
                for (final QdiscCounter c : QdiscCounter.values()) {
                    assertThat(fast.counters().get(c)).as(at + " " + c).isEqualTo(ref.counters().get(c));
                }
            }
            for (int f = 0; f < config.flows; f++) {
                assertThat(fast.codelCount(f)).isEqualTo(ref.codelCount(f));
            }
            codelDrops += fast.counters().get(QdiscCounter.DROP_CODEL);
            marks += fast.counters().get(QdiscCounter.ECN_MARK);
            overlimit += fast.counters().get(QdiscCounter.DROP_OVERLIMIT);
        }
        assertThat(dequeued).isGreaterThan(100_000);
        assertThat(codelDrops).isGreaterThan(1_000);
        assertThat(marks).isGreaterThan(1_000);
        assertThat(overlimit).isGreaterThan(1_000);
    }

    static byte[] bytes(final PacketStore s, final int h) {
        final byte[] out = new byte[s.storedLength(h)];
        s.buffer().getBytes(s.frameOffset(h), out);
        return out;
    }
}
