package io.pktsim.stack.flowtable;

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
import io.pktsim.stack.netdev.RxHandler;
import io.pktsim.stack.netdev.VlanDevice;
import io.pktsim.stack.netdev.VlanGroup;
import io.pktsim.stack.qdisc.FqCodel;
import io.pktsim.stack.qdisc.FqCodelConfig;
import io.pktsim.stack.qdisc.Qdisc;
import io.pktsim.stack.tcp.MssClamp;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The forwarding units composed by hand as in {@link ForwardWalkTest}, for the per-packet download path of
 * {@code flows} established TCP connections from LAN hosts ({@code eth0.1}) out of a PPPoE dial on a macvlan
 * on {@code eth0.2}: the server's segment arrives tagged on eth0, is demuxed by VLAN, macvlan MAC and PPPoE
 * session, then either takes the classic path (conntrack ESTABLISHED lookup, TTL, the TCPMSS rule, reverse
 * NAT) or the flowtable fast path ({@link FlowTable#forward}), gets its Ethernet header and the LAN VLAN tag
 * and passes eth0's fq_codel. The handshakes are done in the constructor through the same units. A router
 * without {@code offload} has no flowtable (fw4 without {@code flow_offloading}), so every packet takes the
 * classic path. Published in stack's test-jar for {@code io.pktsim.bench.stack.ForwardPathBench}.
 */
public final class ForwardPathRig {

    static final long ROUTER_LAN_MAC = 0x0200_0000_00AAL;
    static final long HOST_MAC = 0x0200_0000_0B0BL;
    static final long ETH0_MAC = 0x0200_0000_00E0L;
    static final long DIAL_MAC = 0x0200_0000_0101L;
    static final long BRAS_MAC = 0x00E0_FC00_0001L;
    static final int HOST = 0xC0A8_0102;
    static final int REMOTE = 0x5DB8_D822;
    static final int WAN = 0x6440_0001;
    static final int SID = 0x1234;
    static final int ETH0_IFINDEX = 9;
    /** Payload bytes of a download segment (MSS 1452 on the dial). */
    static final int PAYLOAD = 1452;

    /** The packet store the rig's frames live in. */
    public final PacketStore store;
    final NetDeviceTable devs = new NetDeviceTable();
    final VlanDevice eth0v1 = new VlanDevice("eth0.1", ETH0_IFINDEX, ETH0_MAC, 1);
    final VlanDevice eth0v2 = new VlanDevice("eth0.2", ETH0_IFINDEX, ETH0_MAC, 2);
    final MacvlanDevice veth1 = new MacvlanDevice("veth1", 2, DIAL_MAC);
    final PppoeDevice dial = new PppoeDevice("pppoe-wan1", 3, DIAL_MAC, SID, BRAS_MAC);
    final VlanGroup vlans = new VlanGroup();
    final MacvlanPort macvlans;
    final PppoeSessions sessions = new PppoeSessions();
    final ConntrackTable ct;
    final FlowTable ft;
    final MssClamp mss = new MssClamp();
    final FqCodel qdisc;
    final Ipv4View ip = new Ipv4View();
    final EthernetView eth = new EthernetView();
    final boolean offload;
    final int flows;
    final UnsafeBuffer[] templates;
    final int[] lengths;
    final int lanIf;

    /** false: skip the forwarding step (conntrack or flowtable, TTL, TCPMSS, NAT), for a harness baseline. */
    public boolean forwardingStep = true;

    /**
     * Builds the rig and opens its connections through the real units.
     *
     * @param flows established connections
     * @param offload true: the flows are offloaded to the flowtable after the handshake
     */
    public ForwardPathRig(final int flows, final boolean offload) {
        this.flows = flows;
        this.offload = offload;
        store = new PacketStore(256, 256, 64);
        ct = new ConntrackTable(ConntrackConfig.openWrt(Math.max(1024, 2 * flows)),
            RandomStream.derive(1, 0, "nat"));
        ft = new FlowTable(ct, Math.max(64, 2 * flows), FlowTable.DEFAULT_TIMEOUT_NS, FlowTable.DEFAULT_TIMEOUT_NS);
        qdisc = new FqCodel(store, new FqCodelConfig());
        lanIf = devs.register(eth0v1);
        devs.register(eth0v2);
        devs.register(veth1);
        devs.register(dial);
        for (int i = 1; i <= devs.size(); i++) {
            devs.up(i, 0);
        }
        devs.ipv4Address(dial.ifindex(), WAN, 0);
        vlans.add(eth0v1);
        vlans.add(eth0v2);
        macvlans = new MacvlanPort(eth0v2, 4, MacvlanPort.DEFAULT_BC_QUEUE_LEN);
        macvlans.add(veth1);
        sessions.add(dial);
        devs.addListener(ct);
        devs.addListener(ft);
        templates = new UnsafeBuffer[flows];
        lengths = new int[flows];
        final PacketBuilder pb = new PacketBuilder(store);
        for (int i = 0; i < flows; i++) {
            handshake(pb, i);
        }
        if (ct.count() != flows || ft.count() != (offload ? flows : 0)) {
            throw new IllegalStateException("ForwardPathRig: " + ct.count() + " connections, " + ft.count()
                + " offloaded flows, expected " + flows);
        }
    }

    static int hostPort(final int flow) {
        return 10_000 + flow;
    }

    static int host(final int flow) {
        return HOST + (flow >>> 8);
    }

    private void handshake(final PacketBuilder pb, final int flow) {
        final int port = hostPort(flow);
        final int syn = pb.reset().ethernet(HOST_MAC, ROUTER_LAN_MAC).ipv4(host(flow), REMOTE)
            .tcp(port, 443, 100, 0, TcpView.SYN).mss(1460).ingressDevice(lanIf).build();
        final int synRef = upload(syn);
        final int natPort = ct.tuplePorts(synRef >> 1, 1) & 0xFFFF;
        final int synAck = pb.reset().ethernet(BRAS_MAC, DIAL_MAC).vlan(2).pppoe(SID).ipv4(REMOTE, WAN)
            .tcp(443, natPort, 900, 101, TcpView.SYN | TcpView.ACK).mss(1460).build();
        store.free(download(synAck, 0));
        final int ack = pb.reset().ethernet(HOST_MAC, ROUTER_LAN_MAC).ipv4(host(flow), REMOTE)
            .tcp(port, 443, 101, 901, TcpView.ACK).ingressDevice(lanIf).build();
        upload(ack);
        final int data = pb.reset().ethernet(BRAS_MAC, DIAL_MAC).vlan(2).pppoe(SID).ipv4(REMOTE, WAN)
            .tcp(443, natPort, 901, 101, TcpView.ACK).payload(PAYLOAD).build();
        templates[flow] = new UnsafeBuffer(new byte[store.storedLength(data)]);
        templates[flow].putBytes(0, store.buffer(), store.frameOffset(data), store.storedLength(data));
        lengths[flow] = store.length(data);
        store.free(data);
    }

    /** The LAN host's packet through the classic path (the handshake only); frees it; returns its conntrack ref. */
    private int upload(final int h) {
        store.pull(h, EthernetView.LENGTH);
        store.setFlag(h, PacketStore.FLAG_RAW_IP);
        final int ref = ct.in(store, h, 0);
        ip.wrap(store.buffer(), store.networkHeaderOffset(h)).decrementTtl();
        mss.clampToPmtu(store, h, dial.mtuBytes(), 1500);
        if (offload) {
            ft.offloadEval(store, h, ref, dial.ifindex(), dial.mtuBytes(), 1500, 0);
        }
        if ((ct.status(ref >> 1) & ConntrackTable.IPS_CONFIRMED) == 0) {
            ct.masquerade(ref, dial.ipv4Address(), dial.ifindex());
        }
        NatMangle.apply(ct, store, h, ref);
        ct.confirm(ref);
        store.free(h);
        return ref;
    }

    /**
     * The NIC's work: a fresh slot with the flow's download segment (headers copied from the template).
     *
     * @param flow the flow
     * @return the handle
     */
    public int receive(final int flow) {
        final int h = store.allocate();
        store.putFrame(h, templates[flow], 0, templates[flow].capacity(), lengths[flow]);
        return h;
    }

    /**
     * One download segment from the dial to the LAN host, every per-packet step of the kernel after the
     * driver: VLAN, macvlan and PPPoE receive, the flowtable hook (offloading router) or conntrack, TTL,
     * TCPMSS and reverse NAT, neighbour output, the LAN VLAN tag and eth0's qdisc.
     *
     * @param h the received frame
     * @param nowNs simulated time
     * @return the frame dequeued from the qdisc (the caller frees it), or -1 if dropped on the way
     */
    public int download(final int h, final long nowNs) {
        final int vlanIf = vlans.receive(store, h);
        final int macvlanIf = vlanIf < 0 ? vlanIf : macvlans.handleFrame(store, h);
        if (macvlanIf < 0) {
            if (macvlanIf == RxHandler.PASS) {
                store.free(h);
            }
            return -1;
        }
        if (sessions.receive(store, h, macvlanIf) < 0) {
            return -1;
        }
        if (forwardingStep && (!offload || ft.forward(store, h, nowNs) == FlowTable.MISS)) {
            final int ref = ct.in(store, h, nowNs);
            if (ref < 0) {
                store.free(h);
                return -1;
            }
            ip.wrap(store.buffer(), store.networkHeaderOffset(h)).decrementTtl();
            mss.clampToPmtu(store, h, 1500, dial.mtuBytes());
            if (offload) {
                ft.offloadEval(store, h, ref, lanIf, 1500, dial.mtuBytes(), nowNs);
            }
            NatMangle.apply(ct, store, h, ref);
        }
        store.push(h, EthernetView.LENGTH);
        eth.wrap(store.buffer(), store.frameOffset(h)).dst(HOST_MAC).src(ROUTER_LAN_MAC)
            .ethertype(EthernetView.ETHERTYPE_IPV4);
        store.clearFlag(h, PacketStore.FLAG_RAW_IP);
        if (!eth0v1.transmit(store, h)) {
            store.free(h);
            return -1;
        }
        if (qdisc.enqueue(h, nowNs) != Qdisc.NET_XMIT_SUCCESS) {
            return -1;
        }
        return qdisc.dequeue(nowNs);
    }
}
