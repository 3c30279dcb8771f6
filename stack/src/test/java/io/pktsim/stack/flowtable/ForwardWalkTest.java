package io.pktsim.stack.flowtable;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.header.EthernetView;
import io.pktsim.core.header.Ipv4View;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.random.RandomStream;
import io.pktsim.stack.conntrack.ConntrackConfig;
import io.pktsim.stack.conntrack.ConntrackTable;
import io.pktsim.stack.conntrack.NatMangle;
import io.pktsim.stack.netdev.MacvlanDevice;
import io.pktsim.stack.netdev.MacvlanPort;
import io.pktsim.stack.netdev.NetDeviceTable;
import io.pktsim.stack.netdev.PppoeDevice;
import io.pktsim.stack.netdev.PppoeSessions;
import io.pktsim.stack.netdev.VlanDevice;
import io.pktsim.stack.netdev.VlanGroup;
import io.pktsim.stack.netfilter.FirewallRuleCost;
import io.pktsim.stack.qdisc.FqCodel;
import io.pktsim.stack.qdisc.FqCodelConfig;
import io.pktsim.stack.qdisc.Qdisc;
import io.pktsim.stack.tcp.MssClamp;
import io.pktsim.stack.tcp.MssClampCounter;
import org.junit.jupiter.api.Test;

/**
 * The units composed by hand along the way of one TCP connection from a LAN host out of a PPPoE dial on a
 * macvlan on {@code eth0.2} and back, checking the exact bytes at the ends: what the forwarding pipeline will do
 * once NAPI and the NIC exist (see docs/forwarding.md). Order as in Linux 6.18: ingress (flowtable hook),
 * PREROUTING conntrack, forward (TTL), mangle FORWARD (TCPMSS), filter FORWARD ({@code flow add}),
 * POSTROUTING (masquerade, NAT, confirm), then the devices down to the qdisc of eth0.
 */
class ForwardWalkTest {

    static final long ROUTER_LAN_MAC = 0x0200_0000_00AAL;
    static final long HOST_MAC = 0x0200_0000_0B0BL;
    static final long ETH0_MAC = 0x0200_0000_00E0L;
    static final long DIAL_MAC = 0x0200_0000_0101L;
    static final long BRAS_MAC = 0x00E0_FC00_0001L;
    static final int HOST = 0xC0A8_0102;
    static final int REMOTE = 0x5DB8_D822;
    static final int WAN = 0x6440_0001;
    static final int SID = 0x1234;

    final PacketStore store = new PacketStore(64, 256, 64);
    final PacketBuilder pb = new PacketBuilder(store);
    final NetDeviceTable devs = new NetDeviceTable();
    final VlanDevice eth0v2 = new VlanDevice("eth0.2", 1, ETH0_MAC, 2);
    final MacvlanDevice veth1 = new MacvlanDevice("veth1", 2, DIAL_MAC);
    final PppoeDevice dial = new PppoeDevice("pppoe-wan1", 3, DIAL_MAC, SID, BRAS_MAC);
    final VlanGroup vlans = new VlanGroup();
    final MacvlanPort macvlans;
    final PppoeSessions sessions = new PppoeSessions();
    final ConntrackTable ct = new ConntrackTable(ConntrackConfig.openWrt(1024), RandomStream.derive(1, 0, "nat"));
    final FlowTable ft = new FlowTable(ct, 64, FlowTable.DEFAULT_TIMEOUT_NS, FlowTable.DEFAULT_TIMEOUT_NS);
    final MssClamp mss = new MssClamp();
    final FqCodel qdisc = new FqCodel(store, new FqCodelConfig());
    final int lanIf;

    ForwardWalkTest() {
        final MacvlanDevice lan = new MacvlanDevice("br-lan", 1, ROUTER_LAN_MAC);
        lanIf = devs.register(lan);
        devs.register(eth0v2);
        devs.register(veth1);
        devs.register(dial);
        for (int i = 1; i <= devs.size(); i++) {
            devs.up(i, 0);
        }
        devs.ipv4Address(dial.ifindex(), WAN, 0);
        vlans.add(eth0v2);
        macvlans = new MacvlanPort(eth0v2, 4, MacvlanPort.DEFAULT_BC_QUEUE_LEN);
        macvlans.add(veth1);
        sessions.add(dial);
        devs.addListener(ct);
        devs.addListener(ft);
    }

