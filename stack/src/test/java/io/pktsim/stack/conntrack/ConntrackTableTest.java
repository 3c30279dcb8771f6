package io.pktsim.stack.conntrack;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.random.RandomStream;
import io.pktsim.core.test.AllocationMeter;
import io.pktsim.stack.netdev.NetDeviceTable;
import io.pktsim.stack.netdev.PppoeDevice;
import org.junit.jupiter.api.Test;

class ConntrackTableTest {

    static final long SEC = 1_000_000_000L;
    static final int LAN1 = 0xC0A8_0102;
    static final int LAN2 = 0xC0A8_0103;
    static final int REMOTE = 0x5DB8_D822;
    static final int WAN1 = 0x6440_0001;
    static final int WAN2 = 0x6440_0002;

    final PacketStore store = new PacketStore(64, 256, 64);
    final PacketBuilder pb = new PacketBuilder(store);

    ConntrackTable table(final int max) {
        return new ConntrackTable(ConntrackConfig.kernelDefaults(max), RandomStream.derive(1, 0, "nat"));
    }

    int tcp(final int src, final int dst, final int sport, final int dport, final int flags) {
        return pb.reset().ipv4(src, dst).tcp(sport, dport, 1, 1, flags).build();
    }

    int track(final ConntrackTable ct, final int h, final long now) {
        final int ref = ct.in(store, h, now);
        store.free(h);
        return ref;
    }

    @Test
    void shouldFollowTheTcpHandshakeAndItsTimeouts() {
        final ConntrackTable ct = table(16);
        final int syn = track(ct, tcp(LAN1, REMOTE, 40000, 443, TcpView.SYN), 0);
        final int e = syn >> 1;
        assertThat(syn & 1).isZero();
        assertThat(ct.lastCtInfo()).isEqualTo(ConntrackTable.IP_CT_NEW);
        assertThat(ct.tcpState(e)).isEqualTo(TcpConntrackState.SYN_SENT);
        assertThat(ct.expiresNs(e)).isEqualTo(120 * SEC);
        ct.confirm(syn);

        final int synAck = track(ct, tcp(REMOTE, LAN1, 443, 40000, TcpView.SYN | TcpView.ACK), 10);
        assertThat(synAck).isEqualTo((e << 1) | 1);
        assertThat(ct.lastCtInfo()).isEqualTo(ConntrackTable.IP_CT_ESTABLISHED_REPLY);
        assertThat(ct.tcpState(e)).isEqualTo(TcpConntrackState.SYN_RECV);
        assertThat(ct.expiresNs(e)).isEqualTo(10 + 60 * SEC);
        assertThat(ct.status(e) & ConntrackTable.IPS_ASSURED).isZero();

        track(ct, tcp(LAN1, REMOTE, 40000, 443, TcpView.ACK), 20);
        assertThat(ct.lastCtInfo()).isEqualTo(ConntrackTable.IP_CT_ESTABLISHED);
        assertThat(ct.tcpState(e)).isEqualTo(TcpConntrackState.ESTABLISHED);
        assertThat(ct.status(e) & ConntrackTable.IPS_ASSURED).isNotZero();
        assertThat(ct.expiresNs(e)).isEqualTo(20 + 5L * 24 * 3600 * SEC);

        track(ct, tcp(LAN1, REMOTE, 40000, 443, TcpView.FIN | TcpView.ACK), 30);
        assertThat(ct.tcpState(e)).isEqualTo(TcpConntrackState.FIN_WAIT);
        assertThat(ct.expiresNs(e)).isEqualTo(30 + 120 * SEC);
        track(ct, tcp(REMOTE, LAN1, 443, 40000, TcpView.ACK), 40);
        assertThat(ct.tcpState(e)).isEqualTo(TcpConntrackState.CLOSE_WAIT);
        track(ct, tcp(REMOTE, LAN1, 443, 40000, TcpView.FIN | TcpView.ACK), 50);
        assertThat(ct.tcpState(e)).isEqualTo(TcpConntrackState.LAST_ACK);
        track(ct, tcp(LAN1, REMOTE, 40000, 443, TcpView.ACK), 60);
        assertThat(ct.tcpState(e)).isEqualTo(TcpConntrackState.TIME_WAIT);
        assertThat(ct.expiresNs(e)).isEqualTo(60 + 120 * SEC);
        track(ct, tcp(LAN1, REMOTE, 40000, 443, TcpView.RST), 70);
        assertThat(ct.tcpState(e)).isEqualTo(TcpConntrackState.CLOSE);
        assertThat(ct.expiresNs(e)).isEqualTo(70 + 10 * SEC);

        // expired: the next packet finds nothing and is a new (invalid, bare ACK picked up loosely) connection
        final int again = track(ct, tcp(LAN1, REMOTE, 40000, 443, TcpView.ACK), 70 + 10 * SEC);
        assertThat(ct.counters().get(ConntrackCounter.TIMED_OUT)).isEqualTo(1);
        assertThat(ct.tcpState(again >> 1)).isEqualTo(TcpConntrackState.ESTABLISHED);
        assertThat(ct.status(again >> 1) & ConntrackTable.IPS_ASSURED).isZero();
    }

