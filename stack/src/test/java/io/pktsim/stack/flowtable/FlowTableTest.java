package io.pktsim.stack.flowtable;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.random.RandomStream;
import io.pktsim.core.test.AllocationMeter;
import io.pktsim.stack.conntrack.ConntrackConfig;
import io.pktsim.stack.conntrack.ConntrackTable;
import io.pktsim.stack.conntrack.NatMangle;
import io.pktsim.stack.conntrack.TcpConntrackState;
import io.pktsim.stack.netdev.NetDeviceListener;
import org.junit.jupiter.api.Test;

class FlowTableTest {

    static final long SEC = 1_000_000_000L;
    static final int LAN = 0xC0A8_0102;
    static final int REMOTE = 0x5DB8_D822;
    static final int WAN = 0x6440_0001;
    static final int LAN_IF = 1;
    static final int DIAL_IF = 2;

    final PacketStore store = new PacketStore(64, 256, 64);
    final PacketBuilder pb = new PacketBuilder(store);
    final ConntrackTable ct = new ConntrackTable(ConntrackConfig.kernelDefaults(256), RandomStream.derive(1, 0, "n"));
    final FlowTable ft = new FlowTable(ct, 64, FlowTable.DEFAULT_TIMEOUT_NS, FlowTable.DEFAULT_TIMEOUT_NS);

    int out(final int flags, final int payload) {
        return pb.reset().rawIp().ipv4(LAN, REMOTE).tcp(40000, 443, 1, 1, flags).payload(payload)
            .ingressDevice(LAN_IF).build();
    }

    int in(final int flags, final int payload) {
        return pb.reset().rawIp().ipv4(REMOTE, WAN).tcp(443, 40000, 1, 1, flags).payload(payload)
            .ingressDevice(DIAL_IF).build();
    }

    /** The classic path for one packet: conntrack, NAT on a new connection, the flow add rule, confirm. */
    boolean slowPath(final int h, final long now) {
        final int ref = ct.in(store, h, now);
        if ((ref & 1) == 0 && (ct.status(ref >> 1) & ConntrackTable.IPS_CONFIRMED) == 0) {
            ct.masquerade(ref, WAN, DIAL_IF);
        }
        final boolean toDial = (ref & 1) == 0;
        final boolean added = ft.offloadEval(store, h, ref, toDial ? DIAL_IF : LAN_IF, toDial ? 1492 : 1500,
            toDial ? 1500 : 1492, now);
        NatMangle.apply(ct, store, h, ref);
        ct.confirm(ref);
        store.free(h);
        return added;
    }

    byte[] bytes(final int h) {
        final byte[] b = new byte[store.storedLength(h)];
        store.buffer().getBytes(store.frameOffset(h), b);
        return b;
    }

    void handshake() {
        final int syn = out(TcpView.SYN, 0);
        assertThat(ft.forward(store, syn, 0)).isEqualTo(FlowTable.MISS);
        assertThat(slowPath(syn, 0)).isFalse();
        final int synAck = in(TcpView.SYN | TcpView.ACK, 0);
        assertThat(ft.forward(store, synAck, 1)).isEqualTo(FlowTable.MISS);
        assertThat(slowPath(synAck, 1)).isFalse();
        final int ack = out(TcpView.ACK, 0);
        assertThat(ft.forward(store, ack, 2)).isEqualTo(FlowTable.MISS);
        assertThat(slowPath(ack, 2)).isTrue();
    }

    @Test
    void shouldEnterATcpFlowOnlyAfterTheHandshake() {
        handshake();
        assertThat(ft.counters().get(FlowTableCounter.NOT_ESTABLISHED)).isEqualTo(2);
        assertThat(ft.counters().get(FlowTableCounter.ADDED)).isEqualTo(1);
        assertThat(ft.count()).isEqualTo(1);
        final int e = ct.find(LAN, REMOTE, (40000 << 16) | 443, 6) >> 1;
        assertThat(ct.status(e) & ConntrackTable.IPS_OFFLOAD).isNotZero();

        final int data = out(TcpView.ACK | TcpView.PSH, 1000);
        assertThat(ft.forward(store, data, 3)).isEqualTo(DIAL_IF);
        assertThat(ft.lastDirection()).isZero();
        final int expected = pb.reset().rawIp().ipv4(WAN, REMOTE).ttl(63)
            .tcp(40000, 443, 1, 1, TcpView.ACK | TcpView.PSH)
            .payload(1000).build();
        assertThat(bytes(data)).isEqualTo(bytes(expected));
        assertThat(store.egressDevice(data)).isEqualTo(DIAL_IF);
        assertThat(store.hasFlag(data, PacketStore.FLAG_OFFLOADED)).isTrue();

        final int reply = in(TcpView.ACK, 1400);
        assertThat(ft.forward(store, reply, 4)).isEqualTo(LAN_IF);
        assertThat(ft.lastDirection()).isEqualTo(1);
        final int expectedReply = pb.reset().rawIp().ipv4(REMOTE, LAN).ttl(63).tcp(443, 40000, 1, 1, TcpView.ACK)
            .payload(1400).build();
        assertThat(bytes(reply)).isEqualTo(bytes(expectedReply));
        // the same tuple arriving on another device is not this flow
        final int wrongDev = pb.reset().rawIp().ipv4(LAN, REMOTE).tcp(40000, 443, 1, 1, TcpView.ACK).ingressDevice(9)
            .build();
        assertThat(ft.forward(store, wrongDev, 5)).isEqualTo(FlowTable.MISS);
        assertThat(ft.counters().get(FlowTableCounter.HIT)).isEqualTo(2);
    }