    byte[] bytes(final int h) {
        final byte[] b = new byte[store.storedLength(h)];
        store.buffer().getBytes(store.frameOffset(h), b);
        return b;
    }

    /** {@code eth_type_trans}: the Ethernet header is pulled; the packet starts at its IP header. */
    void ethTypeTrans(final int h) {
        store.pull(h, EthernetView.LENGTH);
        store.setFlag(h, PacketStore.FLAG_RAW_IP);
    }

    /** LAN to the dial on the classic path; returns the frame as it leaves eth0, or -1 if offloaded. */
    int upload(final int h, final long now) {
        ethTypeTrans(h);
        if (ft.forward(store, h, now) != FlowTable.MISS) {
            return transmitOnDial(h, now);
        }
        final int ref = ct.in(store, h, now);
        new Ipv4View().wrap(store.buffer(), store.networkHeaderOffset(h)).decrementTtl();
        assertThat(mss.clampToPmtu(store, h, dial.mtuBytes(), 1500)).isNotEqualTo(MssClampCounter.DROPPED);
        ft.offloadEval(store, h, ref, dial.ifindex(), dial.mtuBytes(), 1500, now);
        if ((ct.status(ref >> 1) & ConntrackTable.IPS_CONFIRMED) == 0) {
            ct.masquerade(ref, dial.ipv4Address(), dial.ifindex());
        }
        NatMangle.apply(ct, store, h, ref);
        ct.confirm(ref);
        return transmitOnDial(h, now);
    }

    int transmitOnDial(final int h, final long now) {
        assertThat(dial.transmit(store, h)).isTrue();
        assertThat(veth1.transmit(store, h)).isTrue();
        assertThat(eth0v2.transmit(store, h)).isTrue();
        assertThat(qdisc.enqueue(h, now)).isEqualTo(Qdisc.NET_XMIT_SUCCESS);
        return qdisc.dequeue(now);
    }

    /** The dial's frames back to the LAN host. */
    int download(final int h, final long now) {
        final int vlanIf = vlans.receive(store, h);
        assertThat(vlanIf).isEqualTo(eth0v2.ifindex());
        final int macvlanIf = macvlans.handleFrame(store, h);
        assertThat(macvlanIf).isEqualTo(veth1.ifindex());
        assertThat(sessions.receive(store, h, macvlanIf)).isEqualTo(dial.ifindex());
        if (ft.forward(store, h, now) == FlowTable.MISS) {
            final int ref = ct.in(store, h, now);
            new Ipv4View().wrap(store.buffer(), store.networkHeaderOffset(h)).decrementTtl();
            mss.clampToPmtu(store, h, 1500, dial.mtuBytes());
            ft.offloadEval(store, h, ref, lanIf, 1500, dial.mtuBytes(), now);
            NatMangle.apply(ct, store, h, ref);
        }
        // neighbour output on the LAN: an Ethernet header in front
        store.push(h, EthernetView.LENGTH);
        new EthernetView().wrap(store.buffer(), store.frameOffset(h)).dst(HOST_MAC).src(ROUTER_LAN_MAC)
            .ethertype(EthernetView.ETHERTYPE_IPV4);
        store.clearFlag(h, PacketStore.FLAG_RAW_IP);
        return h;
    }