    @Test
    void shouldRejectAFinOrSynAckWithoutAConnectionAndKillOnAnEarlyRst() {
        final ConntrackTable ct = table(16);
        assertThat(track(ct, tcp(LAN1, REMOTE, 1, 2, TcpView.FIN | TcpView.ACK), 0)).isEqualTo(ConntrackTable.INVALID);
        assertThat(track(ct, tcp(LAN1, REMOTE, 1, 2, TcpView.SYN | TcpView.ACK), 0))
            .isEqualTo(ConntrackTable.INVALID);
        assertThat(ct.count()).isZero();
        final int syn = track(ct, tcp(LAN1, REMOTE, 1, 2, TcpView.SYN), 0);
        ct.confirm(syn);
        assertThat(track(ct, tcp(REMOTE, LAN1, 2, 1, TcpView.RST | TcpView.ACK), 1)).isEqualTo(ConntrackTable.KILLED);
        assertThat(ct.count()).isZero();
        assertThat(ct.counters().get(ConntrackCounter.DELETED)).isEqualTo(1);
        assertThat(ct.counters().get(ConntrackCounter.INVALID)).isEqualTo(2);
    }

    @Test
    void shouldUseTheUdpUnrepliedAndStreamTimeouts() {
        final ConntrackTable ct = table(16);
        final int first = track(ct, pb.reset().ipv4(LAN1, REMOTE).udp(5000, 53).build(), 0);
        final int e = first >> 1;
        ct.confirm(first);
        assertThat(ct.expiresNs(e)).isEqualTo(30 * SEC);
        track(ct, pb.reset().ipv4(REMOTE, LAN1).udp(53, 5000).build(), SEC);
        assertThat(ct.expiresNs(e)).isEqualTo(31 * SEC);
        assertThat(ct.status(e) & ConntrackTable.IPS_SEEN_REPLY).isNotZero();
        track(ct, pb.reset().ipv4(LAN1, REMOTE).udp(5000, 53).build(), 2 * SEC);
        assertThat(ct.expiresNs(e)).isEqualTo(32 * SEC);
        assertThat(ct.status(e) & ConntrackTable.IPS_ASSURED).isZero();
        track(ct, pb.reset().ipv4(LAN1, REMOTE).udp(5000, 53).build(), 2 * SEC + 1);
        assertThat(ct.expiresNs(e)).isEqualTo(2 * SEC + 1 + 120 * SEC);
        assertThat(ct.status(e) & ConntrackTable.IPS_ASSURED).isNotZero();
    }

    @Test
    void shouldEarlyDropANonAssuredEntryAndElseDropTheNewPacketWhenFull() {
        final ConntrackTable ct = table(4);
        for (int i = 0; i < 4; i++) {
            ct.confirm(track(ct, pb.reset().ipv4(LAN1, REMOTE).udp(6000 + i, 53).build(), 0));
        }
        final int fifth = track(ct, pb.reset().ipv4(LAN1, REMOTE).udp(7000, 53).build(), 1);
        assertThat(fifth).isGreaterThanOrEqualTo(0);
        assertThat(ct.count()).isEqualTo(4);
        assertThat(ct.counters().get(ConntrackCounter.EARLY_DROP)).isEqualTo(1);

        final ConntrackTable full = table(4);
        for (int i = 0; i < 4; i++) {
            final int ref = track(full, tcp(LAN1, REMOTE, 40000 + i, 443, TcpView.SYN), 0);
            full.confirm(ref);
            track(full, tcp(REMOTE, LAN1, 443, 40000 + i, TcpView.SYN | TcpView.ACK), 0);
            track(full, tcp(LAN1, REMOTE, 40000 + i, 443, TcpView.ACK), 0);
            assertThat(full.status(ref >> 1) & ConntrackTable.IPS_ASSURED).isNotZero();
        }
        final int h = tcp(LAN1, REMOTE, 50000, 443, TcpView.SYN);
        assertThat(full.in(store, h, 1)).isEqualTo(ConntrackTable.DROP_TABLE_FULL);
        assertThat(store.conntrack(h)).isEqualTo(-1);
        assertThat(full.counters().get(ConntrackCounter.TABLE_FULL_DROP)).isEqualTo(1);
        assertThat(full.count()).isEqualTo(4);
        // packets of the existing connections still pass
        assertThat(track(full, tcp(LAN1, REMOTE, 40001, 443, TcpView.ACK), 2)).isGreaterThanOrEqualTo(0);
    }

