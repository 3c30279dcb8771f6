package io.pktsim.stack.conntrack;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.random.RandomStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ConntrackPropertiesTest {

    static final long SEC = 1_000_000_000L;
    static final int NAT = 0x6440_0001;
    static final int REMOTE = 0x0808_0808;

    @Property(tries = 60)
    void everyFlowIsFoundFromBothDirectionsUntilItTimesOutAndNatTuplesAreUnique(
        @ForAll @Size(min = 1, max = 300) final List<@IntRange(min = 0, max = 2047) Integer> hosts,
        @ForAll @IntRange(min = 0, max = 1000) final int seed) {
        final ConntrackTable ct = new ConntrackTable(ConntrackConfig.kernelDefaults(512),
            RandomStream.derive(seed, 0, "nat"));
        final PacketStore store = new PacketStore(4, 256, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        final Set<Integer> seen = new HashSet<>();
        final Set<Long> external = new HashSet<>();
        int created = 0;
        for (final int host : hosts) {
            // few distinct source ports so that NAT must remap often
            final int src = 0xC0A8_0000 | (host >>> 3);
            final int sport = 40000 + (host & 7);
            if (!seen.add(host)) {
                continue;
            }
            final int h = pb.reset().ipv4(src, REMOTE).udp(sport, 53).build();
            final int ref = ct.in(store, h, 0);
            store.free(h);
            assertThat(ref).isGreaterThanOrEqualTo(0);
            assertThat(ct.masquerade(ref, NAT, 3)).isGreaterThanOrEqualTo(0);
            ct.confirm(ref);
            created++;
            final int e = ref >> 1;
            final long ext = ((long) ct.tupleDst(e, 1) << 16) | (ct.tuplePorts(e, 1) & 0xFFFF);
            assertThat(external.add(ext)).as("external tuple unique").isTrue();
        }
        assertThat(ct.count()).isEqualTo(created);
        for (final int host : seen) {
            final int src = 0xC0A8_0000 | (host >>> 3);
            final int sport = 40000 + (host & 7);
            final int ref = ct.find(src, REMOTE, (sport << 16) | 53, 17);
            assertThat(ref).isGreaterThanOrEqualTo(0);
            final int e = ref >> 1;
            assertThat(ct.find(REMOTE, NAT, (53 << 16) | (ct.tuplePorts(e, 1) & 0xFFFF), 17)).isEqualTo(ref | 1);
            final int h = pb.reset().ipv4(src, REMOTE).udp(sport, 53).build();
            assertThat(ct.in(store, h, 29 * SEC)).isEqualTo(ref);
            store.free(h);
        }
        assertThat(ct.gc(29 * SEC + 30 * SEC, ct.max())).isEqualTo(created);
        assertThat(ct.count()).isZero();
    }

    @Property(tries = 100)
    void aFullTableNeverGrowsAndEveryNewPacketIsTrackedOrCountedAsDropped(
        @ForAll @Size(max = 400) final List<@IntRange(min = 0, max = 999) Integer> flows,
        @ForAll @IntRange(min = 1, max = 32) final int max) {
        final ConntrackTable ct = new ConntrackTable(ConntrackConfig.kernelDefaults(max),
            RandomStream.derive(7, 0, "nat"));
        final PacketStore store = new PacketStore(4, 256, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        long attempts = 0;
        long t = 0;
        for (final int f : flows) {
            t += 1_000_000L;
            // even flows answer (become assured after 2 s of replies), odd ones never do
            final int h = pb.reset().ipv4(0xC0A8_0000 | f, REMOTE).udp(1000 + f, 53).build();
            final boolean known = ct.find(0xC0A8_0000 | f, REMOTE, ((1000 + f) << 16) | 53, 17) >= 0;
            final int ref = ct.in(store, h, t);
            store.free(h);
            if (!known) {
                attempts++;
            }
            if (ref >= 0) {
                ct.confirm(ref);
                if ((f & 1) == 0) {
                    final int r = pb.reset().ipv4(REMOTE, 0xC0A8_0000 | f).udp(53, 1000 + f).build();
                    ct.in(store, r, t + 3_000_000_000L);
                    store.free(r);
                }
            } else {
                assertThat(ref).isEqualTo(ConntrackTable.DROP_TABLE_FULL);
            }
            assertThat(ct.count()).isLessThanOrEqualTo(max);
        }
        final long newCount = ct.counters().get(ConntrackCounter.NEW);
        final long dropped = ct.counters().get(ConntrackCounter.TABLE_FULL_DROP);
        final long evicted = ct.counters().get(ConntrackCounter.EARLY_DROP)
            + ct.counters().get(ConntrackCounter.TIMED_OUT);
        assertThat(newCount + dropped).isEqualTo(attempts);
        assertThat(newCount - evicted).isEqualTo(ct.count());
    }
}
