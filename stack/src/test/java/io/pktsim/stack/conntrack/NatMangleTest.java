package io.pktsim.stack.conntrack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;

class NatMangleTest {

    static final long SEED = 0x6E61_7436L;

    final PacketStore store = new PacketStore(64, 256, 64);
    final PacketBuilder pb = new PacketBuilder(store);

    /**
     * The IPv6 rewrite's one folded sum gives, byte for byte, what {@code csum_replace4} word by word and then
     * {@code csum_replace2} for the port give (the computation it replaced), for random addresses, ports and
     * checksum fields, 0 and 0xFFFF included, UDP and TCP, source and destination.
     */
    @Test
    void shouldRewriteIpv6AsReplace4WordByWordThenReplace2() {
        final SplittableRandom rnd = new SplittableRandom(SEED);
        final ByteOrder be = ByteOrder.BIG_ENDIAN;
        for (int i = 0; i < 20_000; i++) {
            final boolean udp = rnd.nextBoolean();
            final boolean source = rnd.nextBoolean();
            final long sHi = rnd.nextLong();
            final long sLo = rnd.nextLong();
            final long dHi = rnd.nextLong();
            final long dLo = rnd.nextLong();
            final int sport = rnd.nextInt(65536);
            final int dport = rnd.nextInt(65536);
            pb.reset().ipv6(sHi, sLo, dHi, dLo);
            final int h = (udp ? pb.udp(sport, dport) : pb.tcp(sport, dport, 1, 1, TcpView.ACK)).build();
            final MutableDirectBuffer b = store.buffer();
            final int ipAt = store.networkHeaderOffset(h);
            final int l4At = store.transportHeaderOffset(h);
            final int checkAt = l4At + (udp ? 6 : 16);
            final int pick = rnd.nextInt(8);
            final int oldCheck = pick == 0 ? 0 : pick == 1 ? 0xFFFF : rnd.nextInt(65536);
            b.putShort(checkAt, (short) oldCheck, be);
            final int[] w = {rnd.nextInt(), rnd.nextInt(), rnd.nextInt(), rnd.nextInt()};
            if (pick == 2) {
                w[1] = 0;
                w[3] = -1;
            }
            final int port = rnd.nextInt(65536);
            // the expectation: the old computation, word by word
            final int addrAt = ipAt + (source ? 8 : 24);
            int check = oldCheck;
            for (int k = 0; k < 4; k++) {
                check = InetChecksum.replace32(check, b.getInt(addrAt + 4 * k, be), w[k]);
            }
            final int portAt = l4At + (source ? 0 : 2);
            check = InetChecksum.replace16(check, b.getShort(portAt, be) & 0xFFFF, port);
            if (udp && check == 0) {
                check = 0xFFFF;
            }
            NatMangle.rewrite6(store, h, source, w[0], w[1], w[2], w[3], port);
            final String what = "seed " + SEED + " case " + i;
            assertThat(b.getShort(checkAt, be) & 0xFFFF).as(what).isEqualTo(check);
            assertThat(b.getShort(portAt, be) & 0xFFFF).as(what).isEqualTo(port);
            for (int k = 0; k < 4; k++) {
                assertThat(b.getInt(addrAt + 4 * k, be)).as(what).isEqualTo(w[k]);
            }
            store.free(h);
        }
    }
    /**
     * The IPv6 rewrite sums the address 32 bits at a time: the same checksum as the 16-bit sum it replaced
     * ({@code delta32} per word), for random words and for the edges where the sum is 0 (all-ones old words and
     * port, zero new ones, checksum field 0xFFFF) or a multiple of 0xFFFF.
     */
    @Test
    void shouldSumTheAddressInWideWordsAsIn16BitWords() {
        final SplittableRandom rnd = new SplittableRandom(SEED + 1);
        final ByteOrder be = ByteOrder.BIG_ENDIAN;
        for (int i = 0; i < 20_000; i++) {
            final boolean udp = rnd.nextBoolean();
            final boolean source = rnd.nextBoolean();
            final int edge = rnd.nextInt(4);
            final long[] old = {rnd.nextLong(), rnd.nextLong()};
            final long[] nu = {rnd.nextLong(), rnd.nextLong()};
            int oldPort = rnd.nextInt(65536);
            int port = rnd.nextInt(65536);
            int oldCheck = rnd.nextInt(65536);
            if (edge == 0) {
                old[0] = -1;
                old[1] = -1;
                nu[0] = 0;
                nu[1] = 0;
                oldPort = 0xFFFF;
                port = 0;
                oldCheck = 0xFFFF;
            } else if (edge == 1) {
                // new = old: the sum is ~HC plus a multiple of 0xFFFF
                nu[0] = old[0];
                nu[1] = old[1];
                port = oldPort;
                oldCheck = rnd.nextBoolean() ? 0 : 0xFFFF;
            }
            pb.reset();
            if (source) {
                pb.ipv6(old[0], old[1], 5, 6);
            } else {
                pb.ipv6(5, 6, old[0], old[1]);
            }
            final int h = (udp ? pb.udp(source ? oldPort : 9, source ? 9 : oldPort)
                : pb.tcp(source ? oldPort : 9, source ? 9 : oldPort, 1, 1, TcpView.ACK)).build();
            final MutableDirectBuffer b = store.buffer();
            final int checkAt = store.transportHeaderOffset(h) + (udp ? 6 : 16);
            b.putShort(checkAt, (short) oldCheck, be);
            long sum = (~oldCheck & 0xFFFF) + (~oldPort & 0xFFFF) + (port & 0xFFFF);
            for (int k = 0; k < 2; k++) {
                sum += InetChecksum.delta32((int) (old[k] >>> 32), (int) (nu[k] >>> 32))
                    + InetChecksum.delta32((int) old[k], (int) nu[k]);
            }
            int check = ~InetChecksum.fold(sum) & 0xFFFF;
            if (udp && check == 0) {
                check = 0xFFFF;
            }
            NatMangle.rewrite6(store, h, source, nu[0], nu[1], port);
            assertThat(b.getShort(checkAt, be) & 0xFFFF).as("seed %d case %d", SEED + 1, i).isEqualTo(check);
            store.free(h);
        }
    }
    /**
     * The IPv6 rewrite reads a packet without extension headers in place when its headers lie in the slot, and
     * through the buffer's range checks otherwise: the same bytes either way, for random UDP packets (whose 8-byte
     * header can end too near the slot's end for the in-place path) with and without a hop-by-hop header, and TCP.
     */
    @Test
    void shouldRewriteIpv6InPlaceAsThroughTheRangeChecks() {
        final SplittableRandom rnd = new SplittableRandom(SEED + 2);
        // 512-byte data areas: 64 bytes of headroom (in place), or 448 (64 bytes of room: a UDP header ends 10
        // bytes short of the 18 the in-place path wants)
        final PacketStore[] stores = {new PacketStore(4, 512, 64), new PacketStore(4, 512, 448)};
        final PacketBuilder[] builders = {new PacketBuilder(stores[0]), new PacketBuilder(stores[1])};
        for (int i = 0; i < 20_000; i++) {
            final int kind = rnd.nextInt(4);
            final boolean source = rnd.nextBoolean();
            final long[] addr = {rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong()};
            final int sport = rnd.nextInt(65536);
            final int dport = rnd.nextInt(65536);
            final int check = rnd.nextInt(8) == 0 ? 0 : rnd.nextInt(65536);
            final long hi = rnd.nextLong();
            final long lo = rnd.nextLong();
            final int port = rnd.nextInt(65536);
            final int[] h = new int[2];
            for (int k = 0; k < 2; k++) {
                final PacketBuilder b = builders[k].reset().ipv6(addr[0], addr[1], addr[2], addr[3]);
                if (kind == 0) {
                    // TCP fits only without Ethernet in the second store, and then still in place
                    b.rawIp().tcp(sport, dport, 1, 1, TcpView.ACK);
                } else if (kind == 1) {
                    b.rawIp().udp(sport, dport).hopByHop(8);
                } else {
                    b.udp(sport, dport);
                }
                h[k] = b.build();
                final int checkAt = stores[k].transportHeaderOffset(h[k]) + (kind == 0 ? 16 : 6);
                stores[k].buffer().putShort(checkAt, (short) check, ByteOrder.BIG_ENDIAN);
                NatMangle.rewrite6(stores[k], h[k], source, hi, lo, port);
            }
            assertThat(bytes(stores[0], h[0])).as("seed %d case %d", SEED + 2, i).isEqualTo(bytes(stores[1], h[1]));
            stores[0].free(h[0]);
            stores[1].free(h[1]);
        }
    }