    @Test
    void shouldMasqueradeKeepingThePortAndRemapOnAClash() {
        final ConntrackTable ct = table(16);
        final int h1 = tcp(LAN1, REMOTE, 40000, 443, TcpView.SYN);
        final int r1 = ct.in(store, h1, 0);
        assertThat(ct.masquerade(r1, WAN1, 7)).isZero();
        NatMangle.apply(ct, store, h1, r1);
        ct.confirm(r1);
        final int expected1 = tcp(WAN1, REMOTE, 40000, 443, TcpView.SYN);
        assertThat(bytes(h1)).isEqualTo(bytes(expected1));

        final int h2 = tcp(LAN2, REMOTE, 40000, 443, TcpView.SYN);
        final int r2 = ct.in(store, h2, 0);
        assertThat(ct.masquerade(r2, WAN1, 7)).isEqualTo(1);
        final int port2 = ct.tuplePorts(r2 >> 1, 1) & 0xFFFF;
        assertThat(port2).isBetween(1024, 65535).isNotEqualTo(40000);
        NatMangle.apply(ct, store, h2, r2);
        assertThat(bytes(h2)).isEqualTo(bytes(tcp(WAN1, REMOTE, port2, 443, TcpView.SYN)));
        assertThat(ct.counters().get(ConntrackCounter.NAT_PORT_REMAPPED)).isEqualTo(1);

        // the reply to the second connection comes to WAN1:port2 and is de-NATed to LAN2:40000
        final int reply = tcp(REMOTE, WAN1, 443, port2, TcpView.SYN | TcpView.ACK);
        final int rr = ct.in(store, reply, 1);
        assertThat(rr).isEqualTo(r2 | 1);
        NatMangle.apply(ct, store, reply, rr);
        assertThat(bytes(reply)).isEqualTo(bytes(tcp(REMOTE, LAN2, 443, 40000, TcpView.SYN | TcpView.ACK)));

        // a low port keeps to its range: 600..1023
        final int h3 = tcp(LAN2, REMOTE, 700, 443, TcpView.SYN);
        final int r3 = ct.in(store, h3, 0);
        ct.masquerade(r3, WAN1, 7);
        final int h4 = tcp(LAN1, REMOTE, 700, 443, TcpView.SYN);
        final int r4 = ct.in(store, h4, 0);
        assertThat(ct.masquerade(r4, WAN1, 7)).isEqualTo(1);
        assertThat(ct.tuplePorts(r4 >> 1, 1) & 0xFFFF).isBetween(600, 1023);
    }

    @Test
    void shouldBreakTheMasqueradedConnectionsOfADialOnRedial() {
        final ConntrackTable ct = table(64);
        final NetDeviceTable devs = new NetDeviceTable();
        final PppoeDevice d1 = new PppoeDevice("pppoe-wan1", 1, 1, 1, 2);
        final PppoeDevice d2 = new PppoeDevice("pppoe-wan2", 1, 1, 2, 2);
        devs.register(d1);
        devs.register(d2);
        devs.ipv4Address(d1.ifindex(), WAN1, 0);
        devs.ipv4Address(d2.ifindex(), WAN2, 0);
        devs.up(d1.ifindex(), 0);
        devs.up(d2.ifindex(), 0);
        devs.addListener(ct);
        for (int i = 0; i < 10; i++) {
            final int h = tcp(LAN1, REMOTE, 41000 + i, 443, TcpView.SYN);
            final int ref = ct.in(store, h, 0);
            final PppoeDevice out = i % 2 == 0 ? d1 : d2;
            ct.masquerade(ref, out.ipv4Address(), out.ifindex());
            ct.confirm(ref);
            store.free(h);
        }
        // one connection that is not NATed (LAN to LAN)
        ct.confirm(track(ct, tcp(LAN1, LAN2, 1, 2, TcpView.SYN), 0));
        assertThat(ct.count()).isEqualTo(11);
        devs.redial(d1, 9, 0x6440_0009, SEC);
        assertThat(ct.counters().get(ConntrackCounter.MASQ_CLEANUP)).isEqualTo(5);
        assertThat(ct.count()).isEqualTo(6);
        // the reply to a broken connection finds nothing
        assertThat(ct.find(REMOTE, WAN1, (443 << 16) | 41000, 6)).isEqualTo(-1);
        assertThat(ct.find(REMOTE, WAN2, (443 << 16) | 41001, 6)).isGreaterThanOrEqualTo(0);
    }

