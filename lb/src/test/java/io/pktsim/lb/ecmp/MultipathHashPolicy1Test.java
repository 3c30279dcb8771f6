package io.pktsim.lb.ecmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import io.pktsim.core.flow.FlowKey;
import io.pktsim.core.hash.Jhash;
import io.pktsim.stack.fib.MultipathLookup;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Policy 1 takes its own path through {@link MultipathHash#hash} ({@code hashIpv4L4} / {@code hashIpv6L4}); it must
 * give what {@code fib_multipath_hash()} / {@code rt6_multipath_hash()} (Linux 6.18) define for the policy, written
 * here from the public steps: an L4 {@code skb->hash} on the packet path is used as is; otherwise the five-tuple
 * image ({@link MultipathHash#flowHashIpv4} / {@link MultipathHash#flowHashIpv6}), with the ports only where the
 * dissector reports them on the packet path ({@link MultipathHash#packetHasPorts}); IPv4 then mixes a tunnel's
 * hash in with {@code jhash_2words()}; the result is shifted right by one.
 */
class MultipathHashPolicy1Test {

    private static final long SEED = 0x12345678L;
    private static final int[] PROTOCOLS = {6, 17, 1, 58, 47, 50, 51, 33, 132, 136, 0};

    @Property(tries = 200)
    void ipv4Policy1EqualsTheKernelsDefinition(@ForAll final long seed) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final MultipathHash h = new MultipathHash(FlowKey.FAMILY_IPV4, MultipathHash.POLICY_L4, 7, SEED);
        final MultipathHash reference = new MultipathHash(FlowKey.FAMILY_IPV4, MultipathHash.POLICY_L4, 7, SEED);
        for (int i = 0; i < 50; i++) {
            final MultipathLookup l = randomLookup(rnd, FlowKey.FAMILY_IPV4);
            final FlowKey k = l.key();
            final int expected;
            if (l.packetPath() && l.l4Hash()) {
                expected = l.skbHash() >>> 1;
            } else {
                final boolean ports = !l.packetPath() || MultipathHash.packetHasPorts(k);
                int m = reference.flowHashIpv4(k.ipv4Src(), k.ipv4Dst(), k.protocol(), ports ? k.srcPort() : 0,
                    ports ? k.dstPort() : 0);
                if (l.flowMultipathHash() != 0) {
                    m = Jhash.jhash2Words(m, l.flowMultipathHash(), 0);
                }
                expected = m >>> 1;
            }
            assertThat(h.hash(l)).isEqualTo(expected);
        }
    }

    @Property(tries = 200)
    void ipv6Policy1EqualsTheKernelsDefinition(@ForAll final long seed) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final MultipathHash h = new MultipathHash(FlowKey.FAMILY_IPV6, MultipathHash.POLICY_L4, 7, SEED);
        final MultipathHash reference = new MultipathHash(FlowKey.FAMILY_IPV6, MultipathHash.POLICY_L4, 7, SEED);
        for (int i = 0; i < 50; i++) {
            final MultipathLookup l = randomLookup(rnd, FlowKey.FAMILY_IPV6);
            final FlowKey k = l.key();
            final int expected;
            if (l.packetPath() && l.l4Hash()) {
                expected = l.skbHash() >>> 1;
            } else {
                final boolean ports = !l.packetPath() || MultipathHash.packetHasPorts(k);
                // rt6_multipath_hash() has no tunnel step; policy 1 hashes no flow label.
                expected = reference.flowHashIpv6(k.ipv6SrcHi(), k.ipv6SrcLo(), k.ipv6DstHi(), k.ipv6DstLo(),
                    k.protocol(), ports ? k.srcPort() : 0, ports ? k.dstPort() : 0, 0) >>> 1;
            }
            assertThat(h.hash(l)).isEqualTo(expected);
        }
    }

    private static MultipathLookup randomLookup(final SplittableRandom rnd, final int family) {
        final MultipathLookup l = new MultipathLookup().reset();
        final FlowKey k = l.key();
        final int proto = rnd.nextInt(4) == 0 ? rnd.nextInt(256) : PROTOCOLS[rnd.nextInt(PROTOCOLS.length)];
        final int sport = rnd.nextInt(65536);
        final int dport = rnd.nextInt(8) == 0 ? sport : rnd.nextInt(65536);
        if (family == FlowKey.FAMILY_IPV4) {
            final int src = rnd.nextInt();
            k.setIpv4(src, rnd.nextInt(8) == 0 ? src : rnd.nextInt(), proto, sport, dport);
        } else {
            final long srcHi = rnd.nextLong();
            final long srcLo = rnd.nextLong();
            // Equal high halves (the low halves decide the order), equal addresses, and different ones.
            final long dstHi = rnd.nextBoolean() ? srcHi : rnd.nextLong();
            final long dstLo = rnd.nextInt(8) == 0 ? srcLo : rnd.nextLong();
            k.setIpv6(srcHi, srcLo, dstHi, dstLo, proto, sport, dport, rnd.nextBoolean() ? 0 : rnd.nextInt(1 << 20));
        }
        if (rnd.nextInt(10) == 0) {
            k.setFragment(true, rnd.nextBoolean());
        }
        l.packetPath(rnd.nextInt(4) != 0);
        if (rnd.nextInt(5) == 0) {
            l.skbHash(rnd.nextInt(), rnd.nextBoolean());
        }
        if (rnd.nextInt(5) == 0) {
            l.flowMultipathHash(rnd.nextInt());
        }
        return l;
    }
}