    /**
     * The connection's folded rewrite terms ({@link ConntrackTable#natCsumDelta(long, long, long, long, int, int)})
     * added to {@code ~HC} give the checksum of the whole sum ({@code delta32} per word, the port's terms), UDP's
     * 0 as 0xFFFF included, for random words and for the edges where the terms sum to 0 (all-ones old words and
     * port, zero new ones) or to a multiple of 0xFFFF (new = old), with checksum fields 0 and 0xFFFF.
     */
    @Test
    void shouldUpdateTheChecksumWithTheFoldedTermsAsWithTheWholeSum() {
        final SplittableRandom rnd = new SplittableRandom(SEED + 3);
        for (int i = 0; i < 200_000; i++) {
            final int edge = rnd.nextInt(4);
            final long[] old = {rnd.nextLong(), rnd.nextLong()};
            final long[] nu = {rnd.nextLong(), rnd.nextLong()};
            int oldPort = rnd.nextInt(65536);
            int port = rnd.nextInt(65536);
            final int pick = rnd.nextInt(4);
            final int oldCheck = pick == 0 ? 0 : pick == 1 ? 0xFFFF : rnd.nextInt(65536);
            if (edge == 0) {
                old[0] = -1;
                old[1] = -1;
                nu[0] = 0;
                nu[1] = 0;
                oldPort = 0xFFFF;
                port = 0;
            } else if (edge == 1) {
                nu[0] = old[0];
                nu[1] = old[1];
                port = oldPort;
            }
            long sum = (~oldCheck & 0xFFFF) + (~oldPort & 0xFFFF) + (port & 0xFFFF);
            for (int k = 0; k < 2; k++) {
                sum += InetChecksum.delta32((int) (old[k] >>> 32), (int) (nu[k] >>> 32))
                    + InetChecksum.delta32((int) old[k], (int) nu[k]);
            }
            final int delta = ConntrackTable.natCsumDelta(old[0], old[1], nu[0], nu[1], oldPort, port);
            final String what = "seed " + (SEED + 3) + " case " + i;
            assertThat(delta).as(what).isBetween(0, 0xFFFF);
            assertThat(~InetChecksum.fold((~oldCheck & 0xFFFF) + delta) & 0xFFFF).as(what)
                .isEqualTo(~InetChecksum.fold(sum) & 0xFFFF);
        }
    }