    static final long V6_LAN_HI = 0xFD00_0000_0000_0001L;
    static final long V6_REMOTE_HI = 0x2400_3200_0000_0000L;
    static final long V6_WAN_HI = 0x2408_8000_0000_0001L;

    @Test
    void shouldTrackAndMasqueradeIpv6AsNat6() {
        final ConntrackTable ct = table(16);
        final int syn = pb.reset().ipv6(V6_LAN_HI, 2, V6_REMOTE_HI, 1).tcp(40000, 443, 1, 0, TcpView.SYN).mss(1440)
            .build();
        final int ref = ct.in(store, syn, 0);
        assertThat(ref).isGreaterThanOrEqualTo(0);
        assertThat(ct.family(ref >> 1)).isEqualTo(6);
        assertThat(ct.tcpState(ref >> 1)).isEqualTo(TcpConntrackState.SYN_SENT);
        assertThat(ct.masquerade6(ref, V6_WAN_HI, 9, 7)).isZero();
        NatMangle.apply(ct, store, syn, ref);
        ct.confirm(ref);
        final int expected = pb.reset().ipv6(V6_WAN_HI, 9, V6_REMOTE_HI, 1).tcp(40000, 443, 1, 0, TcpView.SYN)
            .mss(1440).build();
        assertThat(bytes(syn)).isEqualTo(bytes(expected));

        final int reply = pb.reset().ipv6(V6_REMOTE_HI, 1, V6_WAN_HI, 9).udp(1, 1).build();
        assertThat(ct.in(store, reply, 1)).isGreaterThanOrEqualTo(0).isNotEqualTo(ref | 1);
        final int synAck = pb.reset().ipv6(V6_REMOTE_HI, 1, V6_WAN_HI, 9)
            .tcp(443, 40000, 5, 2, TcpView.SYN | TcpView.ACK).build();
        final int rr = ct.in(store, synAck, 1);
        assertThat(rr).isEqualTo(ref | 1);
        NatMangle.apply(ct, store, synAck, rr);
        assertThat(bytes(synAck)).isEqualTo(bytes(pb.reset().ipv6(V6_REMOTE_HI, 1, V6_LAN_HI, 2)
            .tcp(443, 40000, 5, 2, TcpView.SYN | TcpView.ACK).build()));
        assertThat(ct.tcpState(ref >> 1)).isEqualTo(TcpConntrackState.SYN_RECV);
        // an IPv4 tuple with the same first words is another connection
        assertThat(ct.find((int) (V6_LAN_HI >>> 32), (int) (V6_REMOTE_HI >>> 32), (40000 << 16) | 443, 6))
            .isEqualTo(-1);
        assertThat(ct.find6(V6_LAN_HI, 2, V6_REMOTE_HI, 1, (40000 << 16) | 443, 6)).isEqualTo(ref);

        // two LAN hosts with the same source port: the second is remapped
        final int other = pb.reset().ipv6(V6_LAN_HI, 3, V6_REMOTE_HI, 1).tcp(40000, 443, 1, 0, TcpView.SYN).build();
        final int r2 = ct.in(store, other, 2);
        assertThat(ct.masquerade6(r2, V6_WAN_HI, 9, 7)).isEqualTo(1);
    }

