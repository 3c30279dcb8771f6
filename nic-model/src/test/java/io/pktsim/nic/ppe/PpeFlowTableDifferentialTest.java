package io.pktsim.nic.ppe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import io.pktsim.core.counter.Counters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@link PpeFlowTable} (entries packed one record each) against {@link ReferencePpeFlowTable} (one array per field,
 * main aef5839): the same random operations (packets of a small tuple set, so that buckets collide, offloads,
 * destroys, checks and ageing over simulated seconds) must give the same results, entries, counters and bindings.
 */
class PpeFlowTableDifferentialTest {

    static final long MS = 1_000_000L;

    @Test
    void shouldGiveEveryEntryTheSkbHashOfItsIndex() {
        final PpeFlowTable ppe = new PpeFlowTable(PpeConfig.mt7621());
        for (int i = 0; i < 8192; i++) {
            assertThat(ppe.entrySkbHash(i)).as("entry %d", i).isEqualTo(PpeFlowTable.skbHash(i));
        }
        final PpeFlowTable legacy = new PpeFlowTable(PpeConfig.legacy4k());
        for (int i = 0; i < 4096; i++) {
            assertThat(legacy.entrySkbHash(i)).as("entry %d", i).isEqualTo(PpeFlowTable.skbHash(i));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L})
    void shouldMatchTheReferenceTableOnRandomTraffic(final long seed) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final PpeConfig config = new PpeConfig();
        // small tables so that buckets fill and collide; odd seeds bind at offload like the legacy driver
        config.entries = seed % 4 == 0 ? 8192 : 128;
        config.skipBoundaryEntries = seed % 3 != 0;
        config.hashOffset = seed % 2 == 0 ? 2 : 4;
        config.bindOnOffload = seed % 5 == 0;
        config.maxSoftwareFlows = 64;
        final PpeFlowTable ppe = new PpeFlowTable(config);
        final ReferencePpeFlowTable ref = new ReferencePpeFlowTable(config);
        // a tuple set small enough to repeat, large enough to collide in 128 entries; protocols beyond TCP/UDP
        // and outside a byte's range too
        final int tuples = 400;
        final int[] src = new int[tuples];
        final int[] dst = new int[tuples];
        final int[] ports = new int[tuples];
        final int[] proto = new int[tuples];
        for (int i = 0; i < tuples; i++) {
            src[i] = rnd.nextInt(4) == 0 ? 0xC0A8_0100 + rnd.nextInt(4) : rnd.nextInt();
            dst[i] = rnd.nextInt(4) == 0 ? 0x5DB8_D800 + rnd.nextInt(4) : rnd.nextInt();
            ports[i] = rnd.nextInt(4) == 0 ? (40000 + rnd.nextInt(8)) << 16 | 443 : rnd.nextInt();
            final int p = rnd.nextInt(20);
            proto[i] = p < 9 ? 6 : p < 18 ? 17 : p == 18 ? 200 : 1;
        }
        final int[] flowIds = new int[256];
        int flows = 0;
        long now = 1_000 * MS;
        long nextAgeNs = now + 1_000 * MS;
        for (int step = 0; step < 200_000; step++) {
            now += rnd.nextInt(50) == 0 ? rnd.nextLong(200 * MS) : rnd.nextLong(100_000);
            if (now >= nextAgeNs) {
                assertThat(ppe.age(now)).isEqualTo(ref.age(now));
                nextAgeNs += 1_000 * MS;
            }
            final int op = rnd.nextInt(100);
            // a hot set of 6 tuples (reaching the bind rate) that moves on every 10,000 steps (then ages)
            final int t = rnd.nextInt(3) != 0 ? (step / 10_000 * 6 + rnd.nextInt(6)) % tuples : rnd.nextInt(tuples);
            if (op < 85) {
                final PpeFlowTable.Result a = ppe.receive(src[t], dst[t], ports[t], proto[t], now);
                final PpeFlowTable.Result b = ref.receive(src[t], dst[t], ports[t], proto[t], now);
                assertThat(a).as("seed %d step %d", seed, step).isEqualTo(b);
                assertThat(ppe.lastHash()).as("seed %d step %d", seed, step).isEqualTo(ref.lastHash());
                if (a == PpeFlowTable.Result.TO_CPU_RATE_REACHED || rnd.nextInt(50) == 0) {
                    final int hash = rnd.nextInt(100) == 0 ? rnd.nextInt(config.entries + 2) - 1 : ppe.lastHash();
                    assertThat(ppe.checkSkb(hash, now)).as("seed %d step %d", seed, step)
                        .isEqualTo(ref.checkSkb(hash, now));
                }
            } else if (op < 92 && flows < flowIds.length) {
                final boolean ipv6 = rnd.nextInt(4) == 0;
                final boolean nat = rnd.nextBoolean();
                final int vlans = rnd.nextInt(10) == 0 ? 2 : 1;
                final boolean gmac = rnd.nextInt(10) != 0;
                final int id = ppe.offloadReplace(src[t], dst[t], ports[t], proto[t], ipv6, nat, vlans, gmac);
                assertThat(id).isEqualTo(ref.offloadReplace(src[t], dst[t], ports[t], proto[t], ipv6, nat, vlans,
                    gmac));
                if (id >= 0) {
                    flowIds[flows++] = id;
                }
            } else if (op < 93 && flows > 0) {
                final int k = rnd.nextInt(flows);
                ppe.offloadDestroy(flowIds[k]);
                ref.offloadDestroy(flowIds[k]);
                flowIds[k] = flowIds[--flows];
            } else if (flows > 0) {
                final int id = flowIds[rnd.nextInt(flows)];
                assertThat(ppe.isBound(id)).isEqualTo(ref.isBound(id));
                assertThat(ppe.idleNs(id, now)).isEqualTo(ref.idleNs(id, now));
            }
            assertThat(ppe.boundEntries()).isEqualTo(ref.boundEntries());
            if (step % 1000 == 0) {
                assertSameCounters(ppe.counters(), ref.counters());
                for (int i = 0; i < tuples; i++) {
                    assertThat(ppe.idleTableIndex(src[i], dst[i], ports[i]))
                        .isEqualTo(ref.idleTableIndex(src[i], dst[i], ports[i]));
                }
            }
        }
        assertSameCounters(ppe.counters(), ref.counters());
        // the run went through the interesting cases
        assertThat(ppe.counters().get(PpeCounter.COLLISION)).isPositive();
        assertThat(ppe.counters().get(PpeCounter.AGED_UNBOUND)).isPositive();
        assertThat(ppe.counters().get(PpeCounter.RATE_REACHED)).isPositive();
        assertThat(ppe.counters().get(PpeCounter.CHECK_RATE_LIMITED)).isPositive();
        assertThat(ppe.counters().get(PpeCounter.BOUND)).isPositive();
        assertThat(ppe.counters().get(PpeCounter.HW_FORWARDED)).isPositive();
        assertThat(ppe.counters().get(PpeCounter.AGED_BOUND)).isPositive();
    }

    private static void assertSameCounters(final Counters<PpeCounter> a, final Counters<PpeCounter> b) {
        for (final PpeCounter c : PpeCounter.values()) {
            assertThat(a.get(c)).as(c.name()).isEqualTo(b.get(c));
        }
    }
}