    /**
     * A packet of a NATed IPv6 connection rewritten right after {@link ConntrackTable#in} matched it (the tracked
     * path: the connection's folded terms, nothing read but the checksum) gets the same bytes as the rewrite that
     * reads the packet ({@link NatMangle#rewrite6(PacketStore, int, boolean, long, long, int)}), both directions,
     * UDP and TCP, random addresses, ports (remapped or kept) and checksum fields (0 and 0xFFFF included).
     */
    @Test
    void shouldRewriteATrackedIpv6PacketAsTheRewriteThatReadsIt() {
        final SplittableRandom rnd = new SplittableRandom(SEED + 4);
        final PacketStore copies = new PacketStore(64, 256, 64);
        final PacketBuilder cb = new PacketBuilder(copies);
        final ByteOrder be = ByteOrder.BIG_ENDIAN;
        for (int round = 0; round < 200; round++) {
            final ConntrackTable ct = new ConntrackTable(ConntrackConfig.kernelDefaults(64),
                io.pktsim.core.random.RandomStream.derive(SEED, round, "nat"));
            final long natHi = rnd.nextLong();
            final long natLo = rnd.nextLong();
            for (int i = 0; i < 50; i++) {
                final boolean udp = rnd.nextBoolean();
                final long aHi = rnd.nextLong();
                final long aLo = rnd.nextLong();
                final long bHi = rnd.nextLong();
                final long bLo = rnd.nextLong();
                // few source ports, so that some are remapped
                final int sport = 40000 + rnd.nextInt(4);
                final int dport = rnd.nextInt(65536);
                final boolean reply = rnd.nextBoolean();
                final int h = build(pb, udp, aHi, aLo, bHi, bLo, sport, dport, TcpView.SYN);
                final int ref = ct.in(store, h, 0);
                assertThat(ref).isGreaterThanOrEqualTo(0);
                if ((ct.status(ref >> 1) & ConntrackTable.IPS_SRC_NAT) == 0) {
                    if (ct.masquerade6(ref, natHi, natLo, 3) < 0) {
                        store.free(h);
                        continue;
                    }
                    ct.confirm(ref);
                }
                final int e = ref >> 1;
                int p = h;
                int r = ref;
                if (reply) {
                    store.free(h);
                    final int natPort = ct.tuplePorts(e, 1) & 0xFFFF;
                    p = build(pb, udp, bHi, bLo, natHi, natLo, dport, natPort, TcpView.SYN | TcpView.ACK);
                    r = ct.in(store, p, 1);
                    assertThat(r).isEqualTo(ref | 1);
                }
                final int checkAt = store.transportHeaderOffset(p) + (udp ? 6 : 16);
                final int pick = rnd.nextInt(4);
                final int check = pick == 0 ? 0 : pick == 1 ? 0xFFFF : rnd.nextInt(65536);
                store.buffer().putShort(checkAt, (short) check, be);
                // the copy goes through the rewrite that reads the packet
                final int c = copies.allocateFrame(store.buffer(), store.frameOffset(p), store.storedLength(p),
                    store.length(p), store.protocol(p), store.networkOffset(p), store.transportOffset(p), 0);
                assertThat(ct.nat6HeaderAt(p, r)).isGreaterThanOrEqualTo(0);
                NatMangle.apply(ct, store, p, r);
                final boolean orig = (r & 1) == 0;
                final int address = orig ? ConntrackTable.ADDRESS_REPLY_DST : ConntrackTable.ADDRESS_ORIG_SRC;
                NatMangle.rewrite6(copies, c, orig, ct.addressHi(e, address), ct.addressLo(e, address),
                    orig ? ct.tuplePorts(e, 1) & 0xFFFF : ct.tuplePorts(e, 0) >>> 16);
                assertThat(bytes(store, p)).as("seed %d round %d case %d", SEED + 4, round, i)
                    .isEqualTo(bytes(copies, c));
                store.free(p);
                copies.free(c);
            }
        }
    }

    private static int build(final PacketBuilder pb, final boolean udp, final long sHi, final long sLo,
        final long dHi, final long dLo, final int sport, final int dport, final int tcpFlags) {
        pb.reset().ipv6(sHi, sLo, dHi, dLo);
        return (udp ? pb.udp(sport, dport) : pb.tcp(sport, dport, 1, 1, tcpFlags)).build();
    }

    static byte[] bytes(final PacketStore s, final int h) {
        final byte[] out = new byte[s.storedLength(h)];
        s.buffer().getBytes(s.frameOffset(h), out);
        return out;
    }
}