    @Test
    void shouldNotAllocatePerPacket() {
        final ConntrackTable ct = table(1024);
        final int syn = tcp(LAN1, REMOTE, 40000, 443, TcpView.SYN);
        final int ref = ct.in(store, syn, 0);
        ct.masquerade(ref, WAN1, 7);
        ct.confirm(ref);
        track(ct, tcp(REMOTE, WAN1, 443, 40000, TcpView.SYN | TcpView.ACK), 0);
        final int[] n = new int[1];
        final Runnable work = () -> {
            final int h = pb.reset().ipv4(LAN1, REMOTE).tcp(40000, 443, n[0]++, 1, TcpView.ACK).payload(1400).build();
            final int r = ct.in(store, h, n[0]);
            NatMangle.apply(ct, store, h, r);
            store.free(h);
            final int u = pb.reset().ipv4(LAN2, REMOTE).udp(1000 + (n[0] & 511), 53).build();
            ct.confirm(ct.in(store, u, n[0]));
            store.free(u);
            ct.gc(n[0] + 40 * SEC, 2);
            final int v6 = pb.reset().ipv6(V6_LAN_HI, 2, V6_REMOTE_HI, 1).udp(2000 + (n[0] & 255), 53).build();
            final int r6 = ct.in(store, v6, n[0]);
            if ((ct.status(r6 >> 1) & ConntrackTable.IPS_CONFIRMED) == 0) {
                ct.masquerade6(r6, V6_WAN_HI, 9, 7);
                ct.confirm(r6);
            }
            NatMangle.apply(ct, store, v6, r6);
            store.free(v6);
        };
        AllocationMeter.assertNoAllocation("conntrack in + NAT", work);
        assertThat(ct.counters().get(ConntrackCounter.FOUND)).isGreaterThan(20_000);
    }

    /**
     * The look-up memo in front of the hash: every packet of a random UDP mix (IPv4 and IPv6, both directions,
     * masqueraded or not, connections timing out, collected, aborted and re-created in other entries, more tuples
     * than memo slots) finds exactly the entry the probe of the hash alone ({@link ConntrackTable#find},
     * {@link ConntrackTable#find6}, which do not use the memo) finds for its tuple just before.
     */
    @Test
    void shouldFindWithTheMemoExactlyWhatTheHashProbeFinds() {
        final ConntrackTable ct = table(600);
        final java.util.Random rnd = new java.util.Random(7);
        long now = 0;
        int hits = 0;
        for (int i = 0; i < 200_000; i++) {
            now += rnd.nextInt(2_000_000) * (rnd.nextInt(1000) == 0 ? 5000L : 1L);
            final boolean v6 = rnd.nextInt(4) == 0;
            final int host = rnd.nextInt(8);
            final int remote = rnd.nextInt(3);
            final int sport = 5000 + rnd.nextInt(10);
            final int dport = rnd.nextBoolean() ? 53 : 443;
            final boolean reply = rnd.nextInt(3) == 0;
            final boolean toWan = reply && rnd.nextBoolean();
            final int h;
            final int expected;
            if (v6) {
                final long lan = host + 1;
                final long far = 100 + remote;
                final long lanHi = toWan ? V6_WAN_HI : V6_LAN_HI;
                final long lanLo = toWan ? 9 : lan;
                h = reply ? pb.reset().ipv6(V6_REMOTE_HI, far, lanHi, lanLo).udp(dport, sport).build()
                    : pb.reset().ipv6(V6_LAN_HI, lan, V6_REMOTE_HI, far).udp(sport, dport).build();
                expected = reply ? ct.find6(V6_REMOTE_HI, far, lanHi, lanLo, dport << 16 | sport, 17)
                    : ct.find6(V6_LAN_HI, lan, V6_REMOTE_HI, far, sport << 16 | dport, 17);
            } else {
                final int lan = LAN1 + host;
                final int far = REMOTE + remote;
                final int local = toWan ? WAN1 : lan;
                h = reply ? pb.reset().ipv4(far, local).udp(dport, sport).build()
                    : pb.reset().ipv4(lan, far).udp(sport, dport).build();
                expected = reply ? ct.find(far, local, dport << 16 | sport, 17)
                    : ct.find(lan, far, sport << 16 | dport, 17);
            }
            final boolean live = expected >= 0 && ct.expiresNs(expected >> 1) > now;
            final long created = ct.counters().get(ConntrackCounter.NEW);
            final int ref = track(ct, h, now);
            if (live) {
                assertThat(ref).as("packet %d", i).isEqualTo(expected);
                hits++;
            } else if (ref >= 0) {
                assertThat(ct.counters().get(ConntrackCounter.NEW)).as("packet %d", i).isEqualTo(created + 1);
                if (rnd.nextInt(8) == 0) {
                    ct.abort(ref);
                    continue;
                }
                if (!reply && rnd.nextBoolean()) {
                    assertThat(v6 ? ct.masquerade6(ref, V6_WAN_HI, 9, 7) : ct.masquerade(ref, WAN1, 7))
                        .isNotNegative();
                }
                ct.confirm(ref);
            }
            if (rnd.nextInt(50) == 0) {
                ct.gc(now, 100);
            }
        }
        assertThat(hits).isGreaterThan(50_000);
        assertThat(ct.counters().get(ConntrackCounter.TIMED_OUT)).isGreaterThan(50);
        assertThat(ct.counters().get(ConntrackCounter.DELETED)).isGreaterThan(500);
        assertThat(ct.counters().get(ConntrackCounter.EARLY_DROP)).isGreaterThan(1000);
    }

