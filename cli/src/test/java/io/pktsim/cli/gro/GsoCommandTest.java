package io.pktsim.cli.gro;

import static io.pktsim.cli.gro.ReplayCommandTestSupport.listing;
import static io.pktsim.cli.gro.ReplayCommandTestSupport.readPcap;
import static io.pktsim.cli.gro.ReplayCommandTestSupport.run;
import static io.pktsim.cli.gro.ReplayCommandTestSupport.u16;
import static io.pktsim.cli.gro.ReplayCommandTestSupport.u32;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pktsim.cli.gro.ReplayCommandTestSupport.Rec;
import io.pktsim.cli.gro.ReplayCommandTestSupport.Run;
import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.pcap.PcapFormat;
import io.pktsim.core.pcap.PcapWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pktsim gso} end to end through {@code PktsimMain}. */
class GsoCommandTest {

    private static final String NL = System.lineSeparator();
    private static final int MSS = ExamplePcaps.MSS;

    @TempDir
    Path tmp;

    private Path superPacket() throws Exception {
        final Path in = tmp.resolve("super.pcap");
        new ExamplePcaps().gsoSuper(in);
        return in;
    }

    @Test
    void shouldCutA64KibSuperPacketInto45SegmentsWithConsecutiveSeqAndIpId() throws Exception {
        final Path in = superPacket();
        final Path out = tmp.resolve("wire.pcap");
        final Path json = tmp.resolve("wire.json");
        final Run r = run("gso", "--in", in.toString(), "--gso-size", "1448", "--out", out.toString(), "--json",
            json.toString());
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
        final JsonNode a = new ObjectMapper().readTree(Files.readString(json, StandardCharsets.UTF_8));
        assertThat(a.size()).isEqualTo(45);
        for (int i = 0; i < 45; i++) {
            final JsonNode e = a.get(i);
            assertThat(e.size()).as("exactly the four fields").isEqualTo(4);
            assertThat(e.get("payload_len").asInt()).isEqualTo(MSS);
            assertThat(e.get("seq").asLong()).isEqualTo(ExamplePcaps.SEQ0 + (long) i * MSS);
            assertThat(e.get("ip_id").asInt()).isEqualTo(300 + i);
            assertThat(e.get("tcp_flags").toString()).isEqualTo(i == 44 ? "[\"PSH\",\"ACK\"]" : "[\"ACK\"]");
        }
        final List<Rec> recs = readPcap(out);
        assertThat(recs).hasSize(45).allMatch(c -> c.frame().length == 14 + 20 + 32 + MSS);
        for (int i = 0; i < 45; i++) {
            final byte[] f = recs.get(i).frame();
            assertThat(u16(f, 16)).isEqualTo(20 + 32 + MSS);
            assertThat(u16(f, 18)).isEqualTo(300 + i);
            assertThat(u32(f, 38)).isEqualTo(ExamplePcaps.SEQ0 + (long) i * MSS);
            assertThat(InetChecksum.finish(InetChecksum.sum(new UnsafeBuffer(f), 14, 20, 0)))
                .as("IP header checksum of segment %d", i).isZero();
            assertThat(tcpChecksumOk(f)).as("TCP checksum of segment %d computed in software", i).isTrue();
        }
        assertThat(recs).extracting(Rec::timeNs).containsOnly(ExamplePcaps.T0_NS);
    }

    /** Verifies an IPv4 TCP checksum over the pseudo-header and segment: the complemented sum is 0. */
    private static boolean tcpChecksumOk(final byte[] f) {
        final UnsafeBuffer b = new UnsafeBuffer(f);
        final int tcpLen = u16(f, 16) - 20;
        long sum = InetChecksum.sum(b, 26, 8, 0);
        sum += 6 + tcpLen;
        sum = InetChecksum.sum(b, 34, tcpLen, sum);
        return InetChecksum.finish(sum) == 0;
    }

