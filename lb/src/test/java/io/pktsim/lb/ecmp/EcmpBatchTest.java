package io.pktsim.lb.ecmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.pktsim.core.flow.FlowKey;
import io.pktsim.core.flow.InetText;
import io.pktsim.core.test.AllocationMeter;
import io.pktsim.stack.fib.MultipathLookup;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The batch path ({@link MultipathHash#hashAll}, {@link EcmpSelector#selectNexthops}) gives every lookup the
 * hash and nexthop of the single path: both families, policies 0-3, packet and flow path, with the lookups the
 * pair path must leave to the single one (L4 hash, ICMP errors, tunnels, policy 3) mixed in.
 */
class EcmpBatchTest {

    private static final int FLOWS = 48;
    private static final int[] PROTOCOLS = {6, 17, 1, 58, 47, 50, 132, 0};

    @Property(tries = 400)
    void batchShouldEqualTheSinglePath(@ForAll @IntRange(min = 0, max = 1) final int v6,
        @ForAll @IntRange(max = 3) final int policy, @ForAll @IntRange(min = 1, max = 0xfff) final int fields,
        @ForAll final int seed, @ForAll final long flowSeed, @ForAll @IntRange(max = FLOWS) final int from,
        @ForAll @IntRange(max = FLOWS) final int wanted) {
        final int family = v6 == 1 ? FlowKey.FAMILY_IPV6 : FlowKey.FAMILY_IPV4;
        final int count = Math.min(wanted, FLOWS - from);
        final SplittableRandom rnd = new SplittableRandom(flowSeed);
        final MultipathLookup[] lookups = new MultipathLookup[FLOWS];
        for (int i = 0; i < FLOWS; i++) {
            lookups[i] = randomLookup(rnd, family);
        }
        final int[] weights = {3, 1, 4, 1, 5, 9, 2, 6};
        final NexthopChooser route;
        if (family == FlowKey.FAMILY_IPV4) {
            final Ipv4MultipathRoute r = new Ipv4MultipathRoute(weights);
            // Sources of some lookups are nexthop addresses: the source preference of local traffic.
            r.setPreferredSource(5, lookups[0].key().ipv4Src());
            r.setPreferredSource(2, lookups[1].key().ipv4Src());
            route = r;
        } else {
            route = new Ipv6MultipathRoute(weights);
        }
        final long s = seed & 0xFFFF_FFFFL;
        final MultipathHash single = new MultipathHash(family, policy, fields, s);
        final EcmpSelector batch = new EcmpSelector(new MultipathHash(family, policy, fields, s), route);

        final int[] hashes = new int[FLOWS];
        final int[] nexthops = new int[FLOWS];
        Arrays.fill(hashes, -7);
        Arrays.fill(nexthops, -7);
        batch.hash().hashAll(lookups, from, count, hashes);
        batch.selectNexthops(lookups, from, count, nexthops);
        for (int i = 0; i < FLOWS; i++) {
            if (i < from || i >= from + count) {
                assertThat(hashes[i]).as("untouched hash %d", i).isEqualTo(-7);
                assertThat(nexthops[i]).as("untouched nexthop %d", i).isEqualTo(-7);
                continue;
            }
            final int h = single.hash(lookups[i]);
            assertThat(hashes[i]).as("hash of lookup %d", i).isEqualTo(h);
            assertThat(nexthops[i]).as("nexthop of lookup %d", i).isEqualTo(route.choose(h, lookups[i]))
                .isBetween(0, 7);
        }
        if (count > 0) {
            final int last = from + count - 1;
            assertThat(batch.lastHash31()).isEqualTo(hashes[last]);
            single.hash(lookups[last]);
            assertThat(batch.hash().lastHash32()).as("inspection: the last lookup").isEqualTo(single.lastHash32());
        }
    }

    @Test
    void shouldReproduceTheKernelVectorsInOneBatchPerConfiguration() throws IOException {
        // ecmp-hash-vectors.csv: the lookups as EcmpHashVectorsTest builds them (IPv4 on the packet path, IPv6 on
        // the flow path), all rows of one configuration (family, policy, seed) in one batch.
        final Map<String, List<String[]>> groups = new LinkedHashMap<>();
        EcmpHashVectorsTest.rows().forEach(r -> groups.computeIfAbsent(r.f()[0] + "/" + r.f()[1] + "/" + r.f()[2],
            g -> new ArrayList<>()).add(r.f()));
        int checked = 0;
        for (final List<String[]> group : groups.values()) {
            final String[] first = group.get(0);
            final int family = Integer.parseInt(first[0]);
            final MultipathLookup[] lookups = new MultipathLookup[group.size()];
            for (int i = 0; i < lookups.length; i++) {
                final String[] f = group.get(i);
                lookups[i] = new MultipathLookup().reset();
                final int proto = Integer.parseInt(f[5]);
                final int sport = Integer.parseInt(f[6]);
                final int dport = Integer.parseInt(f[7]);
                if (family == 4) {
                    lookups[i].key().setIpv4(InetText.parseIpv4(f[3]), InetText.parseIpv4(f[4]), proto, sport, dport);
                } else {
                    final byte[] src = InetText.parseIpv6(f[3]);
                    final byte[] dst = InetText.parseIpv6(f[4]);
                    lookups[i].key().setIpv6(InetText.hi(src), InetText.lo(src), InetText.hi(dst), InetText.lo(dst),
                        proto, sport, dport, Integer.parseInt(f[8]));
                    lookups[i].packetPath(false);
                }
            }
            final int[] hashes = new int[lookups.length];
            new MultipathHash(family, Integer.parseInt(first[1]), MultipathHash.FIELDS_DEFAULT,
                Long.parseLong(first[2])).hashAll(lookups, 0, lookups.length, hashes);
            for (int i = 0; i < lookups.length; i++) {
                assertThat(hashes[i]).as("hash31 of %s", String.join(",", group.get(i)))
                    .isEqualTo(Integer.parseInt(group.get(i)[13]));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(96);
    }

    @Test
    void labelledIpv6PrefixesOfOneProtocolShouldNotMixBetweenTheLanes() {
        // Policy 0 hashes the label: two TCP flows with different labels share a prefix-cache slot.
        final MultipathHash batch = new MultipathHash(6, 0, 7, 0x12345678L);
        final MultipathHash single = new MultipathHash(6, 0, 7, 0x12345678L);
        final MultipathLookup[] lookups = new MultipathLookup[4];
        for (int i = 0; i < lookups.length; i++) {
            lookups[i] = new MultipathLookup().reset();
            lookups[i].key().setIpv6(0xFD00L, i, 0x2001_0DB8L, 7, 6, 1000, 443, 0x12345 + i);
        }
        final int[] hashes = new int[4];
        batch.hashAll(lookups, 0, 4, hashes);
        for (int i = 0; i < 4; i++) {
            assertThat(hashes[i]).isEqualTo(single.hash(lookups[i]));
        }
        assertThat(hashes[0]).isNotEqualTo(hashes[1]);
    }

    @Test
    void shouldRejectARangeOutsideTheArrays() {
        final MultipathHash hash = new MultipathHash(4, 1, 7, 1);
        final MultipathLookup[] lookups = {new MultipathLookup().reset(), new MultipathLookup().reset()};
        assertThatThrownBy(() -> hash.hashAll(lookups, 1, 2, new int[3]))
            .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> hash.hashAll(lookups, 0, 2, new int[1]))
            .isInstanceOf(IndexOutOfBoundsException.class);
        hash.hashAll(lookups, 2, 0, new int[2]);
    }

    @Test
    void shouldSelectInBatchesWithoutAllocating() {
        final EcmpSelector v4 = new EcmpSelector(new MultipathHash(4, 1, 7, 0x12345678L),
            new Ipv4MultipathRoute(3, 1, 4, 1, 5, 9, 2, 6));
        final EcmpSelector v6 = new EcmpSelector(new MultipathHash(6, 1, 7, 0x12345678L),
            new Ipv6MultipathRoute(3, 1, 4, 1, 5, 9, 2, 6));
        final SplittableRandom rnd = new SplittableRandom(3);
        final MultipathLookup[] l4 = new MultipathLookup[16];
        final MultipathLookup[] l6 = new MultipathLookup[16];
        for (int i = 0; i < 16; i++) {
            l4[i] = new MultipathLookup().reset();
            l4[i].key().setIpv4(rnd.nextInt(), rnd.nextInt(), 6, rnd.nextInt(65536), 443);
            l6[i] = new MultipathLookup().reset();
            l6[i].key().setIpv6(rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), 17,
                rnd.nextInt(65536), 53, 0);
        }
        final int[] out = new int[16];
        final int[] sink = new int[1];
        AllocationMeter.assertNoAllocation("IPv4 batch of 15", () -> {
            v4.selectNexthops(l4, 1, 15, out);
            sink[0] += out[3] + 1;
        });
        AllocationMeter.assertNoAllocation("IPv6 batch of 15", () -> {
            v6.selectNexthops(l6, 1, 15, out);
            sink[0] += out[3] + 1;
        });
        assertThat(sink[0]).isPositive();
    }

    private static MultipathLookup randomLookup(final SplittableRandom rnd, final int family) {
        final MultipathLookup l = new MultipathLookup().reset();
        randomKey(rnd, family, l.key());
        l.packetPath(rnd.nextInt(4) != 0);
        if (rnd.nextInt(7) == 0) {
            l.skbHash(rnd.nextInt(), rnd.nextBoolean());
        }
        if (rnd.nextInt(7) == 0) {
            randomKey(rnd, family, l.icmpEmbeddedKey());
            l.hasIcmpEmbedded(true);
        }
        if (rnd.nextInt(7) == 0) {
            randomKey(rnd, rnd.nextBoolean() ? FlowKey.FAMILY_IPV4 : FlowKey.FAMILY_IPV6, l.innerKey());
            l.hasInner(true);
        }
        if (rnd.nextInt(5) == 0) {
            l.ipv6FirstNextHeader(rnd.nextInt(256));
        }
        if (rnd.nextInt(7) == 0) {
            l.flowMultipathHash(rnd.nextInt());
        }
        if (rnd.nextInt(10) == 0) {
            l.hasSource(true);
        }
        return l;
    }

    private static void randomKey(final SplittableRandom rnd, final int family, final FlowKey k) {
        final int proto = rnd.nextInt(4) == 0 ? rnd.nextInt(256) : PROTOCOLS[rnd.nextInt(PROTOCOLS.length)];
        final int sport = rnd.nextInt(65536);
        final int dport = rnd.nextInt(8) == 0 ? sport : rnd.nextInt(65536);
        if (family == FlowKey.FAMILY_IPV4) {
            final int src = rnd.nextInt();
            k.setIpv4(src, rnd.nextInt(8) == 0 ? src : rnd.nextInt(), proto, sport, dport);
        } else {
            final long srcHi = rnd.nextLong();
            final long srcLo = rnd.nextLong();
            final long dstHi = rnd.nextBoolean() ? srcHi : rnd.nextLong();
            final long dstLo = rnd.nextInt(8) == 0 ? srcLo : rnd.nextLong();
            k.setIpv6(srcHi, srcLo, dstHi, dstLo, proto, sport, dport, rnd.nextBoolean() ? 0 : rnd.nextInt(1 << 20));
        }
        if (rnd.nextInt(10) == 0) {
            k.setFragment(true, rnd.nextBoolean());
        }
    }
}
