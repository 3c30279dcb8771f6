package io.pktsim.cli.gro;

import java.io.IOException;
import java.nio.file.Path;

import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.pcap.PcapFormat;
import io.pktsim.core.pcap.PcapWriter;

/**
 * Builds the small captures of the documentation (docs/examples/*.pcap) and of the command tests, the same bytes
 * every time. {@link DocsExamplePcapsTest} checks that the committed files are these bytes.
 */
final class ExamplePcaps {

    /** The server, 192.0.2.10 (TEST-NET-1). */
    static final int SERVER = 0xC000_020A;
    /** The client, 198.51.100.20 (TEST-NET-2). */
    static final int CLIENT = 0xC633_6414;
    /** The TCP payload of a full segment: MSS 1460 less the 12-byte timestamp option. */
    static final int MSS = 1448;
    /** When the first poll's frames arrived: 1 s after the epoch. */
    static final long T0_NS = 1_000_000_000L;
    /** The first sequence number of the train. */
    static final int SEQ0 = 1_000_001;

    private final PacketStore store = new PacketStore(4, 2048, 64);
    private final PacketBuilder pb = new PacketBuilder(store);

    /**
     * docs/examples/gro-train.pcap (microsecond pcap, as tcpdump writes): poll 1 at T0 takes ten full segments of
     * one download (192.0.2.10:5201 to 198.51.100.20:50000, the tenth with PSH) and, after the fifth, a 100-byte
     * UDP datagram (192.0.2.53:40053 to 198.51.100.20:40054); poll 2, 1 ms later, takes three more segments
     * without PSH.
     *
     * @param file where to write
     * @throws IOException on a write error
     */
    void groTrain(final Path file) throws IOException {
        try (PcapWriter w = PcapWriter.open(file, PcapFormat.LINKTYPE_ETHERNET, 65_535, false)) {
            for (int i = 0; i < 10; i++) {
                write(w, T0_NS, segment(i, 100, i == 9 ? TcpView.PSH : 0));
                if (i == 4) {
                    write(w, T0_NS, dnsAnswer());
                }
            }
            for (int i = 10; i < 13; i++) {
                write(w, T0_NS + 1_000_000L, segment(i, 101, 0));
            }
        }
    }

    /** Segment i of the download: seq SEQ0 + i * MSS, IP ID 7000 + i, TSval as given. */
    private int segment(final int i, final int tsVal, final int extraFlags) {
        final int h = pb.reset().ipv4(SERVER, CLIENT).ipId(7000 + i).tcp(5201, 50000, SEQ0 + i * MSS, 20_001,
            TcpView.ACK | extraFlags).window(501).timestamps(tsVal, 55).payload(MSS).build();
        return h;
    }

    private int dnsAnswer() {
        final int h = pb.reset().ipv4(0xC000_0235, CLIENT).ipId(0).udp(40053, 40054).payload(100).build();
        return h;
    }

    /**
     * docs/examples/gso-super.pcap (nanosecond pcap): one TCP super-packet as a sender using TSO leaves it,
     * 192.0.2.10:5201 to 198.51.100.20:50000, DF, IP ID 300, seq SEQ0, PSH|ACK, timestamps, 45 * 1448 = 65160
     * payload bytes (IP length 65212), the TCP checksum holding only the pseudo-header sum.
     *
     * @param file where to write
     * @throws IOException on a write error
     */
    void gsoSuper(final Path file) throws IOException {
        try (PcapWriter w = PcapWriter.open(file, PcapFormat.LINKTYPE_ETHERNET, PcapFormat.MAX_SNAPLEN)) {
            write(w, T0_NS, superPacket(45 * MSS, 300, true));
        }
    }

    /**
     * docs/examples/gso-nodf.pcap: the same flow's super-packet of 2 * 1448 bytes without DF (IP ID 40).
     *
     * @param file where to write
     * @throws IOException on a write error
     */
    void gsoNoDf(final Path file) throws IOException {
        try (PcapWriter w = PcapWriter.open(file, PcapFormat.LINKTYPE_ETHERNET, PcapFormat.MAX_SNAPLEN)) {
            write(w, T0_NS, superPacket(2 * MSS, 40, false));
        }
    }

    /** Session id of the first PPPoE dial in {@link #groPppoe}. */
    static final int SESSION_1 = 0x0011;
    /** Session id of the second PPPoE dial in {@link #groPppoe}. */
    static final int SESSION_2 = 0x0022;
    /** The second dial's client address, 198.51.100.21. */
    static final int CLIENT_2 = 0xC633_6415;