    @Test
    void shouldDropADfSegmentAboveTheMtuAndReportTheIcmp() throws Exception {
        final Path in = superPacket();
        final Path out = tmp.resolve("wire.pcap");
        final Run r = run("gso", "--in", in.toString(), "--gso-size", "1448", "--mtu", "1400", "--json", "-",
            "--out", out.toString());
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.out()).isEqualTo("[]" + NL);
        assertThat(r.err()).isEqualTo("pktsim gso: " + in + ": record 1: dropped, ICMP fragmentation needed "
            + "(type 3 code 4), next-hop MTU 1400" + NL);
        assertThat(readPcap(out)).isEmpty();
    }

    @Test
    void shouldDropAnIpv6SegmentAboveTheMtuWithPacketTooBig() throws Exception {
        final Path in = tmp.resolve("v6.pcap");
        final PacketStore store = new PacketStore(2, 2048, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        final long p = 0x2001_0db8_0000_0000L;
        try (PcapWriter w = PcapWriter.open(in, PcapFormat.LINKTYPE_ETHERNET, PcapFormat.MAX_SNAPLEN)) {
            w.writePacket(0, store, pb.reset().ipv6(p, 1, p, 2).tcp(1, 2, 7, 1, TcpView.ACK).payload(3000)
                .checksumMode(PacketBuilder.CSUM_PARTIAL).build());
        }
        final Run dropped = run("gso", "--in", in.toString(), "--gso-size", "1440", "--mtu", "1280", "--json", "-");
        assertThat(dropped.out()).isEqualTo("[]" + NL);
        assertThat(dropped.err()).isEqualTo("pktsim gso: " + in + ": record 1: dropped, ICMPv6 packet too big "
            + "(type 2), MTU 1280" + NL);
        final Run cut = run("gso", "--in", in.toString(), "--gso-size", "1440", "--json", "-");
        assertThat(cut.out()).isEqualTo("[\n"
            + "  {\"payload_len\": 1440, \"seq\": 7, \"ip_id\": null, \"tcp_flags\": [\"ACK\"]},\n"
            + "  {\"payload_len\": 1440, \"seq\": 1447, \"ip_id\": null, \"tcp_flags\": [\"ACK\"]},\n"
            + "  {\"payload_len\": 120, \"seq\": 2887, \"ip_id\": null, \"tcp_flags\": [\"ACK\"]}\n"
            + "]" + NL);
    }

    @Test
    void shouldFragmentSegmentsWithoutDfAndListEveryFragment() throws Exception {
        final Path in = tmp.resolve("nodf.pcap");
        new ExamplePcaps().gsoNoDf(in);
        final Path out = tmp.resolve("frags.pcap");
        final Run r = run("gso", "--in", in.toString(), "--gso-size", "1448", "--mtu", "1400", "--json", "-",
            "--out", out.toString());
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("[\n"
            + "  {\"payload_len\": 1376, \"seq\": 1000001, \"ip_id\": 40, \"tcp_flags\": [\"ACK\"]},\n"
            + "  {\"payload_len\": 104, \"seq\": null, \"ip_id\": 40, \"tcp_flags\": null},\n"
            + "  {\"payload_len\": 1376, \"seq\": 1001449, \"ip_id\": 41, \"tcp_flags\": [\"PSH\", \"ACK\"]},\n"
            + "  {\"payload_len\": 104, \"seq\": null, \"ip_id\": 41, \"tcp_flags\": null}\n"
            + "]" + NL);
        assertThat(readPcap(out)).extracting(c -> c.frame().length).containsExactly(1410, 138, 1410, 138);
    }

    @Test
    void shouldPrintASummaryWithoutOutAndJson() throws Exception {
        final Path in = tmp.resolve("nodf.pcap");
        new ExamplePcaps().gsoNoDf(in);
        final Run r = run("gso", "--in", in.toString(), "--gso-size", "1448", "--mtu", "1400");
        assertThat(r.out()).isEqualTo(String.join(NL,
            "frames in:          1 (1 TCP super-packet)",
            "wire packets out:   4 (4 of them IP fragments)",
            "dropped, ICMP sent: 0") + NL);
        final Run big = run("gso", "--in", superPacket().toString(), "--gso-size", "1448");
        assertThat(big.out()).isEqualTo(String.join(NL,
            "frames in:          1 (1 TCP super-packet)",
            "wire packets out:   45 (0 of them IP fragments)",
            "dropped, ICMP sent: 0") + NL);
    }

    @Test
    void shouldGiveByteIdenticalOutputsForTheSameInput() throws Exception {
        final Path in = superPacket();
        for (final String csum : new String[] {"on", "off"}) {
            final Path o1 = tmp.resolve("1-" + csum + ".pcap");
            final Path o2 = tmp.resolve("2-" + csum + ".pcap");
            assertThat(run("gso", "--in", in.toString(), "--gso-size", "1000", "--tx-csum", csum, "--out",
                o1.toString()).code()).isZero();
            assertThat(run("gso", "--in", in.toString(), "--gso-size", "1000", "--tx-csum", csum, "--out",
                o2.toString()).code()).isZero();
            assertThat(Files.readAllBytes(o1)).isEqualTo(Files.readAllBytes(o2));
        }
        assertThat(Files.readAllBytes(tmp.resolve("1-on.pcap"))).isNotEqualTo(Files.readAllBytes(
            tmp.resolve("1-off.pcap")));
    }

    private void assertRejected(final Run r, final String... parts) throws Exception {
        assertThat(r.code()).as("%s", r).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().count()).as("one line: %s", r.err()).isEqualTo(1);
        assertThat(r.err()).startsWith("pktsim gso: ").doesNotContain("Exception").doesNotContain("\tat ");
        for (final String p : parts) {
            assertThat(r.err()).contains(p);
        }
        assertThat(listing(tmp)).allMatch(n -> !n.contains("wire.pcap") && !n.contains("wire.json"));
    }

    private Run runWithOutputs(final String in, final String gsoSize, final String... more) {
        final String[] base = {"gso", "--in", in, "--gso-size", gsoSize, "--out", tmp.resolve("wire.pcap").toString(),
            "--json", tmp.resolve("wire.json").toString()};
        final String[] args = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return run(args);
    }

    @Test
    void shouldRejectBadInputWithoutWritingAnything() throws Exception {
        final Path in = superPacket();
        assertRejected(runWithOutputs(in.toString(), "0"), "--gso-size 0 must be at least 1");
        assertRejected(runWithOutputs(in.toString(), "1448", "--mtu", "60"), "--mtu 60 is outside 68..65535");
        assertRejected(runWithOutputs(in.toString(), "1448", "--tx-csum", "yes"), "--tx-csum yes is not on or off");
        assertRejected(runWithOutputs(tmp.resolve("missing.pcap").toString(), "1448"), "missing.pcap: no such file");
        final Path text = tmp.resolve("text.pcap");
        Files.writeString(text, "hello", StandardCharsets.UTF_8);
        assertRejected(runWithOutputs(text.toString(), "1448"), text + ": file header: bad magic number");
        final byte[] whole = Files.readAllBytes(in);
        final Path cut = tmp.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 1));
        assertRejected(runWithOutputs(cut.toString(), "1448"), cut + ": record 1 (byte 24): truncated record data");

        final Path odd = tmp.resolve("odd.pcap");
        final PacketStore store = new PacketStore(4, 2048, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        try (PcapWriter w = PcapWriter.open(odd, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
            w.writePacket(0, store, pb.reset().payload(3000).build());
            final byte[] arp = new byte[60];
            arp[12] = 0x08;
            arp[13] = 0x06;
            w.writeRecord(1, arp, 0, 60, 60);
        }
        assertRejected(runWithOutputs(odd.toString(), "1448"), odd + ": record 2: ethertype 0x0806: the frame is "
            + "not Ethernet/IPv4 or Ethernet/IPv6");
    }

    @Test
    void shouldPassOtherIpPacketsThroughTheSameMtuCheck() throws Exception {
        final Path in = tmp.resolve("udp.pcap");
        final PacketStore store = new PacketStore(4, 4096, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        try (PcapWriter w = PcapWriter.open(in, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
            w.writePacket(0, store, pb.reset().udp(1, 2).payload(100).build());
            w.writePacket(1, store, pb.reset().ipId(9).fragWord(0).udp(1, 2).payload(2000).build());
            w.writePacket(2, store, pb.reset().udp(1, 2).payload(2000).build());
            w.writePacket(3, store, pb.reset().tcp(5, 6, 77, 1, TcpView.ACK).payload(1000).build());
        }
        final Run r = run("gso", "--in", in.toString(), "--gso-size", "1448", "--json", "-");
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.out()).isEqualTo("[\n"
            + "  {\"payload_len\": 108, \"seq\": null, \"ip_id\": 0, \"tcp_flags\": null},\n"
            + "  {\"payload_len\": 1480, \"seq\": null, \"ip_id\": 9, \"tcp_flags\": null},\n"
            + "  {\"payload_len\": 528, \"seq\": null, \"ip_id\": 9, \"tcp_flags\": null},\n"
            + "  {\"payload_len\": 1000, \"seq\": 77, \"ip_id\": 0, \"tcp_flags\": [\"ACK\"]}\n"
            + "]" + NL);
        assertThat(r.err()).isEqualTo("pktsim gso: " + in + ": record 3: dropped, ICMP fragmentation needed "
            + "(type 3 code 4), next-hop MTU 1500" + NL);
        final Run summary = run("gso", "--in", in.toString(), "--gso-size", "1448");
        assertThat(summary.out()).isEqualTo(String.join(NL,
            "frames in:          4 (1 TCP super-packet, 3 other)",
            "wire packets out:   4 (2 of them IP fragments)",
            "dropped, ICMP sent: 1") + NL);
    }

    @Test
    void shouldCutUdpSuperPacketsOnlyWithUdpGso() throws Exception {
        final Path in = tmp.resolve("udp-gso.pcap");
        final PacketStore store = new PacketStore(4, 4096, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        try (PcapWriter w = PcapWriter.open(in, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
            // a UDP_SEGMENT send: DF, ID 0, its checksum the pseudo-header sum of the whole datagram
            w.writePacket(0, store, pb.reset().ipId(0).udp(40000, 9000).payload(3500)
                .checksumMode(PacketBuilder.CSUM_PARTIAL).build());
            // a datagram no longer than gso_size is not a GSO one (udp_send_skb)
            w.writePacket(1, store, pb.reset().ipId(7).udp(40000, 9000).payload(1000).build());
        }
        final Path out = tmp.resolve("udp-segments.pcap");
        final Run r = run("gso", "--in", in.toString(), "--gso-size", "1000", "--udp-gso", "--json", "-", "--out",
            out.toString());
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.out()).isEqualTo("[\n"
            + "  {\"payload_len\": 1008, \"seq\": null, \"ip_id\": 0, \"tcp_flags\": null},\n"
            + "  {\"payload_len\": 1008, \"seq\": null, \"ip_id\": 1, \"tcp_flags\": null},\n"
            + "  {\"payload_len\": 1008, \"seq\": null, \"ip_id\": 2, \"tcp_flags\": null},\n"
            + "  {\"payload_len\": 508, \"seq\": null, \"ip_id\": 3, \"tcp_flags\": null},\n"
            + "  {\"payload_len\": 1008, \"seq\": null, \"ip_id\": 7, \"tcp_flags\": null}\n"
            + "]" + NL);
        final List<Rec> wire = readPcap(out);
        assertThat(wire).hasSize(5);
        for (int i = 0; i < 4; i++) {
            final byte[] f = wire.get(i).frame();
            final int udpLen = i == 3 ? 508 : 1008;
            assertThat(u16(f, 16)).as("IP total length").isEqualTo(20 + udpLen);
            assertThat(u16(f, 38)).as("UDP length").isEqualTo(udpLen);
            // the full software checksum (--tx-csum off): the pseudo-header and the datagram fold to 0xFFFF
            final long pseudo = InetChecksum.pseudoIpv4((int) u32(f, 26), (int) u32(f, 30), 17, udpLen);
            final UnsafeBuffer b = new UnsafeBuffer(f);
            assertThat(InetChecksum.fold(InetChecksum.sum(b, 34, f.length - 34, pseudo))).isEqualTo(0xFFFF);
        }
        final Run summary = run("gso", "--in", in.toString(), "--gso-size", "1000", "--udp-gso");
        assertThat(summary.out()).isEqualTo(String.join(NL,
            "frames in:          2 (0 TCP super-packets, 1 UDP super-packet, 1 other)",
            "wire packets out:   5 (0 of them IP fragments)",
            "dropped, ICMP sent: 0") + NL);
        // without --udp-gso the 3528-byte DF datagram is one packet above the MTU
        final Run whole = run("gso", "--in", in.toString(), "--gso-size", "1000");
        assertThat(whole.err()).isEqualTo("pktsim gso: " + in + ": record 1: dropped, ICMP fragmentation needed "
            + "(type 3 code 4), next-hop MTU 1500" + NL);
        // a UDP length that is not the datagram's is bad input
        final Path bad = tmp.resolve("udp-bad.pcap");
        final int h = pb.reset().udp(40000, 9000).payload(3000).build();
        store.buffer().putShort(store.frameOffset(h) + 38, (short) 3000, java.nio.ByteOrder.BIG_ENDIAN);
        try (PcapWriter w = PcapWriter.open(bad, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
            w.writePacket(0, store, h);
        }
        assertRejected(runWithOutputs(bad.toString(), "1000", "--udp-gso"), bad + ": record 1: the UDP length 3000 "
            + "is not the 3008 bytes after the IP header (a UDP GSO super-packet's UDP length is the whole "
            + "datagram's)");
    }

    @Test
    void shouldCutAnIpInIpSuperPacketByItsInnerTcpHeader() throws Exception {
        final Path in = tmp.resolve("ipip.pcap");
        final PacketStore store = new PacketStore(2, 2048, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        try (PcapWriter w = PcapWriter.open(in, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
            w.writePacket(0, store, pb.reset().outerIpv4(0x0A09_0001, 0x0A09_0002).ipId(500)
                .tcp(1, 2, 10, 1, TcpView.ACK | TcpView.FIN).payload(2500).checksumMode(PacketBuilder.CSUM_PARTIAL)
                .build());
        }
        final Run r = run("gso", "--in", in.toString(), "--gso-size", "1000", "--json", "-");
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.out()).contains("{\"payload_len\": 1000, \"seq\": 10, ")
            .contains("{\"payload_len\": 1000, \"seq\": 1010, ")
            .contains("{\"payload_len\": 500, \"seq\": 2010, ");
        assertThat(r.out().lines().filter(l -> l.contains("FIN")).count()).as("FIN on the last segment only")
            .isEqualTo(1);
        assertThat(r.out().lines().toList().get(3)).contains("\"FIN\"");
    }

    @Test
    void shouldPrintHelp() {
        final Run r = run("gso", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("Usage: pktsim gso ").contains("--gso-size").contains("--mtu")
            .contains("--tx-csum").contains("Exit codes");
    }
}
