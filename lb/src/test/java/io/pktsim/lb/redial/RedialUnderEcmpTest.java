package io.pktsim.lb.redial;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.random.RandomStream;
import io.pktsim.lb.ecmp.Ipv4MultipathRoute;
import io.pktsim.stack.conntrack.ConntrackConfig;
import io.pktsim.stack.conntrack.ConntrackCounter;
import io.pktsim.stack.conntrack.ConntrackTable;
import io.pktsim.stack.netdev.NetDeviceListener;
import io.pktsim.stack.netdev.NetDeviceTable;
import io.pktsim.stack.netdev.PppoeDevice;
import org.junit.jupiter.api.Test;

/**
 * A redial of one of 8 equal-cost PPPoE dials, as the kernel handles it: the dial's device goes down, so
 * {@code fib_sync_down_dev()} marks its nexthop dead and {@code fib_rebalance()} recomputes the upper bounds of
 * the others (hash-threshold, net/ipv4/fib_semantics.c), and {@code masq_device_event()} deletes the
 * connections masqueraded through it. Connections of the live dials keep their conntrack entry, whose source
 * NAT still names the dial they started on, but some of them are now routed out of another dial: their NAT is
 * stale (their packets leave with another dial's address and the replies come back to the old one), until the
 * dial is up again and the bounds return.
 *
 * <p>With 8 equal nexthops each owns 7/56 of the hash space; without the third, each of the 7 owns 8/56. A flow
 * changes nexthop where the two partitions disagree: the dead dial's 7/56 and 11/56 of the live dials' flows.
 * The flows' hashes are spread evenly (100 per 1/56), so the counts are exact.
 */
class RedialUnderEcmpTest {

    static final int DIALS = 8;
    static final int FLOWS = 5600;
    static final int REMOTE = 0x5DB8_D822;

    @Test
    void shouldMoveTheFlowsTheKernelMovesAndBreakTheirNat() {
        final NetDeviceTable devs = new NetDeviceTable();
        final PppoeDevice[] dial = new PppoeDevice[DIALS];
        final int[] nexthopOf = new int[DIALS + 1];
        for (int i = 0; i < DIALS; i++) {
            dial[i] = new PppoeDevice("pppoe-wan" + (i + 1), 100 + i, 0x0200_0000_0100L + i, 10 + i,
                0x00E0_FC00_0001L);
            final int ifindex = devs.register(dial[i]);
            nexthopOf[ifindex] = i;
            devs.ipv4Address(ifindex, 0x6440_0001 + i, 0);
            devs.up(ifindex, 0);
        }
        final int[] weights = new int[DIALS];
        java.util.Arrays.fill(weights, 1);
        final Ipv4MultipathRoute route = new Ipv4MultipathRoute(weights);
        final ConntrackTable ct = new ConntrackTable(ConntrackConfig.openWrt(16384),
            RandomStream.derive(3, 0, "nat"));
        // the FIB's notifier first (fib_netdev_event), then conntrack's (masq_device_event)
        devs.addListener((ifindex, event, arg, now) -> {
            if (event == NetDeviceListener.NETDEV_DOWN) {
                route.deviceDown(nexthopOf[ifindex]);
            } else if (event == NetDeviceListener.NETDEV_UP) {
                route.deviceUp(nexthopOf[ifindex], true);
            }
        });
        devs.addListener(ct);

        final PacketStore store = new PacketStore(4, 256, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        final int[] hash = new int[FLOWS];
        final int[] startDial = new int[FLOWS];
        final int[] ref = new int[FLOWS];
        for (int k = 0; k < FLOWS; k++) {
            hash[k] = (int) (((2L * k + 1) << 31) / (2L * FLOWS));
            final int nh = route.choose(hash[k], false, 0);
            startDial[k] = nh;
            final int h = pb.reset().ipv4(0xC0A8_0100 | (k & 0xFF), REMOTE).tcp(20000 + k, 443, 1, 0, TcpView.SYN)
                .build();
            ref[k] = ct.in(store, h, 0);
            store.free(h);
            ct.masquerade(ref[k], dial[nh].ipv4Address(), dial[nh].ifindex());
            ct.confirm(ref[k]);
        }
        for (int i = 0; i < DIALS; i++) {
            assertThat(countOn(startDial, i)).isEqualTo(FLOWS / DIALS);
        }

        // the third dial drops
        devs.down(dial[2].ifindex(), 1_000_000_000L);
        devs.ipv4Address(dial[2].ifindex(), 0, 1_000_000_000L);
        int deleted = 0;
        int stale = 0;
        int movedLive = 0;
        for (int k = 0; k < FLOWS; k++) {
            final int nh = route.choose(hash[k], false, 0);
            assertThat(nh).isNotEqualTo(2);
            final int e = ref[k] >> 1;
            final boolean alive = ct.inUse(e) && ct.tupleSrc(e, 0) == (0xC0A8_0100 | (k & 0xFF))
                && (ct.tuplePorts(e, 0) >>> 16) == 20000 + k;
            if (startDial[k] == 2) {
                assertThat(alive).isFalse();
                deleted++;
            } else {
                assertThat(alive).isTrue();
                if (nh != startDial[k]) {
                    movedLive++;
                    assertThat(ct.masqIfindex(e)).isEqualTo(dial[startDial[k]].ifindex())
                        .isNotEqualTo(dial[nh].ifindex());
                    stale++;
                }
            }
        }
        assertThat(deleted).isEqualTo(700);
        assertThat(movedLive).isEqualTo(1100);
        assertThat(stale).isEqualTo(1100);
        assertThat(ct.counters().get(ConntrackCounter.MASQ_CLEANUP)).isEqualTo(700);
        assertThat(ct.count()).isEqualTo(FLOWS - 700);

        // the session comes back with a new address: the bounds return, every live flow is on its dial again
        devs.ipv4Address(dial[2].ifindex(), 0x6440_0063, 2_000_000_000L);
        devs.up(dial[2].ifindex(), 2_000_000_000L);
        for (int k = 0; k < FLOWS; k++) {
            assertThat(route.choose(hash[k], false, 0)).isEqualTo(startDial[k]);
        }
        // a broken flow's next packet is a new connection (a bare ACK, picked up loosely) NATed to the new address
        final int k = firstOn(startDial, 2);
        final int h = pb.reset().ipv4(0xC0A8_0100 | (k & 0xFF), REMOTE).tcp(20000 + k, 443, 2, 2, TcpView.ACK).build();
        final int again = ct.in(store, h, 2_000_000_001L);
        store.free(h);
        ct.masquerade(again, dial[2].ipv4Address(), dial[2].ifindex());
        assertThat(ct.tupleDst(again >> 1, 1)).isEqualTo(0x6440_0063);
        assertThat(ct.status(again >> 1) & ConntrackTable.IPS_ASSURED).isZero();
    }

    private static int countOn(final int[] dials, final int dial) {
        int n = 0;
        for (final int d : dials) {
            n += d == dial ? 1 : 0;
        }
        return n;
    }

    private static int firstOn(final int[] dials, final int dial) {
        for (int k = 0; k < dials.length; k++) {
            if (dials[k] == dial) {
                return k;
            }
        }
        return -1;
    }
}