    @Test
    void shouldCarryAConnectionOutOfAMacvlanPppoeDialAndBackWithExactBytes() {
        final int syn = pb.reset().ethernet(HOST_MAC, ROUTER_LAN_MAC).ipv4(HOST, REMOTE)
            .tcp(40000, 443, 100, 0, TcpView.SYN).mss(1460).ingressDevice(lanIf).build();
        final int out = upload(syn, 1_000);
        final int expectedOut = pb.reset().ethernet(DIAL_MAC, BRAS_MAC).vlan(2).pppoe(SID).ipv4(WAN, REMOTE).ttl(63)
            .tcp(40000, 443, 100, 0, TcpView.SYN).mss(1452).build();
        assertThat(bytes(out)).isEqualTo(bytes(expectedOut));
        assertThat(store.egressDevice(out)).isEqualTo(1);
        assertThat(FirewallRuleCost.fw3(1, true, false).rulesPerPacket(true, 1)).isEqualTo(4 + 1 + 3 + 11);
        store.free(out);
        store.free(expectedOut);

        final int synAck = pb.reset().ethernet(BRAS_MAC, DIAL_MAC).vlan(2).pppoe(SID).ipv4(REMOTE, WAN)
            .tcp(443, 40000, 900, 101, TcpView.SYN | TcpView.ACK).mss(1460).build();
        final int back = download(synAck, 2_000);
        final int expectedBack = pb.reset().ethernet(ROUTER_LAN_MAC, HOST_MAC).ipv4(REMOTE, HOST).ttl(63)
            .tcp(443, 40000, 900, 101, TcpView.SYN | TcpView.ACK).mss(1452).build();
        assertThat(bytes(back)).isEqualTo(bytes(expectedBack));
        store.free(back);
        store.free(expectedBack);

        // the handshake's ACK enters the flowtable; the next data segment takes the fast path
        final int ack = pb.reset().ethernet(HOST_MAC, ROUTER_LAN_MAC).ipv4(HOST, REMOTE)
            .tcp(40000, 443, 101, 901, TcpView.ACK).ingressDevice(lanIf).build();
        store.free(upload(ack, 3_000));
        assertThat(ft.count()).isEqualTo(1);
        final int data = pb.reset().ethernet(HOST_MAC, ROUTER_LAN_MAC).ipv4(HOST, REMOTE)
            .tcp(40000, 443, 101, 901, TcpView.ACK | TcpView.PSH).payload(1000).ingressDevice(lanIf).build();
        final long ctFound = ct.counters().get(io.pktsim.stack.conntrack.ConntrackCounter.FOUND);
        final int fast = upload(data, 4_000);
        assertThat(ct.counters().get(io.pktsim.stack.conntrack.ConntrackCounter.FOUND)).isEqualTo(ctFound);
        assertThat(store.hasFlag(fast, PacketStore.FLAG_OFFLOADED)).isTrue();
        final int expectedFast = pb.reset().ethernet(DIAL_MAC, BRAS_MAC).vlan(2).pppoe(SID).ipv4(WAN, REMOTE).ttl(63)
            .tcp(40000, 443, 101, 901, TcpView.ACK | TcpView.PSH).payload(1000).build();
        assertThat(bytes(fast)).isEqualTo(bytes(expectedFast));
        assertThat(store.length(fast)).isEqualTo(14 + 4 + 8 + 20 + 20 + 1000);
        store.free(fast);
        store.free(expectedFast);

        // the dial redials: the connection's NAT is gone, and so is its flow
        assertThat(sessions.remove(dial)).isTrue();
        devs.redial(dial, SID + 1, WAN + 1, 5_000);
        sessions.add(dial);
        assertThat(ct.count()).isZero();
        assertThat(ft.count()).isZero();
        assertThat(store.inUse()).isZero();
        final int old = pb.reset().ethernet(BRAS_MAC, DIAL_MAC).vlan(2).pppoe(SID).ipv4(REMOTE, WAN).build();
        vlans.receive(store, old);
        assertThat(sessions.receive(store, old, macvlans.handleFrame(store, old))).isNegative();
        assertThat(sessions.noSessionDrops()).isEqualTo(1);
        final int fresh = pb.reset().ethernet(BRAS_MAC, DIAL_MAC).vlan(2).pppoe(SID + 1).ipv4(REMOTE, WAN + 1)
            .build();
        vlans.receive(store, fresh);
        assertThat(sessions.receive(store, fresh, macvlans.handleFrame(store, fresh))).isEqualTo(dial.ifindex());
    }
}