    /**
     * docs/examples/gro-pppoe.pcap (microsecond pcap): one poll at T0 of PPPoE session frames from the WAN side of a
     * router with two dials: four full segments of a download in session 0x0011 (192.0.2.10:5201 to
     * 198.51.100.20:50000), three of another in session 0x0022 (192.0.2.10:5201 to 198.51.100.21:50001), and in
     * between an LCP Echo-Request of session 0x0011 (PPP protocol 0xc021, PPPoE length 10), which Ethernet pads
     * to 60 bytes. Order: A0 A1 B0 A2 LCP B1 A3 B2.
     *
     * @param file where to write
     * @throws IOException on a write error
     */
    void groPppoe(final Path file) throws IOException {
        try (PcapWriter w = PcapWriter.open(file, PcapFormat.LINKTYPE_ETHERNET, 65_535, false)) {
            write(w, T0_NS, pppoeSegment(SESSION_1, CLIENT, 50000, 0));
            write(w, T0_NS, pppoeSegment(SESSION_1, CLIENT, 50000, 1));
            write(w, T0_NS, pppoeSegment(SESSION_2, CLIENT_2, 50001, 0));
            write(w, T0_NS, pppoeSegment(SESSION_1, CLIENT, 50000, 2));
            final byte[] lcp = lcpEchoRequest(SESSION_1);
            w.writeRecord(T0_NS, lcp, 0, lcp.length, lcp.length);
            write(w, T0_NS, pppoeSegment(SESSION_2, CLIENT_2, 50001, 1));
            write(w, T0_NS, pppoeSegment(SESSION_1, CLIENT, 50000, 3));
            write(w, T0_NS, pppoeSegment(SESSION_2, CLIENT_2, 50001, 2));
        }
    }

    /**
     * docs/examples/gso-pppoe.pcap (nanosecond pcap): the two aggregates {@code pktsim gro --pppoe-gro} makes of
     * {@link #groPppoe} (checked byte for byte by {@code PppoeReplayCommandTest}): session 0x0011's 4 * 1448 bytes
     * and session 0x0022's 3 * 1448 bytes, each with the first segment's headers (IP ID 7000, seq SEQ0, ACK), the
     * IP and PPPoE lengths of the whole and the TCP checksum holding the pseudo-header sum.
     *
     * @param file where to write
     * @throws IOException on a write error
     */
    void gsoPppoe(final Path file) throws IOException {
        try (PcapWriter w = PcapWriter.open(file, PcapFormat.LINKTYPE_ETHERNET, PcapFormat.MAX_SNAPLEN)) {
            write(w, T0_NS, pppoeSuperPacket(SESSION_1, CLIENT, 50000, 4));
            write(w, T0_NS, pppoeSuperPacket(SESSION_2, CLIENT_2, 50001, 3));
        }
    }

    private int pppoeSuperPacket(final int session, final int client, final int port, final int segments) {
        return pb.reset().pppoe(session).ipv4(SERVER, client).ipId(7000).fragWord(0x4000)
            .tcp(5201, port, SEQ0, 20_001, TcpView.ACK).window(501).timestamps(100, 55).payload(segments * MSS)
            .checksumMode(PacketBuilder.CSUM_PARTIAL).build();
    }

    /** Segment i of a download in a PPPoE session: seq SEQ0 + i * MSS, IP ID 7000 + i, DF. */
    private int pppoeSegment(final int session, final int client, final int port, final int i) {
        return pb.reset().pppoe(session).ipv4(SERVER, client).ipId(7000 + i).fragWord(0x4000)
            .tcp(5201, port, SEQ0 + i * MSS, 20_001, TcpView.ACK).window(501).timestamps(100, 55).payload(MSS)
            .build();
    }

    /** An LCP Echo-Request (RFC 1661: code 9, id 1, length 8, magic number) in a session, padded to 60 bytes. */
    private byte[] lcpEchoRequest(final int session) {
        final int h = pppoeSegment(session, CLIENT, 50000, 0);
        final byte[] f = new byte[60];
        store.getFrame(h, f, 0, 14);
        store.free(h);
        final byte[] pppoe = {0x11, 0, (byte) (session >>> 8), (byte) session, 0, 10, (byte) 0xC0, 0x21,
            9, 1, 0, 8, 0x12, 0x34, 0x56, 0x78};
        System.arraycopy(pppoe, 0, f, 14, pppoe.length);
        return f;
    }

    /** Writes a built packet and frees it. */
    private void write(final PcapWriter w, final long timeNs, final int h) throws IOException {
        w.writePacket(timeNs, store, h);
        store.free(h);
    }

    int superPacket(final int payload, final int ipId, final boolean df) {
        final int h = pb.reset().ipv4(SERVER, CLIENT).ipId(ipId).fragWord(df ? 0x4000 : 0)
            .tcp(5201, 50000, SEQ0, 20_001, TcpView.ACK | TcpView.PSH).window(501).timestamps(100, 55)
            .payload(payload).checksumMode(PacketBuilder.CSUM_PARTIAL).build();
        return h;
    }
}