    /** The memo forgets an entry collected by {@link ConntrackTable#gc} even though nothing re-used it yet. */
    @Test
    void shouldNotFindACollectedConnectionThroughTheMemo() {
        final ConntrackTable ct = table(16);
        final int first = track(ct, pb.reset().ipv4(LAN1, REMOTE).udp(5000, 53).build(), 0);
        ct.confirm(first);
        final int other = track(ct, pb.reset().ipv4(LAN2, REMOTE).udp(5000, 53).build(), 0);
        ct.confirm(other);
        assertThat(track(ct, pb.reset().ipv4(LAN1, REMOTE).udp(5000, 53).build(), SEC)).isEqualTo(first);
        assertThat(ct.gc(100 * SEC, 16)).isEqualTo(2);
        final int again = track(ct, pb.reset().ipv4(LAN1, REMOTE).udp(5000, 53).build(), 100 * SEC);
        assertThat(again >> 1).isNotEqualTo(first >> 1);
        assertThat(ct.counters().get(ConntrackCounter.NEW)).isEqualTo(3);
        assertThat(ct.counters().get(ConntrackCounter.FOUND)).isEqualTo(1);
        assertThat(ct.find(LAN1, REMOTE, 5000 << 16 | 53, 17)).isEqualTo(again);
    }

