package io.pktsim.stack.qdisc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.hash.Jhash;
import io.pktsim.core.header.Ipv4View;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.test.AllocationMeter;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;

class QdiscTest {

    static final long MS = 1_000_000L;
    static final int FLOW_A = 0;
    static final int FLOW_B = 0x8000_0000;

    final PacketStore store = new PacketStore(2048, 256, 64);
    final PacketBuilder pb = new PacketBuilder(store);

    int packet(final int tos, final int payload) {
        return pb.reset().tos(tos).udp(1, 2).payload(payload).build();
    }

    int hashed(final int hash, final int payload, final int tos) {
        final int h = pb.reset().tos(tos).udp(1, 2).payload(payload).build();
        store.hash(h, hash, PacketStore.HASH_L4);
        return h;
    }

    @Test
    void shouldMapTosToPfifoFastBandsAndServeThemInStrictPriority() {
        final PfifoFast q = new PfifoFast(store, PfifoFast.DEFAULT_TX_QUEUE_LEN);
        final int bulk = packet(0x08, 10);
        final int normal1 = packet(0x00, 10);
        final int lowDelay = packet(0x10, 10);
        final int normal2 = packet(0x00, 10);
        assertThat(PfifoFast.band(store, bulk)).isEqualTo(2);
        assertThat(PfifoFast.band(store, normal1)).isEqualTo(1);
        assertThat(PfifoFast.band(store, lowDelay)).isEqualTo(0);
        // 0x04 (reliability): ip_tos2prio[2] = BESTEFFORT -> band 1; 0x18: prio 4 -> band 1
        assertThat(PfifoFast.band(store, packet(0x04, 0))).isEqualTo(1);
        assertThat(PfifoFast.band(store, packet(0x18, 0))).isEqualTo(1);
        for (final int h : new int[] {bulk, normal1, lowDelay, normal2}) {
            assertThat(q.enqueue(h, 0)).isEqualTo(Qdisc.NET_XMIT_SUCCESS);
        }
        assertThat(q.qlen()).isEqualTo(4);
        assertThat(q.backlogBytes()).isEqualTo(4 * (14 + 20 + 8 + 10));
        assertThat(q.dequeue(0)).isEqualTo(lowDelay);
        assertThat(q.dequeue(0)).isEqualTo(normal1);
        assertThat(q.dequeue(0)).isEqualTo(normal2);
        assertThat(q.dequeue(0)).isEqualTo(bulk);
        assertThat(q.dequeue(0)).isEqualTo(PacketStore.NO_PACKET);
    }

    @Test
    void shouldDropWhenAPfifoFastBandIsFull() {
        final PfifoFast q = new PfifoFast(store, 3);
        for (int i = 0; i < 3; i++) {
            assertThat(q.enqueue(packet(0, 0), 0)).isEqualTo(Qdisc.NET_XMIT_SUCCESS);
        }
        final int inUse = store.inUse();
        assertThat(q.enqueue(packet(0, 0), 0)).isEqualTo(Qdisc.NET_XMIT_DROP);
        assertThat(store.inUse()).isEqualTo(inUse);
        assertThat(q.enqueue(packet(0x10, 0), 0)).isEqualTo(Qdisc.NET_XMIT_SUCCESS);
        assertThat(q.counters().get(QdiscCounter.DROP_OVERLIMIT)).isEqualTo(1);
        assertThat(q.counters().get(QdiscCounter.DROPPED)).isEqualTo(1);
        assertThat(q.qlen()).isEqualTo(4);
    }

