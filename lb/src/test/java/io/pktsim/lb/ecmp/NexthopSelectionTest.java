package io.pktsim.lb.ecmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.stack.fib.MultipathSelector;
import org.junit.jupiter.api.Test;

class NexthopSelectionTest {

    private static final int HALF = 1 << 30;

    @Test
    void shouldRoundUpperBoundsToNearestAndCompareInclusively() {
        assertThat(UpperBounds.upperBound(1, 3)).isEqualTo(715827882);
        assertThat(UpperBounds.upperBound(2, 3)).isEqualTo(1431655764);
        assertThat(UpperBounds.upperBound(3, 3)).isEqualTo(Integer.MAX_VALUE);
        final Ipv4MultipathRoute r = new Ipv4MultipathRoute(1, 1);
        assertThat(r.choose(HALF - 1, false, 0)).isEqualTo(0);
        assertThat(r.choose(HALF, false, 0)).isEqualTo(1);
    }

    @Test
    void shouldKeepUsingALinkdownNexthopUnlessIgnored() {
        final Ipv4MultipathRoute r = new Ipv4MultipathRoute(1, 1);
        r.carrierChanged(0, true);
        assertThat(r.choose(5, false, 0)).isEqualTo(0);
        r.setIgnoreRoutesWithLinkdown(0, true);
        assertThat(r.choose(5, false, 0)).as("sysctl alone does not rebalance").isEqualTo(0);
        r.carrierChanged(0, true);
        assertThat(r.choose(5, false, 0)).isEqualTo(1);
        assertThat(r.upperBound(0)).isEqualTo(-1);
        r.deviceDown(1);
        assertThat(r.choose(5, false, 0)).isEqualTo(MultipathSelector.NO_NEXTHOP);
    }

    @Test
    void shouldFallThroughToTheNextUsableNexthopWithUseNeigh() {
        final Ipv4MultipathRoute r = new Ipv4MultipathRoute(1, 1, 1, 1);
        r.setNeighbourValid(1, false);
        final int inSlice1 = UpperBounds.upperBound(2, 4);
        assertThat(r.choose(inSlice1, false, 0)).isEqualTo(1);
        r.setUseNeigh(true);
        assertThat(r.choose(inSlice1, false, 0)).isEqualTo(2);
        r.setDeviceOnly(1);
        assertThat(r.choose(inSlice1, false, 0)).as("device-only nexthops are always good").isEqualTo(1);
        final Ipv4MultipathRoute all = new Ipv4MultipathRoute(1, 1);
        all.setUseNeigh(true);
        all.setNeighbourValid(0, false);
        all.setNeighbourValid(1, false);
        assertThat(all.choose(Integer.MAX_VALUE, false, 0)).as("FIB default kept").isEqualTo(0);
    }

    @Test
    void shouldPreferTheNexthopWhoseSourceAddressTheLocalFlowUses() {
        final Ipv4MultipathRoute r = new Ipv4MultipathRoute(1, 1, 1);
        r.setPreferredSource(0, 0x0A000001);
        r.setPreferredSource(1, 0x0A000002);
        r.setPreferredSource(2, 0x0A000003);
        assertThat(r.choose(0, true, 0x0A000003)).isEqualTo(2);
        assertThat(r.choose(Integer.MAX_VALUE, true, 0x0A000001)).isEqualTo(0);
        // A source that matches no nexthop: the hash decides (the 6.16-6.18.y bug sent these to the last one).
        assertThat(r.choose(0, true, 0x0B000001)).isEqualTo(0);
        assertThat(r.choose(Integer.MAX_VALUE / 2, true, 0x0B000001)).isEqualTo(1);
    }

    @Test
    void shouldDeleteTheIpv4RouteButOnlyOneIpv6SiblingWhenADeviceVanishes() {
        final Ipv4MultipathRoute r4 = new Ipv4MultipathRoute(1, 1, 1);
        r4.deviceUnregistered(2);
        assertThat(r4.isDeleted()).isTrue();
        assertThat(r4.choose(0, false, 0)).isEqualTo(MultipathSelector.NO_NEXTHOP);
        final Ipv6MultipathRoute r6 = new Ipv6MultipathRoute(1, 1, 1);
        r6.deviceUnregistered(1);
        assertThat(r6.upperBound(0)).isEqualTo(HALF - 1);
        assertThat(r6.upperBound(1)).isEqualTo(-1);
        assertThat(r6.choose(HALF)).isEqualTo(2);
    }