    @Test
    void shouldEnterAUdpFlowOnceConfirmed() {
        final int first = pb.reset().rawIp().ipv4(LAN, REMOTE).udp(5000, 3478).ingressDevice(LAN_IF).build();
        final int ref = ct.in(store, first, 0);
        ct.masquerade(ref, WAN, DIAL_IF);
        assertThat(ft.offloadEval(store, first, ref, DIAL_IF, 1492, 1500, 0)).isFalse();
        assertThat(ft.counters().get(FlowTableCounter.NOT_CONFIRMED)).isEqualTo(1);
        ct.confirm(ref);
        final int second = pb.reset().rawIp().ipv4(LAN, REMOTE).udp(5000, 3478).ingressDevice(LAN_IF).build();
        final int ref2 = ct.in(store, second, 1);
        assertThat(ft.offloadEval(store, second, ref2, DIAL_IF, 1492, 1500, 1)).isTrue();
        assertThat(ft.offloadEval(store, second, ref2, DIAL_IF, 1492, 1500, 1)).isFalse();
        assertThat(ft.counters().get(FlowTableCounter.ALREADY_OFFLOADED)).isEqualTo(1);
        final int third = pb.reset().rawIp().ipv4(LAN, REMOTE).udp(5000, 3478).payload(100).ingressDevice(LAN_IF)
            .build();
        assertThat(ft.forward(store, third, 2)).isEqualTo(DIAL_IF);
    }

    @Test
    void shouldMarkClosingOnFinAndTearDownOnALaterSyn() {
        handshake();
        final int fin = out(TcpView.FIN | TcpView.ACK, 0);
        assertThat(ft.forward(store, fin, 10)).isEqualTo(DIAL_IF);
        assertThat(ft.counters().get(FlowTableCounter.CLOSING)).isEqualTo(1);
        final int syn = out(TcpView.SYN, 0);
        assertThat(ft.forward(store, syn, 20)).isEqualTo(FlowTable.MISS);
        assertThat(ft.counters().get(FlowTableCounter.TEARDOWN_SYN)).isEqualTo(1);
        assertThat(ft.count()).isZero();
        final int e = ct.find(LAN, REMOTE, (40000 << 16) | 443, 6) >> 1;
        assertThat(ct.status(e) & ConntrackTable.IPS_OFFLOAD).isZero();
        assertThat(ct.tcpState(e)).isEqualTo(TcpConntrackState.CLOSE);
        assertThat(ct.expiresNs(e)).isEqualTo(20 + 10 * SEC);
    }

    @Test
    void shouldTimeOutAfterThirtySecondsIdleAndHandTheConnectionBack() {
        handshake();
        final int data = out(TcpView.ACK, 100);
        ft.forward(store, data, 5 * SEC);
        assertThat(ft.gc(5 * SEC + 30 * SEC - 1)).isZero();
        assertThat(ft.gc(5 * SEC + 30 * SEC)).isEqualTo(1);
        assertThat(ft.counters().get(FlowTableCounter.TIMED_OUT)).isEqualTo(1);
        final int e = ct.find(LAN, REMOTE, (40000 << 16) | 443, 6) >> 1;
        assertThat(ct.status(e) & ConntrackTable.IPS_OFFLOAD).isZero();
        assertThat(ct.expiresNs(e)).isEqualTo(35 * SEC + 5L * 24 * 3600 * SEC - 30 * SEC);
        assertThat(ft.forward(store, out(TcpView.ACK, 1), 36 * SEC)).isEqualTo(FlowTable.MISS);
    }

    /**
     * A route change: the flow's cached route is stale, it is torn down, the connection goes back to conntrack (not
     * offloaded any more) and its next packet misses, so the classic path can route it and offload it again.
     */
    @Test
    void shouldTearDownFlowsWhoseRouteWentStale() {
        handshake();
        assertThat(ft.forward(store, out(TcpView.ACK, 10), 5 * SEC)).isNotEqualTo(FlowTable.MISS);
        assertThat(ft.teardownStaleRoutes(6 * SEC)).isEqualTo(1);
        assertThat(ft.count()).isZero();
        assertThat(ft.counters().get(FlowTableCounter.STALE_ROUTE)).isEqualTo(1);
        final int e = ct.find(LAN, REMOTE, (40000 << 16) | 443, 6) >> 1;
        assertThat(ct.status(e) & ConntrackTable.IPS_OFFLOAD).isZero();
        assertThat(ft.forward(store, out(TcpView.ACK, 11), 6 * SEC + 1)).isEqualTo(FlowTable.MISS);
        assertThat(ft.teardownStaleRoutes(7 * SEC)).isZero();
    }