    @Test
    void shouldRoundRobinFqCodelFlowsByQuantum() {
        final FqCodel q = new FqCodel(store, new FqCodelConfig());
        final List<Integer> a = new ArrayList<>();
        final List<Integer> b = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            final int h = hashed(FLOW_A, 1514 - 28, 0);
            a.add(h);
            q.enqueue(h, 0);
        }
        for (int i = 0; i < 3; i++) {
            final int h = hashed(FLOW_B, 1514 - 28, 0);
            b.add(h);
            q.enqueue(h, 0);
        }
        assertThat(q.classify(a.get(0))).isZero();
        assertThat(q.classify(b.get(0))).isEqualTo(512);
        assertThat(q.counters().get(QdiscCounter.NEW_FLOW)).isEqualTo(2);
        final List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            order.add(q.dequeue(0));
        }
        assertThat(order).containsExactly(a.get(0), b.get(0), a.get(1), b.get(1), a.get(2), b.get(2));
        assertThat(q.dequeue(0)).isEqualTo(PacketStore.NO_PACKET);
        assertThat(q.qlen()).isZero();
        assertThat(q.backlogBytes()).isZero();
        assertThat(q.memoryUsageBytes()).isZero();
    }

    @Test
    void shouldDropHalfTheFattestFlowOverTheLimit() {
        final FqCodelConfig c = new FqCodelConfig();
        c.limit = 100;
        final FqCodel q = new FqCodel(store, c);
        for (int i = 0; i < 100; i++) {
            assertThat(q.enqueue(hashed(FLOW_A, 1000 - 28, 0), 0)).isEqualTo(Qdisc.NET_XMIT_SUCCESS);
        }
        final int before = store.inUse();
        assertThat(q.enqueue(hashed(FLOW_B, 1000 - 28, 0), 0)).isEqualTo(Qdisc.NET_XMIT_SUCCESS);
        // the fattest flow held 100 000 bytes: packets are dropped until 50 000 are gone
        assertThat(q.counters().get(QdiscCounter.DROP_OVERLIMIT)).isEqualTo(50);
        assertThat(q.counters().get(QdiscCounter.DROPPED)).isEqualTo(50);
        assertThat(q.qlen()).isEqualTo(51);
        assertThat(store.inUse()).isEqualTo(before + 1 - 50);
        assertThat(q.codelCount(0)).isEqualTo(50);
        // the fat flow's own next packet over the limit is reported as congestion
        for (int i = 0; i < 49; i++) {
            q.enqueue(hashed(FLOW_B, 1000 - 28, 0), 0);
        }
        assertThat(q.enqueue(hashed(FLOW_A, 2000 - 28, 0), 0)).isEqualTo(Qdisc.NET_XMIT_CN);
    }

    @Test
    void shouldCountOverMemoryDrops() {
        final FqCodelConfig c = new FqCodelConfig();
        c.memoryLimitBytes = 10L * c.truesizeBytes;
        final FqCodel q = new FqCodel(store, c);
        for (int i = 0; i < 11; i++) {
            q.enqueue(hashed(FLOW_A, 100, 0), 0);
        }
        assertThat(q.counters().get(QdiscCounter.DROP_OVERMEMORY)).isEqualTo(6);
        assertThat(q.counters().get(QdiscCounter.DROP_OVERLIMIT)).isEqualTo(6);
        assertThat(q.qlen()).isEqualTo(5);
    }

    @Test
    void shouldComputeTheInverseSquareRootAsTheKernel() {
        // one Newton iteration x' = x (3 - n x^2) / 2 in Q0.16, as codel_Newton_step computes it
        int rec = 0xFFFF;
        for (int n = 2; n <= 100; n++) {
            final double x = rec / 65536.0;
            final int next = FqCodel.newtonStep(rec, n);
            assertThat(next / 65536.0).isCloseTo(x * (3 - n * x * x) / 2, org.assertj.core.data.Offset.offset(0.001));
            rec = next;
        }
        assertThat(FqCodel.newtonStep(0xFFFF, 2)).isEqualTo(0x8001);
        // repeated at a fixed count it converges to 1/sqrt(count)
        int r4 = 0xFFFF;
        for (int i = 0; i < 8; i++) {
            r4 = FqCodel.newtonStep(r4, 4);
        }
        assertThat(r4 / 65536.0).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.001));
        assertThat(FqCodel.controlLaw(1000, 97656, 0xFFFF)).isEqualTo(1000 + 97654);
        assertThat(FqCodel.controlLaw(0, 97656, r4)).isBetween(48700, 48900);
    }

    /**
     * One flow, 1500-byte packets arriving every 0.5 ms, leaving every 1 ms: the queue grows.
     *
     * @return the times (ms) of the dequeues at which the CoDel count moved
     */
    List<Long> overload(final FqCodel q, final int tos, final long untilNs) {
        final List<Long> events = new ArrayList<>();
        long nextIn = 0;
        long seen = 0;
        for (long t = 0; t < untilNs; t += MS) {
            while (nextIn <= t) {
                q.enqueue(hashed(FLOW_A, 1500 - 28, tos), nextIn);
                nextIn += MS / 2;
            }
            final int h = q.dequeue(t);
            if (h != PacketStore.NO_PACKET) {
                store.free(h);
            }
            final long n = q.counters().get(QdiscCounter.DROP_CODEL) + q.counters().get(QdiscCounter.ECN_MARK);
            if (n != seen) {
                events.add(t / MS);
                seen = n;
            }
        }
        return events;
    }

    @Test
    void shouldDropAtTheKernelsControlLawTimes() {
        final FqCodel q = new FqCodel(store, new FqCodelConfig());
        // the head's sojourn reaches target (5 ms) at t = 10 ms; the first drop comes one interval later, at
        // 111 ms (codel time is ns >> 10); then drop_next = 100 ms * rec_inv_sqrt, where the Newton iteration
        // gives 1, 0.5, 0.5625, 0.4878 for counts 1..4: 211, 261, 318, 367 ms
        assertThat(overload(q, 0, 400 * MS)).containsExactly(111L, 211L, 261L, 318L, 367L);
        assertThat(q.counters().get(QdiscCounter.DROP_CODEL)).isEqualTo(5);
        assertThat(q.counters().get(QdiscCounter.ECN_MARK)).isZero();
        assertThat(q.counters().get(QdiscCounter.DROPPED)).isEqualTo(5);
        assertThat(q.codelCount(0)).isEqualTo(5);
    }

    @Test
    void shouldMarkEcnCapablePacketsInsteadOfDropping() {
        final FqCodel q = new FqCodel(store, new FqCodelConfig());
        assertThat(overload(q, 0x02, 400 * MS)).containsExactly(111L, 211L, 261L, 318L, 367L);
        assertThat(q.counters().get(QdiscCounter.DROP_CODEL)).isZero();
        assertThat(q.counters().get(QdiscCounter.ECN_MARK)).isEqualTo(5);
        // the marked packets left; check one marking directly: a queued ECT(0) packet after a long stall
        final FqCodel q2 = new FqCodel(store, new FqCodelConfig());
        for (int i = 0; i < 10; i++) {
            q2.enqueue(hashed(FLOW_A, 1472, 0x02), 0);
        }
        q2.dequeue(10 * MS);
        final int marked = q2.dequeue(200 * MS);
        final Ipv4View ip = new Ipv4View().wrap(store.buffer(), store.networkHeaderOffset(marked));
        assertThat(ip.tos() & 3).isEqualTo(3);
        assertThat(ip.checksumValid()).isTrue();
    }

    @Test
    void shouldNotAllocate() {
        final FqCodel fq = new FqCodel(store, new FqCodelConfig());
        final PfifoFast pf = new PfifoFast(store, 1000);
        final long[] t = {0};
        final Runnable work = () -> {
            t[0] += MS / 4;
            fq.enqueue(hashed((int) t[0] * 0x9E3779B9, 1400, 0), t[0]);
            fq.enqueue(hashed(FLOW_A, 1400, 0), t[0]);
            int h = fq.dequeue(t[0]);
            if (h != PacketStore.NO_PACKET) {
                store.free(h);
            }
            h = fq.dequeue(t[0]);
            if (h != PacketStore.NO_PACKET) {
                store.free(h);
            }
            pf.enqueue(packet(0x10, 100), t[0]);
            store.free(pf.dequeue(t[0]));
        };
        AllocationMeter.assertNoAllocation("qdisc enqueue/dequeue", work);
        assertThat(fq.counters().get(QdiscCounter.DEQUEUED)).isGreaterThan(10_000);
    }

    /** The flow hash of an unhashed packet, read through the buffer's checked accessors (the reference). */
    int referenceFlowHash(final int h) {
        final int net = store.networkOffset(h);
        if (net < 0) {
            return 0;
        }
        final MutableDirectBuffer b = store.buffer();
        final int f = store.frameOffset(h);
        final int at = f + net;
        final int tr = store.transportOffset(h);
        final int ports = tr >= 0 ? b.getInt(f + tr, ByteOrder.BIG_ENDIAN) : 0;
        if ((b.getByte(at) & 0xF0) == 0x40) {
            return Jhash.jhash3Words(b.getInt(at + 12, ByteOrder.BIG_ENDIAN), b.getInt(at + 16, ByteOrder.BIG_ENDIAN),
                ports, b.getByte(at + 9) & 0xFF);
        }
        return Jhash.jhash3Words(b.getInt(at + 20, ByteOrder.BIG_ENDIAN) ^ b.getInt(at + 12, ByteOrder.BIG_ENDIAN),
            b.getInt(at + 36, ByteOrder.BIG_ENDIAN) ^ b.getInt(at + 28, ByteOrder.BIG_ENDIAN), ports,
            b.getByte(at + 6) & 0xFF);
    }

    @Test
    void shouldClassifyByThePacketsOwnSkbHashBeforeTheGivenOne() {
        // skb_get_hash(): a driver's L4 hash (the MT7621 PPE's, an RSS hash) is the packet's; a caller's flow hash
        // only stands in for the one the stack would compute for an unhashed packet
        final FqCodel q = new FqCodel(store, new FqCodelConfig());
        final int owned = hashed(FLOW_B, 100, 0);
        q.enqueue(owned, 0, FLOW_A & 0xFFFF_FFFFL);
        final int unhashed = packet(0, 100);
        q.enqueue(unhashed, 0, FLOW_B & 0xFFFF_FFFFL);
        // both in flow 512: one new flow, the second packet joined it
        assertThat(q.counters().get(QdiscCounter.NEW_FLOW)).isEqualTo(1);
        final int other = packet(0, 100);
        q.enqueue(other, 0, FLOW_A & 0xFFFF_FFFFL);
        assertThat(q.counters().get(QdiscCounter.NEW_FLOW)).isEqualTo(2);
    }

    @Test
    void shouldClassifyUnhashedPacketsByTheirHeaders() {
        final FqCodel q = new FqCodel(store, new FqCodelConfig());
        final SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 2000; i++) {
            pb.reset();
            if (rnd.nextInt(4) == 0) {
                pb.vlan(1 + rnd.nextInt(4000));
            }
            if (rnd.nextInt(4) == 0) {
                pb.pppoe(1 + rnd.nextInt(60000));
            }
            if (rnd.nextBoolean()) {
                pb.ipv4(rnd.nextInt(), rnd.nextInt());
            } else {
                pb.ipv6(rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong());
            }
            if (rnd.nextBoolean()) {
                pb.udp(rnd.nextInt(65536), rnd.nextInt(65536));
            } else {
                pb.tcp(rnd.nextInt(65536), rnd.nextInt(65536), rnd.nextInt(), rnd.nextInt(), 0x10);
            }
            final int h = pb.payload(rnd.nextInt(100)).build();
            final int mode = rnd.nextInt(4);
            if (mode == 1) {
                store.transportOffset(h, -1);
            } else if (mode == 2) {
                // an L3 header read near the end of the slot's data area (past it for IPv6's 40 bytes)
                final int net = store.dataCapacity() - store.headroom(h) - 20 - rnd.nextInt(30);
                store.buffer().putByte(store.frameOffset(h) + net, (byte) 0x45);
                store.networkOffset(h, net);
                store.transportOffset(h, net - 8);
            } else if (mode == 3) {
                store.networkOffset(h, -1);
            }
            final long expected = ((referenceFlowHash(h) & 0xFFFF_FFFFL) * 1024) >>> 32;
            assertThat(q.classify(h)).as("packet %d, mode %d", i, mode).isEqualTo((int) expected);
            store.free(h);
        }
    }
}