    @Test
    void shouldFallBackToTheFirstGoodMemberOfANexthopGroup() {
        final NexthopObjectGroup g = new NexthopObjectGroup(1, 1, 1);
        g.setGood(2, false);
        assertThat(g.choose(Integer.MAX_VALUE)).isEqualTo(0);
        g.setGood(0, false);
        assertThat(g.choose(Integer.MAX_VALUE)).isEqualTo(1);
        g.setGood(1, false);
        assertThat(g.choose(Integer.MAX_VALUE)).isEqualTo(0);
        g.removeMember(0);
        g.removeMember(1);
        g.removeMember(2);
        assertThat(g.choose(0)).isEqualTo(MultipathSelector.NO_NEXTHOP);
    }

    @Test
    void shouldFillResilientBucketsFromTheLastMemberFirst() {
        final ResilientNexthopGroup g = new ResilientNexthopGroup(new int[] {1, 1}, 4, 1_000_000_000L, 0, 0);
        assertThat(new int[] {g.bucketOwner(0), g.bucketOwner(1), g.bucketOwner(2), g.bucketOwner(3)})
            .containsExactly(1, 1, 0, 0);
        assertThat(g.isBalanced()).isTrue();
        assertThat(g.choose(6)).isEqualTo(0);
    }

    @Test
    void shouldMoveOnlyTheDroppedDialsFlowsAndNoBusyFlowOnRedial() {
        final long idle = ResilientNexthopGroup.DEFAULT_IDLE_TIMER_NS;
        final ResilientNexthopGroup g = new ResilientNexthopGroup(new int[] {1, 1, 1, 1}, 128, idle, 0, 0);
        final NexthopObjectGroup hthr = new NexthopObjectGroup(1, 1, 1, 1);
        final int flows = 4000;
        final int[] h = new int[flows];
        final int[] before = new int[flows];
        final int[] beforeThreshold = new int[flows];
        final java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        for (int i = 0; i < flows; i++) {
            h[i] = rnd.nextInt() >>> 1;
            before[i] = g.choose(h[i]);
            beforeThreshold[i] = hthr.choose(h[i]);
        }
        // Dial 1 drops at t = 10 s.
        g.removeMember(1, 10_000_000_000L);
        hthr.removeMember(1);
        int movedRes = 0;
        int movedHthr = 0;
        for (int i = 0; i < flows; i++) {
            final int now = g.choose(h[i]);
            if (before[i] == 1) {
                assertThat(now).isNotEqualTo(1);
            } else {
                assertThat(now).as("resilient: flows of other dials stay").isEqualTo(before[i]);
            }
            movedRes += now != before[i] ? 1 : 0;
            movedHthr += hthr.choose(h[i]) != beforeThreshold[i] ? 1 : 0;
        }
        assertThat(movedHthr).isGreaterThan(movedRes);
        // Redial at t = 20 s; all flows keep sending (buckets busy): nothing moves until they fall idle.
        final int[] mid = new int[flows];
        for (int i = 0; i < flows; i++) {
            mid[i] = g.choose(h[i]);
        }
        assertThat(g.addMember(1, 20_000_000_000L)).isZero();
        assertThat(g.isBalanced()).isFalse();
        for (long t = 20_000_000_000L; t < 100_000_000_000L; t += 1_000_000_000L) {
            g.advanceTo(t);
            for (int i = 0; i < flows; i++) {
                assertThat(g.choose(h[i])).isEqualTo(mid[i]);
            }
        }
        // The flows stop; idle buckets migrate to the redialled member after the idle timer.
        g.advanceTo(100_000_000_000L + idle + 1_000_000_000L);
        assertThat(g.isBalanced()).isTrue();
        assertThat(g.bucketsOf(1)).isEqualTo(32);
    }
}
