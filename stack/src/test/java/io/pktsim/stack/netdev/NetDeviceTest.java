package io.pktsim.stack.netdev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pktsim.core.header.EthernetView;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.test.AllocationMeter;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class NetDeviceTest {

    static final long LAN_MAC = 0x0200_0000_00AAL;
    static final long MAC1 = 0x0200_0000_0101L;
    static final long MAC2 = 0x0200_0000_0102L;
    static final long MAC3 = 0x0200_0000_0103L;
    static final long BRAS = 0x00E0_FC00_0001L;

    final PacketStore store = new PacketStore(64, 256, 64);
    final PacketBuilder pb = new PacketBuilder(store);

    static byte[] frame(final PacketStore store, final int h) {
        final byte[] out = new byte[store.storedLength(h)];
        store.buffer().getBytes(store.frameOffset(h), out);
        return out;
    }

    @Test
    void shouldPushAndPopTheVlanTagByteForByte() {
        final NetDeviceTable table = new NetDeviceTable();
        final VlanDevice vlan = new VlanDevice("eth0.2", 1, LAN_MAC, 2);
        table.register(new LoopbackDevice());
        final int idx = table.register(vlan);
        table.up(idx, 0);
        final int plain = pb.reset().ethernet(MAC1, BRAS).payload(100).build();
        final byte[] before = frame(store, plain);
        final int tagged = pb.reset().ethernet(MAC1, BRAS).vlan(2).payload(100).build();
        final byte[] expected = frame(store, tagged);

        assertThat(vlan.transmit(store, plain)).isTrue();
        assertThat(frame(store, plain)).isEqualTo(expected);
        assertThat(store.length(plain)).isEqualTo(store.length(tagged)).isEqualTo(14 + 4 + 40 + 100);
        assertThat(store.networkOffset(plain)).isEqualTo(18);
        assertThat(store.egressDevice(plain)).isEqualTo(1);

        final VlanGroup group = new VlanGroup();
        group.add(vlan);
        assertThat(group.receive(store, plain)).isEqualTo(idx);
        assertThat(frame(store, plain)).isEqualTo(before);
        assertThat(store.networkOffset(plain)).isEqualTo(14);
        assertThat(store.protocol(plain)).isEqualTo(EthernetView.ETHERTYPE_IPV4);
        assertThat(store.hasFlag(plain, PacketStore.FLAG_VLAN_RX)).isTrue();
        assertThat(vlan.counters().get(NetDeviceCounter.RX_PACKETS)).isEqualTo(1);
        assertThat(vlan.counters().get(NetDeviceCounter.RX_BYTES)).isEqualTo(154);
        assertThat(vlan.counters().get(NetDeviceCounter.TX_BYTES)).isEqualTo(158);

        final int other = pb.reset().ethernet(MAC1, BRAS).vlan(3).build();
        assertThat(group.receive(store, other)).isEqualTo(RxHandler.CONSUMED);
        assertThat(group.unknownVlanDrops()).isEqualTo(1);
        final int untagged = pb.reset().build();
        assertThat(group.receive(store, untagged)).isEqualTo(RxHandler.PASS);
    }

    @Test
    void shouldDropOnADownVlan() {
        final VlanDevice vlan = new VlanDevice("eth0.2", 1, LAN_MAC, 2);
        new NetDeviceTable().register(vlan);
        final int h = pb.reset().vlan(2).build();
        assertThat(vlan.receive(store, h)).isFalse();
        assertThat(vlan.transmit(store, h)).isFalse();
        assertThat(vlan.counters().get(NetDeviceCounter.RX_DROPPED_DOWN)).isEqualTo(1);
        assertThat(vlan.counters().get(NetDeviceCounter.TX_DROPPED_DOWN)).isEqualTo(1);
    }

    @Test
    void shouldDemuxMacvlansByDestinationMacAndCloneBroadcasts() {
        final NetDeviceTable table = new NetDeviceTable();
        final VlanDevice vlan = new VlanDevice("eth0.2", 1, LAN_MAC, 2);
        table.register(vlan);
        final MacvlanPort port = new MacvlanPort(vlan, 8, MacvlanPort.DEFAULT_BC_QUEUE_LEN);
        final MacvlanDevice[] m = {new MacvlanDevice("veth1", vlan.ifindex(), MAC1),
            new MacvlanDevice("veth2", vlan.ifindex(), MAC2), new MacvlanDevice("veth3", vlan.ifindex(), MAC3)};
        for (final MacvlanDevice d : m) {
            table.register(d);
            port.add(d);
            table.up(d.ifindex(), 0);
        }
        final int toSecond = pb.reset().ethernet(BRAS, MAC2).build();
        assertThat(port.handleFrame(store, toSecond)).isEqualTo(m[1].ifindex());
        assertThat(store.ingressDevice(toSecond)).isEqualTo(m[1].ifindex());
        assertThat(m[1].counters().get(NetDeviceCounter.RX_PACKETS)).isEqualTo(1);
        assertThat(m[0].counters().get(NetDeviceCounter.RX_PACKETS)).isZero();

        final int unknown = pb.reset().ethernet(BRAS, 0x0200_0000_0999L).build();
        assertThat(port.handleFrame(store, unknown)).isEqualTo(RxHandler.PASS);

        table.down(m[2].ifindex(), 1);
        final int toDown = pb.reset().ethernet(BRAS, MAC3).build();
        final int inUse = store.inUse();
        assertThat(port.handleFrame(store, toDown)).isEqualTo(RxHandler.CONSUMED);
        assertThat(store.inUse()).isEqualTo(inUse - 1);
        assertThat(m[2].counters().get(NetDeviceCounter.RX_DROPPED_DOWN)).isEqualTo(1);

        final int bcast = pb.reset().ethernet(BRAS, EthernetView.BROADCAST).build();
        assertThat(port.handleFrame(store, bcast)).isEqualTo(RxHandler.PASS);
        assertThat(port.broadcastBacklog()).isEqualTo(1);
        final List<int[]> got = new ArrayList<>();
        final int before = store.inUse();
        assertThat(port.processBroadcasts(store, 10, (h, dev) -> got.add(new int[] {h, dev}))).isEqualTo(1);
        // two macvlans are up: two clones delivered, the queued clone freed
        assertThat(got).hasSize(2);
        assertThat(got.get(0)[1]).isEqualTo(m[0].ifindex());
        assertThat(got.get(1)[1]).isEqualTo(m[1].ifindex());
        assertThat(store.ingressDevice(got.get(0)[0])).isEqualTo(m[0].ifindex());
        assertThat(store.inUse()).isEqualTo(before + 2 - 1);
        assertThat(vlan.counters().get(NetDeviceCounter.RX_MULTICAST)).isEqualTo(1);
    }

    @Test
    void shouldHashMacsAsTheKernelDoesOnLittleEndian() {
        // macvlan_eth_hash: 02:00:00:00:01:01 loaded little-endian is 0x0101_0000_0002 << 16
        final long value = 0x0101_0000_0002L << 16;
        final int expected = (int) ((value * 0x61C8_8646_80B5_83EBL) >>> 56);
        assertThat(MacvlanPort.ethHash(MAC1)).isEqualTo(expected);
    }

    @Property(tries = 300)
    void shouldHashAnyMacAsTheOctetLoopOfMacvlanEthHash(@ForAll final long mac) {
        // macvlan_eth_hash() loads the six octets little-endian into bits 16..63: octet i at bits 8i+16
        long value = 0;
        for (int i = 0; i < 6; i++) {
            value |= ((mac >>> (8 * (5 - i))) & 0xFF) << (8 * i + 16);
        }
        assertThat(MacvlanPort.ethHash(mac)).isEqualTo((int) ((value * 0x61C8_8646_80B5_83EBL) >>> 56));
    }

    @Test
    void shouldStillThrowForAHandleOutsideTheStore() {
        // the receive paths check a header's range once instead of per field; a handle that is no slot still throws
        final VlanDevice vlan = new VlanDevice("eth0.2", 1, LAN_MAC, 2);
        new NetDeviceTable().register(vlan);
        final MacvlanPort port = new MacvlanPort(vlan, 2, 2);
        assertThatThrownBy(() -> VlanDevice.peekVlanId(store, store.capacity()))
            .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> port.handleFrame(store, -1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new PppoeSessions().receive(store, store.capacity(), 1))
            .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void shouldDropBroadcastsBeyondTheQueueLength() {
        final VlanDevice vlan = new VlanDevice("eth0.2", 1, LAN_MAC, 2);
        new NetDeviceTable().register(vlan);
        final MacvlanPort port = new MacvlanPort(vlan, 2, 2);
        for (int i = 0; i < 3; i++) {
            final int b = pb.reset().ethernet(BRAS, EthernetView.BROADCAST).build();
            assertThat(port.handleFrame(store, b)).isEqualTo(RxHandler.PASS);
            store.free(b);
        }
        assertThat(port.broadcastBacklog()).isEqualTo(2);
        assertThat(vlan.counters().get(NetDeviceCounter.RX_DROPPED_BC_QUEUE_FULL)).isEqualTo(1);
    }

    @Test
    void shouldEncapsulateAndDecapsulatePppoeByteForByte() {
        final NetDeviceTable table = new NetDeviceTable();
        final MacvlanDevice mv = new MacvlanDevice("veth1", 1, MAC1);
        table.register(mv);
        final PppoeDevice dial = new PppoeDevice("pppoe-wan1", mv.ifindex(), MAC1, 0x1234, BRAS);
        table.register(dial);
        table.up(dial.ifindex(), 0);
        assertThat(dial.mtuBytes()).isEqualTo(1492);

        final int ip = pb.reset().rawIp().tcp(40000, 443, 7, 0, TcpView.SYN).mss(1460).payload(0).build();
        final byte[] ipBytes = frame(store, ip);
        final int expectedFrame = pb.reset().ethernet(MAC1, BRAS).pppoe(0x1234).tcp(40000, 443, 7, 0, TcpView.SYN)
            .mss(1460).payload(0).build();
        final byte[] expected = frame(store, expectedFrame);

        assertThat(dial.transmit(store, ip)).isTrue();
        assertThat(frame(store, ip)).isEqualTo(expected);
        assertThat(expected[12]).isEqualTo((byte) 0x88);
        assertThat(expected[13]).isEqualTo((byte) 0x64);
        assertThat(expected[14]).isEqualTo((byte) 0x11);
        // PPPoE length = PPP protocol (2) + IP (20 + 24)
        assertThat(((expected[18] & 0xFF) << 8) | (expected[19] & 0xFF)).isEqualTo(46);
        assertThat(store.egressDevice(ip)).isEqualTo(mv.ifindex());
        assertThat(store.hasFlag(ip, PacketStore.FLAG_RAW_IP)).isFalse();
        assertThat(dial.counters().get(NetDeviceCounter.TX_BYTES)).isEqualTo(44);

        final PppoeSessions sessions = new PppoeSessions();
        sessions.add(dial);
        // the access concentrator's reply: swap MACs
        final int rx = pb.reset().ethernet(BRAS, MAC1).pppoe(0x1234).tcp(443, 40000, 9, 8, TcpView.SYN | TcpView.ACK)
            .build();
        final int expectedIp = pb.reset().rawIp().tcp(443, 40000, 9, 8, TcpView.SYN | TcpView.ACK).build();
        // 4 bytes of trailing padding that the PPPoE length trims off
        store.length(rx, 66);
        assertThat(sessions.receive(store, rx, mv.ifindex())).isEqualTo(dial.ifindex());
        assertThat(frame(store, rx)).isEqualTo(frame(store, expectedIp));
        assertThat(store.length(rx)).isEqualTo(40);
        assertThat(store.networkOffset(rx)).isZero();
        assertThat(store.transportOffset(rx)).isEqualTo(20);
        assertThat(store.ingressDevice(rx)).isEqualTo(dial.ifindex());

        final int wrongSession = pb.reset().ethernet(BRAS, MAC1).pppoe(0x9999).build();
        assertThat(sessions.receive(store, wrongSession, mv.ifindex())).isEqualTo(RxHandler.CONSUMED);
        assertThat(sessions.noSessionDrops()).isEqualTo(1);
    }

    @Test
    void shouldSerialiseTransmitsPerPppUnit() {
        final PppoeDevice dial = new PppoeDevice("pppoe-wan1", 1, MAC1, 1, BRAS);
        assertThat(dial.acquireXmitLock(1_000, 500)).isEqualTo(1_000);
        assertThat(dial.acquireXmitLock(1_100, 500)).isEqualTo(1_500);
        assertThat(dial.acquireXmitLock(3_000, 500)).isEqualTo(3_000);
        assertThat(dial.counters().get(NetDeviceCounter.TX_LOCK_CONTENDED)).isEqualTo(1);
        assertThat(dial.counters().get(NetDeviceCounter.TX_LOCK_WAIT_NS)).isEqualTo(400);
    }

    @Test
    void shouldNotifyDownUpAndTheOldAddressOnRedial() {
        final NetDeviceTable table = new NetDeviceTable();
        final PppoeDevice dial = new PppoeDevice("pppoe-wan1", 1, MAC1, 1, BRAS);
        table.register(dial);
        table.ipv4Address(dial.ifindex(), 0x6440_0001, 0);
        table.up(dial.ifindex(), 0);
        final List<String> events = new ArrayList<>();
        table.addListener((i, e, a, t) -> events.add(i + ":" + e + ":" + Integer.toHexString(a) + "@" + t));
        table.redial(dial, 2, 0x6440_0002, 5);
        assertThat(events).containsExactly("1:2:0@5", "1:3:64400001@5", "1:1:0@5");
        assertThat(dial.sessionId()).isEqualTo(2);
        assertThat(dial.ipv4Address()).isEqualTo(0x6440_0002);
        assertThat(dial.isUp()).isTrue();
    }

    @Test
    void shouldLoopBack() {
        final NetDeviceTable table = new NetDeviceTable();
        final LoopbackDevice lo = new LoopbackDevice();
        table.register(lo);
        table.up(lo.ifindex(), 0);
        final int h = pb.reset().payload(10).build();
        assertThat(lo.transmit(store, h)).isTrue();
        assertThat(store.ingressDevice(h)).isEqualTo(lo.ifindex());
        assertThat(lo.counters().get(NetDeviceCounter.TX_BYTES)).isEqualTo(64);
        assertThat(lo.counters().get(NetDeviceCounter.RX_BYTES)).isEqualTo(64);
    }

    @Test
    void shouldNotAllocatePerFrame() {
        final NetDeviceTable table = new NetDeviceTable();
        final VlanDevice vlan = new VlanDevice("eth0.2", 1, LAN_MAC, 2);
        table.register(vlan);
        final VlanGroup group = new VlanGroup();
        group.add(vlan);
        final MacvlanPort port = new MacvlanPort(vlan, 4, 16);
        final MacvlanDevice mv = new MacvlanDevice("veth1", vlan.ifindex(), MAC1);
        table.register(mv);
        port.add(mv);
        final PppoeDevice dial = new PppoeDevice("pppoe-wan1", mv.ifindex(), MAC1, 7, BRAS);
        table.register(dial);
        final PppoeSessions sessions = new PppoeSessions();
        sessions.add(dial);
        for (int i = 1; i <= table.size(); i++) {
            table.up(i, 0);
        }
        final Runnable rx = () -> {
            final int h = pb.reset().ethernet(BRAS, MAC1).vlan(2).pppoe(7).payload(1000).build();
            final int v = group.receive(store, h);
            final int m = port.handleFrame(store, h);
            final int p = sessions.receive(store, h, m);
            if (v < 0 || p != dial.ifindex()) {
                throw new AssertionError("not delivered " + v + " " + m + " " + p);
            }
            store.free(h);
        };
        AllocationMeter.assertNoAllocation("netdev receive", rx);
        assertThat(dial.counters().get(NetDeviceCounter.RX_PACKETS)).isGreaterThan(0);
        final Runnable tx = () -> {
            final int h = pb.reset().rawIp().payload(1000).build();
            dial.transmit(store, h);
            mv.transmit(store, h);
            vlan.transmit(store, h);
            store.free(h);
        };
        AllocationMeter.assertNoAllocation("netdev transmit", tx);
    }
}