    /**
     * {@link ConntrackTable#in} reads an IPv4 or IPv6 (no extension header) TCP or UDP packet's words in place when
     * its header, ports and flags lie in the slot, and otherwise walks it through the views: two tables fed the same
     * random packets (IPv4 with options or fragments, IPv6 with or without a hop-by-hop header, TCP with random
     * flags, UDP, another protocol), one from a store where the in-place path applies and one from a store whose
     * headroom leaves too little room behind the header for it, with the same NAT, confirmations, aborts and
     * collections, return the same references and ctinfo, keep the same counters and entries, and NAT rewrites the
     * packets alike. The flow hash the table keeps for fq_codel ({@link ConntrackTable#qdiscFlowHash}) of every
     * packet read in place is the one {@code FqCodel} computes from the NATed packet; the others have none.
     */
    @Test
    void shouldTrackInPlaceExactlyAsThroughTheCheckedPath() {
        final long seed = 0x6E61_7471L;
        final java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        // 512-byte data areas: 64 bytes of headroom (in place) or 432 (80 bytes of room, less than the 14 of
        // Ethernet plus the 74 the in-place path needs)
        final PacketStore fastStore = new PacketStore(8, 512, 64);
        final PacketStore checkedStore = new PacketStore(8, 512, 432);
        final PacketBuilder[] builders = {new PacketBuilder(fastStore), new PacketBuilder(checkedStore)};
        final PacketStore[] stores = {fastStore, checkedStore};
        final ConntrackTable[] tables = {table(300), table(300)};
        final int[] flagSet = {TcpView.SYN, TcpView.SYN | TcpView.ACK, TcpView.ACK, TcpView.ACK, TcpView.ACK,
            TcpView.FIN | TcpView.ACK, TcpView.RST, TcpView.RST | TcpView.ACK, 0, TcpView.SYN | TcpView.FIN};
        // fq_codel's flow hash of each NATed packet from its headers, against the one the table kept
        final io.pktsim.stack.qdisc.FqCodel[] fq = {
            new io.pktsim.stack.qdisc.FqCodel(fastStore, new io.pktsim.stack.qdisc.FqCodelConfig()),
            new io.pktsim.stack.qdisc.FqCodel(checkedStore, new io.pktsim.stack.qdisc.FqCodelConfig())};
        int keptHashes = 0;
        long now = 0;
        int tracked = 0;
        for (int i = 0; i < 100_000; i++) {
            now += rnd.nextInt(3_000_000) * (rnd.nextInt(500) == 0 ? 20_000L : 1L);
            final boolean v6 = rnd.nextInt(2) == 0;
            final int kind = rnd.nextInt(10);
            final int host = rnd.nextInt(6);
            final int remote = rnd.nextInt(2);
            final int sport = 5000 + rnd.nextInt(6);
            final int dport = rnd.nextBoolean() ? 53 : 443;
            final boolean reply = rnd.nextInt(3) == 0;
            final boolean toWan = reply && rnd.nextBoolean();
            final int flags = flagSet[rnd.nextInt(flagSet.length)];
            final int frag = rnd.nextInt(20) != 0 ? -1
                : rnd.nextBoolean() ? io.pktsim.core.header.Ipv4View.FLAG_MF : rnd.nextInt(0x2000);
            final int options = rnd.nextInt(8) == 0 ? 4 * (1 + rnd.nextInt(3)) : 0;
            final boolean hbh = rnd.nextInt(10) == 0;
            final int[] h = new int[2];
            for (int k = 0; k < 2; k++) {
                final PacketBuilder pb2 = builders[k].reset();
                if (v6) {
                    final long lan = host + 1;
                    final long far = 100 + remote;
                    final long lanHi = toWan ? V6_WAN_HI : V6_LAN_HI;
                    final long lanLo = toWan ? 9 : lan;
                    if (reply) {
                        pb2.ipv6(V6_REMOTE_HI, far, lanHi, lanLo);
                    } else {
                        pb2.ipv6(V6_LAN_HI, lan, V6_REMOTE_HI, far);
                    }
                } else {
                    final int lan = LAN1 + host;
                    final int far = REMOTE + remote;
                    if (reply) {
                        pb2.ipv4(far, toWan ? WAN1 : lan);
                    } else {
                        pb2.ipv4(lan, far);
                    }
                    if (frag >= 0) {
                        pb2.fragWord(frag);
                    }
                    pb2.ipv4Options(options);
                }
                final int a = reply ? dport : sport;
                final int b = reply ? sport : dport;
                if (kind < 4 && !(v6 && hbh)) {
                    pb2.tcp(a, b, 1, 1, flags);
                } else if (kind < 9) {
                    pb2.udp(a, b);
                    if (v6 && hbh) {
                        pb2.hopByHop(8);
                    }
                } else {
                    pb2.bareProtocol(1);
                }
                h[k] = pb2.build();
            }
            final int rFast = tables[0].in(fastStore, h[0], now);
            final int rChecked = tables[1].in(checkedStore, h[1], now);
            final String what = "seed " + seed + " packet " + i;
            assertThat(rFast).as(what).isEqualTo(rChecked);
            assertThat(tables[0].lastCtInfo()).as(what).isEqualTo(tables[1].lastCtInfo());
            assertThat(fastStore.conntrack(h[0])).as(what).isEqualTo(checkedStore.conntrack(h[1]));
            final int action = rnd.nextInt(10);
            final int[] nat = {-9, -9};
            for (int k = 0; k < 2; k++) {
                final ConntrackTable ct = tables[k];
                final int ref = k == 0 ? rFast : rChecked;
                if (ref >= 0) {
                    final int e = ref >> 1;
                    if ((ct.status(e) & ConntrackTable.IPS_CONFIRMED) == 0) {
                        if (action == 0) {
                            ct.abort(ref);
                        } else {
                            if (!reply && action < 6) {
                                nat[k] = v6 ? ct.masquerade6(ref, V6_WAN_HI, 9, 7) : ct.masquerade(ref, WAN1, 7);
                            }
                            ct.confirm(ref);
                        }
                    }
                    if (ct.inUse(e)) {
                        NatMangle.apply(ct, stores[k], h[k], ref);
                        final long kept = ct.qdiscFlowHash(ref);
                        if (kept >= 0) {
                            assertThat(kept).as(what + " kept flow hash")
                                .isEqualTo(fq[k].flowHash(h[k]) & 0xFFFF_FFFFL);
                            keptHashes += k == 0 ? 1 : 0;
                        } else {
                            // not read in place: the checked store, an IPv4 fragment, an IPv6 extension header
                            assertThat(k == 1 || frag >= 0 || v6 && hbh).as(what).isTrue();
                        }
                    }
                }
                if (action == 9) {
                    ct.gc(now, 40);
                }
            }
            assertThat(nat[0]).as(what).isEqualTo(nat[1]);
            assertThat(bytesOf(fastStore, h[0])).as(what).isEqualTo(bytesOf(checkedStore, h[1]));
            if (rFast >= 0 && tables[0].inUse(rFast >> 1)) {
                final int e = rFast >> 1;
                assertThat(tables[0].status(e)).as(what).isEqualTo(tables[1].status(e));
                assertThat(tables[0].tcpState(e)).as(what).isEqualTo(tables[1].tcpState(e));
                assertThat(tables[0].expiresNs(e)).as(what).isEqualTo(tables[1].expiresNs(e));
                tracked++;
            }
            for (final ConntrackCounter c : ConntrackCounter.values()) {
                assertThat(tables[0].counters().get(c)).as(what + " " + c).isEqualTo(tables[1].counters().get(c));
            }
            assertThat(tables[0].count()).as(what).isEqualTo(tables[1].count());
            fastStore.free(h[0]);
            checkedStore.free(h[1]);
        }
        assertThat(tracked).isGreaterThan(50_000);
        assertThat(keptHashes).isGreaterThan(50_000);
        assertThat(tables[0].counters().get(ConntrackCounter.UNTRACKED)).isGreaterThan(5_000);
        assertThat(tables[0].counters().get(ConntrackCounter.INVALID)).isGreaterThan(1_000);
        assertThat(tables[0].counters().get(ConntrackCounter.FOUND)).isGreaterThan(30_000);
    }