    @Test
    void shouldDropFlowsOfADownDeviceAndOfDeadConnections() {
        handshake();
        ft.onDeviceEvent(DIAL_IF, NetDeviceListener.NETDEV_DOWN, 0, 10);
        assertThat(ft.count()).isZero();
        assertThat(ft.counters().get(FlowTableCounter.DEVICE_DOWN)).isEqualTo(1);

        final FlowTable ft2 = new FlowTable(ct, 8, FlowTable.DEFAULT_TIMEOUT_NS, FlowTable.DEFAULT_TIMEOUT_NS);
        final int h = out(TcpView.ACK, 0);
        final int ref = ct.in(store, h, 20);
        assertThat(ft2.offloadEval(store, h, ref, DIAL_IF, 1492, 1500, 20)).isTrue();
        ct.cleanupMasquerade(DIAL_IF, 0, false);
        assertThat(ft2.gc(21)).isEqualTo(1);
        assertThat(ft2.counters().get(FlowTableCounter.CONNTRACK_GONE)).isEqualTo(1);
    }

    @Test
    void shouldSendPacketsBeyondTheMtuToTheClassicPath() {
        handshake();
        final int big = out(TcpView.ACK, 1460);
        assertThat(ft.forward(store, big, 5)).isEqualTo(FlowTable.MISS);
        assertThat(ft.counters().get(FlowTableCounter.MISS_MTU)).isEqualTo(1);
        final int fits = out(TcpView.ACK, 1452);
        assertThat(ft.forward(store, fits, 5)).isEqualTo(DIAL_IF);
    }

    @Test
    void shouldOffloadAnIpv6Nat6FlowAndDecrementTheHopLimit() {
        final long lanHi = 0xFD00_0000_0000_0001L;
        final long remoteHi = 0x2400_3200_0000_0000L;
        final long wanHi = 0x2408_8000_0000_0001L;
        final int first = pb.reset().rawIp().ipv6(lanHi, 2, remoteHi, 1).udp(5000, 443).ingressDevice(LAN_IF).build();
        final int ref = ct.in(store, first, 0);
        ct.masquerade6(ref, wanHi, 9, DIAL_IF);
        assertThat(ft.offloadEval(store, first, ref, DIAL_IF, 1492, 1500, 0)).isFalse();
        ct.confirm(ref);
        final int second = pb.reset().rawIp().ipv6(lanHi, 2, remoteHi, 1).udp(5000, 443).ingressDevice(LAN_IF).build();
        assertThat(ft.offloadEval(store, second, ct.in(store, second, 1), DIAL_IF, 1492, 1500, 1)).isTrue();
        final int data = pb.reset().rawIp().ipv6(lanHi, 2, remoteHi, 1).udp(5000, 443).payload(1200)
            .ingressDevice(LAN_IF).build();
        assertThat(ft.forward(store, data, 2)).isEqualTo(DIAL_IF);
        assertThat(bytes(data)).isEqualTo(bytes(pb.reset().rawIp().ipv6(wanHi, 9, remoteHi, 1).ttl(63)
            .udp(5000, 443).payload(1200).build()));
        final int back = pb.reset().rawIp().ipv6(remoteHi, 1, wanHi, 9).udp(443, 5000).payload(1200)
            .ingressDevice(DIAL_IF).build();
        assertThat(ft.forward(store, back, 3)).isEqualTo(LAN_IF);
        assertThat(bytes(back)).isEqualTo(bytes(pb.reset().rawIp().ipv6(remoteHi, 1, lanHi, 2).ttl(63)
            .udp(443, 5000).payload(1200).build()));
        // 1452 bytes of UDP payload make a 1500-byte IPv6 packet: beyond the dial's 1492
        final int big = pb.reset().rawIp().ipv6(lanHi, 2, remoteHi, 1).udp(5000, 443).payload(1452)
            .ingressDevice(LAN_IF).build();
        assertThat(ft.forward(store, big, 4)).isEqualTo(FlowTable.MISS);
        assertThat(ft.counters().get(FlowTableCounter.MISS_MTU)).isEqualTo(1);
    }

    @Test
    void shouldNotAllocateOnTheFastPath() {
        handshake();
        final Runnable work = () -> {
            final int h = out(TcpView.ACK, 1400);
            if (ft.forward(store, h, 3) != DIAL_IF) {
                throw new AssertionError("miss");
            }
            store.free(h);
            final int r = in(TcpView.ACK, 1400);
            ft.forward(store, r, 3);
            store.free(r);
        };
        AllocationMeter.assertNoAllocation("flowtable fast path", work);
    }
}
