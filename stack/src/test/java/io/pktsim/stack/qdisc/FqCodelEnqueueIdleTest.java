package io.pktsim.stack.qdisc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link FqCodel#enqueueIdle} against {@link FqCodel#enqueue(int, long)} then {@link FqCodel#dequeue} on a twin, and
 * {@link FqCodel#enqueue(int, long, long)} with the packet's {@link FqCodel#flowHash(int)} against the plain enqueue:
 * on random states (bursts, queues drained to empty, CoDel dropping, limits hit, random quantum, target 0, a memory
 * limit below one truesize, limit 0) the same returned packets and every field of the two qdiscs alike (flow records,
 * lists, deficits, backlogs, CoDel state, enqueue times, counters).
 */
class FqCodelEnqueueIdleTest {

    static final long SEED = 0x6964_6C65L;

    @Test
    void shouldChangeStateExactlyAsEnqueueThenDequeue() throws IllegalAccessException {
        final SplittableRandom rnd = new SplittableRandom(SEED);
        long onePass = 0;
        long idleCalls = 0;
        for (int run = 0; run < 30; run++) {
            final FqCodelConfig config = new FqCodelConfig();
            config.ecn = rnd.nextBoolean();
            config.flows = rnd.nextBoolean() ? 16 : 1024;
            config.limit = rnd.nextInt(8) == 0 ? rnd.nextInt(2) : 20 + rnd.nextInt(300);
            config.quantumBytes = rnd.nextBoolean() ? 1514 : 1 + rnd.nextInt(3000);
            if (rnd.nextInt(6) == 0) {
                config.targetNs = 0;
            }
            if (rnd.nextInt(4) == 0) {
                config.memoryLimitBytes = (long) config.truesizeBytes * rnd.nextInt(100);
            }
            final PacketStore[] stores = {new PacketStore(1024, 512, 64), new PacketStore(1024, 512, 64)};
            final PacketBuilder[] builders = {new PacketBuilder(stores[0]), new PacketBuilder(stores[1])};
            final FqCodel one = new FqCodel(stores[0], config);
            final FqCodel two = new FqCodel(stores[1], config);
            final int flows = 1 + rnd.nextInt(40);
            long now = 0;
            for (int op = 0; op < 10_000; op++) {
                now += rnd.nextInt(10) == 0 ? rnd.nextInt(20_000_000) : rnd.nextInt(200_000);
                final int what = rnd.nextInt(10);
                final String at = "seed " + SEED + " run " + run + " op " + op;
                if (what < 6) {
                    final int f = rnd.nextInt(flows);
                    final boolean v6 = (f & 1) == 0;
                    final boolean hashed = rnd.nextInt(4) == 0;
                    final int len = 100 + rnd.nextInt(1400);
                    final int tos = rnd.nextInt(4);
                    final int[] h = new int[2];
                    for (int k = 0; k < 2; k++) {
                        final PacketBuilder pb = builders[k].reset();
                        if (v6) {
                            pb.ipv6(0x2400_0000_0000_0000L, f, 0xFD00_0000_0000_0000L, 7).flowLabel(0);
                        } else {
                            pb.ipv4(0x0A00_0000 | f, 0x0808_0808).tos(tos);
                        }
                        h[k] = (f & 2) == 0 ? pb.udp(1000 + f, 53).payload(len).build()
                            : pb.tcp(1000 + f, 443, op, 0, 0x10).payload(len).build();
                        if (hashed) {
                            stores[k].hash(h[k], f * 0x9E37_79B9, PacketStore.HASH_L4);
                        }
                    }
                    final long given = rnd.nextBoolean() ? one.flowHash(h[0]) & 0xFFFF_FFFFL : Qdisc.NO_FLOW_HASH;
                    if (what < 3 || one.qlen() == 0 && rnd.nextBoolean()) {
                        // the port is idle: enqueue and dequeue at once
                        idleCalls++;
                        if (one.qlen() == 0 && intField(one, "newHead") < 0 && intField(one, "oldHead") < 0) {
                            onePass++;
                        }
                        final int a = one.enqueueIdle(h[0], now, given);
                        two.enqueue(h[1], now);
                        final int b = two.dequeue(now);
                        assertThat(a).as(at).isEqualTo(b);
                        if (a != PacketStore.NO_PACKET) {
                            stores[0].free(a);
                            stores[1].free(b);
                        }
                        assertSameState(one, two, at);
                    } else {
                        assertThat(one.enqueue(h[0], now, given)).as(at).isEqualTo(two.enqueue(h[1], now));
                    }
                } else {
                    final int a = one.dequeue(now);
                    final int b = two.dequeue(now);
                    assertThat(a).as(at).isEqualTo(b);
                    if (a != PacketStore.NO_PACKET) {
                        stores[0].free(a);
                        stores[1].free(b);
                    }
                }
                if (op % 64 == 0) {
                    assertSameState(one, two, at);
                }
            }
            assertSameState(one, two, "seed " + SEED + " run " + run);
        }
        assertThat(idleCalls).isGreaterThan(50_000);
        assertThat(onePass).isGreaterThan(10_000);
    }

    static int intField(final FqCodel q, final String name) {
        try {
            final Field field = FqCodel.class.getDeclaredField(name);
            field.setAccessible(true);
            return field.getInt(q);
        } catch (final ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Every instance field of the two qdiscs alike, except the store and its buffer's address. */
    static void assertSameState(final FqCodel one, final FqCodel two, final String at) throws IllegalAccessException {
        for (final QdiscCounter c : QdiscCounter.values()) {
            assertThat(one.counters().get(c)).as(at + " " + c).isEqualTo(two.counters().get(c));
        }
        for (final Field field : FqCodel.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            final Class<?> t = field.getType();
            if (!t.isPrimitive() && t != int[].class && t != long[].class || "memAddress".equals(field.getName())) {
                continue;
            }
            field.setAccessible(true);
            final Object a = field.get(one);
            final Object b = field.get(two);
            final String what = at + " " + field.getName();
            if (a instanceof int[]) {
                assertThat(Arrays.equals((int[]) a, (int[]) b)).as(what).isTrue();
            } else if (a instanceof long[]) {
                assertThat(Arrays.equals((long[]) a, (long[]) b)).as(what).isTrue();
            } else {
                assertThat(a).as(what).isEqualTo(b);
            }
        }
    }
}