    static byte[] bytesOf(final PacketStore s, final int h) {
        final byte[] out = new byte[s.storedLength(h)];
        s.buffer().getBytes(s.frameOffset(h), out);
        return out;
    }

    byte[] bytes(final int h) {
        final byte[] out = new byte[store.storedLength(h)];
        store.buffer().getBytes(store.frameOffset(h), out);
        return out;
    }

    /**
     * Two connections whose reply tuples fall in the two different slots of one memo pair both settle in the memo:
     * replies of the two alternating go to the hash only until each has been found once (before, each evicted the
     * other on every packet), and every look-up returns the reference the hash holds.
     */
    @Test
    void shouldSettleTwoTuplesOfOneMemoPairInItsTwoSlots() {
        final ConntrackTable ct = table(64);
        final PacketStore store = new PacketStore(4, 256, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        final long natHi = 0x2001_0DB8_0000_0001L;
        final long remoteHi = 0x2606_4700_0000_0000L;
        // the first remote port's reply tuple in slot m, then a second remote port whose reply tuple is in m ^ 1
        final int[] rports = new int[2];
        final int[] refs = new int[2];
        int m = -1;
        for (int rport = 1000, found = 0; found < 2; rport++) {
            final int mi = ConntrackTable.memoIndex(remoteHi ^ 7, natHi ^ 9, rport << 16 | 40000,
                ConntrackTable.PROTO_UDP);
            if (found == 0 || mi == (m ^ 1)) {
                m = found == 0 ? mi : m;
                rports[found++] = rport;
            }
        }
        for (int k = 0; k < 2; k++) {
            final int h = pb.reset().ipv6(0xFD00L << 48, 5, remoteHi, 7).udp(40000, rports[k]).build();
            refs[k] = ct.in(store, h, 0);
            assertThat(ct.masquerade6(refs[k], natHi, 9, 3)).isZero();
            ct.confirm(refs[k]);
            store.free(h);
        }
        final long before = ct.memoMisses();
        for (int i = 0; i < 1000; i++) {
            final int k = i & 1;
            final int h = pb.reset().ipv6(remoteHi, 7, natHi, 9).udp(rports[k], 40000).build();
            assertThat(ct.in(store, h, SEC)).isEqualTo(refs[k] | 1)
                .isEqualTo(ct.find6(remoteHi, 7, natHi, 9, rports[k] << 16 | 40000, ConntrackTable.PROTO_UDP));
            store.free(h);
        }
        assertThat(ct.memoMisses() - before).as("look-ups past the memo").isLessThanOrEqualTo(2);
    }
}
