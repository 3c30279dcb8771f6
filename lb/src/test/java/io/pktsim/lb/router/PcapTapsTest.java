package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.pcap.PcapFormatException;
import io.pktsim.core.pcap.PcapReader;
import io.pktsim.core.test.AllocationMeter;
import io.pktsim.stack.netdev.NetDeviceTable;
import io.pktsim.stack.netdev.PppoeDevice;
import io.pktsim.stack.netdev.VlanDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pcap taps (one per interface) and the decision trace of a run: what they hold, and that they change nothing. */
class PcapTapsTest {

    private static final List<String> DEVICES = List.of("eth0", "eth0.1", "eth0.2", "macvlan0", "pppoe-wan0",
            "macvlan1", "pppoe-wan1");
    private static final long ETH0_MAC = 0x0200_0000_00E0L;
    private static final long DIAL_MAC = 0x0200_0000_1000L;
    private static final int DIAL_ADDRESS = 0x6440_0001;

    @TempDir
    Path tmp;

    /** One record of a capture. */
    private record Rec(long timeNs, int originalLength, byte[] bytes) {
        int u8(final int at) {
            return bytes[at] & 0xFF;
        }

        int u16(final int at) {
            return u8(at) << 8 | u8(at + 1);
        }

        int u32(final int at) {
            return u16(at) << 16 | u16(at + 2);
        }

        long mac(final int at) {
            return (long) u16(at) << 32 | u32(at + 2) & 0xFFFF_FFFFL;
        }
    }

    private static List<Rec> read(final Path file, final int linkType) throws IOException, PcapFormatException {
        final List<Rec> records = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            assertThat(r.linkType()).as("%s link type", file.getFileName()).isEqualTo(linkType);
            assertThat(r.nanoseconds()).isTrue();
            while (r.next()) {
                final byte[] b = new byte[r.capturedLength()];
                r.frame().getBytes(0, b);
                assertThat(r.originalLength()).isGreaterThanOrEqualTo(r.capturedLength());
                records.add(new Rec(r.timeNs(), r.originalLength(), b));
            }
        }
        return records;
    }

    /**
     * Checks each record's Linux cooked header (packet type host or outgoing, ARPHRD_PPP, no address, IPv4) and
     * returns the IP packets behind it.
     */
    private static List<Rec> cooked(final List<Rec> records) {
        final List<Rec> ip = new ArrayList<>(records.size());
        for (final Rec r : records) {
            assertThat(r.u16(0)).as("SLL packet type").isIn(0, 4);
            assertThat(r.u16(2)).as("ARPHRD_PPP").isEqualTo(512);
            assertThat(r.u16(4)).as("no link-layer address").isZero();
            assertThat(r.u16(14)).as("IPv4").isEqualTo(0x0800);
            ip.add(new Rec(r.timeNs(), r.originalLength() - 16, Arrays.copyOfRange(r.bytes(), 16, r.bytes().length)));
        }
        return ip;
    }

    private static RouterConfig config(final RouterConfig.Outputs outputs) {
        final RouterConfig c = RouterFixtures.config(1, 2, 100 * RouterFixtures.MBIT, true, false,
                RouterConfig.OffloadMode.FLOWTABLE, RouterConfig.Balancing.ecmp(1),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.BROWSER, 1, 4, RouterConfig.Direction.DOWNLOAD),
                        RouterFixtures.tcp(RouterConfig.AppKind.BROWSER, 1, 2, RouterConfig.Direction.UPLOAD)),
                200_000_000L, 7);
        return c.withOutputs(outputs);
    }

    private RouterResults run(final Path dir, final Path trace) throws IOException {
        Files.createDirectories(dir);
        return new RouterSimulation(config(new RouterConfig.Outputs(dir, trace))).run(ProgressListener.NONE);
    }

    private static List<String> files(final Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void shouldNameTheInterfacesAsTheEngineRegistersThem() {
        final List<RouterConfig> configs = List.of(config(RouterConfig.Outputs.NONE),
                RouterFixtures.config(1, 1, RouterFixtures.MBIT, false, false, RouterConfig.OffloadMode.NONE,
                        RouterConfig.Balancing.none(), List.of(), 1_000_000L, 1),
                RouterFixtures.config(2, 1, RouterFixtures.MBIT, true, true, RouterConfig.OffloadMode.NONE,
                        RouterConfig.Balancing.none(), List.of(), 1_000_000L, 1),
                RouterFixtures.config(4, 16, RouterFixtures.MBIT, false, false, RouterConfig.OffloadMode.NONE,
                        RouterConfig.Balancing.ecmp(0), List.of(), 1_000_000L, 1));
        for (final RouterConfig c : configs) {
            final NetDeviceTable table = new RouterSimulation(c).devices();
            final List<String> engine = new ArrayList<>();
            for (int i = 1; i <= table.size(); i++) {
                engine.add(table.get(i).name());
            }
            assertThat(RouterSimulation.interfaceNames(c)).isEqualTo(engine);
        }
        assertThat(RouterSimulation.interfaceNames(config(RouterConfig.Outputs.NONE))).isEqualTo(DEVICES);
        assertThat(RouterSimulation.interfaceNames(configs.get(2)))
                .containsExactly("eth0", "eth0.1", "eth0.2", "eth0.3", "pppoe-wan0", "pppoe-wan1");
        assertThat(RouterSimulation.describeInterfaces(RouterSimulation.interfaceNames(configs.get(3))))
                .isEqualTo("eth0, eth0.1..eth0.5, macvlan0..macvlan63");
        assertThat(RouterSimulation.describeInterfaces(DEVICES))
                .isEqualTo("eth0, eth0.1, eth0.2, macvlan0, pppoe-wan0, macvlan1, pppoe-wan1");
    }

    @Test
    void shouldWriteOneTapPerInterfaceWithTheHeadersThatDeviceSeesWithoutChangingTheResults()
            throws IOException, PcapFormatException {
        final RouterResults plain = new RouterSimulation(config(RouterConfig.Outputs.NONE)).run(ProgressListener.NONE);
        final Path dir = tmp.resolve("a");
        final RouterResults tapped = run(dir, tmp.resolve("a.jsonl"));
        assertThat(tapped).isEqualTo(plain);
        assertThat(tapped.drops().backlog()).isZero();
        assertThat(files(dir)).containsExactlyInAnyOrderElementsOf(DEVICES.stream().map(d -> d + ".pcap").toList());

        // eth0: every frame tagged; the LAN's (VLAN 1) carry IPv4, the line's (VLAN 2) PPPoE sessions.
        final List<Rec> eth0 = read(dir.resolve("eth0.pcap"), 1);
        long eth0Sent = 0;
        boolean truncated = false;
        for (final Rec r : eth0) {
            assertThat(r.u16(12)).as("802.1Q").isEqualTo(0x8100);
            final int vid = r.u16(14) & 0xFFF;
            assertThat(vid).isBetween(1, 2);
            assertThat(r.u16(16)).isEqualTo(vid == 1 ? 0x0800 : 0x8864);
            truncated |= r.originalLength() > r.bytes().length;
            eth0Sent += r.mac(6) == ETH0_MAC || vid == 2 && r.mac(6) != 0x00E0_FC00_0000L ? 1 : 0;
        }
        assertThat(truncated).as("segments: payload counted, not stored").isTrue();

        // eth0.1 (the LAN): untagged Ethernet + IPv4, both directions.
        final List<Rec> lan = read(dir.resolve("eth0.1.pcap"), 1);
        long lanSent = 0;
        for (final Rec r : lan) {
            assertThat(r.u16(12)).as("untagged IPv4").isEqualTo(0x0800);
            assertThat(r.u8(14)).isEqualTo(0x45);
            lanSent += r.mac(6) == ETH0_MAC ? 1 : 0;
        }
        assertThat(lanSent).isPositive().isLessThan(lan.size());

        // eth0.2 (the line): untagged PPPoE session frames of both dials.
        final List<Rec> line = read(dir.resolve("eth0.2.pcap"), 1);
        long lineSent = 0;
        for (final Rec r : line) {
            assertThat(r.u16(12)).as("untagged PPPoE session").isEqualTo(0x8864);
            lineSent += r.mac(0) == 0x00E0_FC00_0000L ? 1 : 0;
        }
        assertThat(eth0Sent).as("every frame sent on eth0 was sent by eth0.1 or eth0.2").isEqualTo(lanSent + lineSent);
        // A received packet is on eth0 when the CPU delivers it, after GRO (an upload segment merged into a held
        // one is inside it), and at the same time on its VLAN device: eth0 receives what eth0.1 and eth0.2 do.
        final long merged;
        try (var lines = Files.lines(tmp.resolve("a.jsonl"), StandardCharsets.UTF_8)) {
            merged = lines.filter(l -> l.contains("\"kind\":\"gro_merge\"")).count();
        }
        assertThat(merged).as("the LAN's upload segments are GRO'd").isPositive();
        assertThat(eth0.size() - eth0Sent).isEqualTo((lan.size() - lanSent) + (line.size() - lineSent));

        int macvlanRecords = 0;
        for (int d = 0; d < 2; d++) {
            final List<Rec> mv = read(dir.resolve("macvlan" + d + ".pcap"), 1);
            final List<Rec> ppp = cooked(read(dir.resolve("pppoe-wan" + d + ".pcap"), 113));
            assertThat(ppp).as("dial %d carried traffic", d).hasSizeGreaterThan(20);
            assertThat(mv).as("the macvlan sees the PPPoE device's packets").hasSameSizeAs(ppp);
            macvlanRecords += mv.size();
            for (int i = 0; i < ppp.size(); i++) {
                final Rec m = mv.get(i);
                final Rec p = ppp.get(i);
                // Raw IP: an IPv4 header from the first byte, to or from this dial's address only.
                assertThat(p.u8(0)).isEqualTo(0x45);
                assertThat(p.u32(12) == DIAL_ADDRESS + d || p.u32(16) == DIAL_ADDRESS + d)
                        .as("dial %d record %d: %08x -> %08x", d, i, p.u32(12), p.u32(16)).isTrue();
                // The same packet with Ethernet (the macvlan's MAC) and this dial's PPPoE session around it.
                assertThat(m.timeNs()).isEqualTo(p.timeNs());
                assertThat(m.mac(0) == DIAL_MAC + d || m.mac(6) == DIAL_MAC + d).isTrue();
                assertThat(m.u16(12)).isEqualTo(0x8864);
                assertThat(m.u8(14)).as("PPPoE ver/type").isEqualTo(0x11);
                assertThat(m.u16(16)).as("session").isEqualTo(0x1000 + d);
                assertThat(m.u16(18)).as("PPPoE length").isEqualTo(p.originalLength() + 2);
                assertThat(m.u16(20)).as("PPP IPv4").isEqualTo(0x0021);
                assertThat(m.originalLength()).isEqualTo(p.originalLength() + 22);
                assertThat(Arrays.copyOfRange(m.bytes(), 22, m.bytes().length)).isEqualTo(p.bytes());
            }
        }
        assertThat(line).as("the line's VLAN device sees the frames of all its macvlans").hasSize(macvlanRecords);

        final List<String> lines = Files.readAllLines(tmp.resolve("a.jsonl"), StandardCharsets.UTF_8);
        assertThat(lines.stream().filter(l -> l.contains("\"kind\":\"dial_ecmp\"")).count()).as("one per connection")
                .isEqualTo(6);
        assertThat(lines.stream().filter(l -> l.contains("\"kind\":\"conntrack_new\"")).count()).isEqualTo(6);
        assertThat(lines).anyMatch(l -> l.contains("\"kind\":\"flow_offload\""));
        assertThat(lines).allMatch(l -> l.startsWith("{\"time_ns\":") && l.endsWith("}"));
    }

    /** The IPv4 pseudo-header sum folded to 16 bits: what {@code tcp4_gro_complete} leaves in the TCP checksum. */
    private static int pseudoSum(final Rec r, final int ip) {
        long sum = r.u16(ip + 12) + r.u16(ip + 14) + r.u16(ip + 16) + r.u16(ip + 18) + 6 + r.u16(ip + 2) - 20;
        while (sum >> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) sum;
    }

    /** Whether the IPv4 header at {@code ip} has a valid header checksum. */
    private static boolean ipChecksumValid(final Rec r, final int ip) {
        long sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += r.u16(ip + i);
        }
        while (sum >> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return sum == 0xFFFF;
    }

    private static int tcpPayload(final Rec r, final int ip) {
        return r.u16(ip + 2) - 20 - (r.u8(ip + 32) >> 4) * 4;
    }

    /** Drops in the router (the lines' and the ISP's are outside it: slow start overruns the line). */
    private static long routerDrops(final RouterResults r) {
        return r.drops().byReason().stream().filter(c -> !c.name().equals("switch_line_up")
                && !c.name().equals("isp_line_down")).mapToLong(RouterResults.Count::value).sum();
    }

    /** Received on eth0: not sent by the router (its MAC on the LAN, a dial's on the line). */
    private static boolean eth0Received(final Rec r) {
        final int vid = r.u16(14) & 0xFFF;
        return !(r.mac(6) == ETH0_MAC || vid == 2 && r.mac(6) != 0x00E0_FC00_0000L);
    }

    /**
     * One TCP connection over one line, with no warm-up (the results count the whole run, as the taps do): an upload
     * over 100 Mbit/s PPPoE, or a download over a 1 Gbit/s line without PPPoE (fast enough for GRO to merge).
     */
    private static RouterConfig oneConnection(final boolean pppoe, final RouterConfig.Direction dir, final Path dir2) {
        return oneConnection(pppoe, false, dir, dir2);
    }

    private static RouterConfig oneConnection(final boolean pppoe, final boolean ipv6, final RouterConfig.Direction dir,
            final Path dir2) {
        final RouterConfig c = RouterFixtures.config(1, 1, (pppoe ? 100 : 1000) * RouterFixtures.MBIT, pppoe, ipv6,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.BROWSER, 1, 1, dir)), 200_000_000L, 7);
        return c.withTiming(c.durationNs(), 0L).withOutputs(new RouterConfig.Outputs(dir2, null));
    }

    @Test
    void shouldShowAGroAggregateAsOnePacketOnEachDeviceThatReceivesIt() throws IOException, PcapFormatException {
        final Path dir = tmp.resolve("gro");
        Files.createDirectories(dir);
        final RouterResults r = new RouterSimulation(oneConnection(true, RouterConfig.Direction.UPLOAD, dir))
                .run(ProgressListener.NONE);
        assertThat(routerDrops(r)).as("drops %s", r.drops()).isZero();
        final long merged = value(r.gro(), "merged");
        assertThat(merged).as("the LAN's upload segments are GRO'd").isPositive();

        final List<Rec> eth0In = read(dir.resolve("eth0.pcap"), 1).stream().filter(PcapTapsTest::eth0Received)
                .toList();
        // Conservation: eth0 shows each packet the CPU delivers after GRO once, not the frames entering its ring.
        assertThat((long) eth0In.size()).as("eth0's received records = packets delivered after GRO")
                .isEqualTo(value(r.gro(), "flushed")).isEqualTo(value(r.gro(), "received") - merged);
        final List<Rec> lanIn = eth0In.stream().filter(x -> (x.u16(14) & 0xFFF) == 1).toList();
        final List<Rec> vlanIn = read(dir.resolve("eth0.1.pcap"), 1).stream().filter(x -> x.mac(6) != ETH0_MAC)
                .toList();
        assertThat(vlanIn).as("eth0.1 receives what eth0 receives of VLAN 1").hasSameSizeAs(lanIn);
        int mss = 0;
        for (final Rec x : lanIn) {
            if (x.u16(18 + 2) <= 1500) {
                mss = Math.max(mss, tcpPayload(x, 18));
            }
        }
        assertThat(mss).as("the hosts' MSS (1452 clamped, 12 bytes of timestamps)").isEqualTo(1440);
        long aggregates = 0;
        long segments = 0;
        long payload = 0;
        long retransmitted = 0;
        final java.util.Map<Integer, Long> nextSeq = new java.util.HashMap<>();
        for (int i = 0; i < lanIn.size(); i++) {
            final Rec x = lanIn.get(i);
            final int ipLen = x.u16(18 + 2);
            final int len = tcpPayload(x, 18);
            assertThat(x.originalLength()).as("record %d: frame = tagged Ethernet + IP length", i)
                    .isEqualTo(18 + ipLen);
            assertThat(ipChecksumValid(x, 18)).as("record %d: IPv4 header checksum", i).isTrue();
            final int segs = len == 0 ? 1 : (len + mss - 1) / mss;
            if (segs > 1) {
                aggregates++;
                assertThat(len).as("record %d: an aggregate of full segments", i).isEqualTo(segs * mss);
                assertThat(x.u16(18 + 20 + 16)).as("record %d: CHECKSUM_PARTIAL, the pseudo-header sum", i)
                        .isEqualTo(pseudoSum(x, 18));
            }
            segments += segs;
            payload += len;
            // the same packet at the same time on eth0.1, untagged
            final Rec v = vlanIn.get(i);
            assertThat(v.timeNs()).as("record %d: delivered once, eth0 then eth0.1", i).isEqualTo(x.timeNs());
            assertThat(v.originalLength()).isEqualTo(x.originalLength() - 4);
            final byte[] untagged = new byte[x.bytes().length - 4];
            System.arraycopy(x.bytes(), 0, untagged, 0, 12);
            System.arraycopy(x.bytes(), 16, untagged, 12, untagged.length - 12);
            assertThat(v.bytes()).as("record %d", i).isEqualTo(untagged);
            // no merged segment shows on its own: a flow's data continues where it stopped, or is a retransmission
            // (the line dropped the first copy) of data entirely before it
            if (len > 0) {
                final long seq = x.u32(18 + 24) & 0xFFFF_FFFFL;
                final Long expected = nextSeq.get(x.u32(18 + 20));
                if (expected == null || expected == seq) {
                    nextSeq.put(x.u32(18 + 20), seq + len);
                } else {
                    assertThat(seq + len).as("record %d: seq %d..%d before %d", i, seq, seq + len, expected)
                            .isLessThanOrEqualTo(expected);
                    retransmitted++;
                }
            }
        }
        assertThat(aggregates).as("aggregates on eth0").isPositive();
        assertThat(retransmitted).as("the line dropped some").isPositive();
        assertThat(segments - lanIn.size()).as("segments merged = the router's gro merged counter")
                .isEqualTo(merged);

        // The send side: the ppp device has no TSO, so it and the devices below show the segments, whose payload
        // is the aggregates'.
        long sentSegments = 0;
        long sentPayload = 0;
        for (final Rec x : read(dir.resolve("pppoe-wan0.pcap"), 113)) {
            if (x.u16(0) == 4) {
                sentSegments++;
                assertThat(x.u16(16 + 2)).as("a segment fits the dial's MTU").isLessThanOrEqualTo(1492);
                sentPayload += tcpPayload(x, 16);
            }
        }
        assertThat(sentSegments).as("each segment leaves on the dial").isEqualTo(segments);
        assertThat(sentPayload).isEqualTo(payload);
    }

    /** tshark prints this when run as root, whatever the file. */
    private static final String ROOT_NOTICE = "Running as user \"root\" and group \"root\". This could be dangerous.";

    private static Path tshark() {
        final String path = System.getenv("PATH");
        if (path != null) {
            for (final String d : path.split(File.pathSeparator)) {
                final Path p = Path.of(d, "tshark");
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    /** {@code tshark -r FILE -T fields -e ...}: one line per record, the fields tab-separated; no complaint. */
    private List<String[]> tsharkFields(final Path exe, final Path file, final String... fields)
            throws IOException, InterruptedException {
        final List<String> cmd = new ArrayList<>(List.of(exe.toString(), "-r", file.toString(), "-n", "-T", "fields"));
        for (final String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        final Path out = tmp.resolve(file.getFileName() + ".out");
        final Path err = tmp.resolve(file.getFileName() + ".err");
        final Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        final List<String> stderr = Files.readAllLines(err, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank() && !l.equals(ROOT_NOTICE)).toList();
        assertThat(p.exitValue()).as("tshark -r %s: %s", file.getFileName(), stderr).isZero();
        assertThat(stderr).as("tshark -r %s", file.getFileName()).isEmpty();
        final List<String[]> rows = new ArrayList<>();
        for (final String l : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            final String[] cols = l.split("\t", -1);
            assertThat(cols).as("%s: %s", file.getFileName(), l).hasSize(fields.length);
            rows.add(cols);
        }
        return rows;
    }

    @Test
    void shouldLetTsharkReadTheAggregatesOnEveryTap() throws Exception {
        final Path exe = tshark();
        assumeTrue(exe != null, "tshark is not installed (not on PATH): skipping the check that Wireshark reads the "
                + "router's taps with their GRO aggregates; install it with 'apt-get install tshark' (CI does)");
        tsharkAggregates(exe, false);
        tsharkAggregates(exe, true);
    }

    /** An upload over PPPoE (IPv4 or IPv6) as tshark reads its taps. */
    private void tsharkAggregates(final Path exe, final boolean ipv6) throws Exception {
        final Path dir = tmp.resolve(ipv6 ? "ts6" : "ts4");
        Files.createDirectories(dir);
        final RouterResults r = new RouterSimulation(oneConnection(true, ipv6, RouterConfig.Direction.UPLOAD, dir))
                .run(ProgressListener.NONE);
        // ipv6.plen counts the payload after the 40-byte header; ip.len the whole packet
        final String lengthField = ipv6 ? "ipv6.plen" : "ip.len";
        final int ipHeader = ipv6 ? 40 : 0;
        long eth0In = 0;
        long lanInPayload = 0;
        long aggregates = 0;
        long pppOutPayload = 0;
        for (final String f : files(dir)) {
            final List<String[]> rows = tsharkFields(exe, dir.resolve(f), "frame.len", "eth.src", "vlan.id",
                    "sll.pkttype", lengthField, "tcp.len", "_ws.malformed");
            assertThat((long) rows.size()).as(f).isEqualTo(read(dir.resolve(f), f.startsWith("pppoe-") ? 113 : 1)
                    .size());
            for (final String[] c : rows) {
                assertThat(c[6]).as("malformed in %s", f).isEmpty();
                if (f.equals("eth0.pcap") && !c[1].equals("02:00:00:00:00:e0") && !c[1].startsWith("02:00:00:00:10")) {
                    eth0In++;
                    if (c[2].equals("1") && !c[5].isEmpty()) {
                        // a LAN packet as eth0 delivers it: one frame of the whole IP length, however many segments
                        assertThat(Integer.parseInt(c[0])).isEqualTo(18 + ipHeader + Integer.parseInt(c[4]));
                        lanInPayload += Integer.parseInt(c[5]);
                        aggregates += ipHeader + Integer.parseInt(c[4]) > 1500 ? 1 : 0;
                    }
                } else if (f.equals("pppoe-wan0.pcap") && c[3].equals("4") && !c[5].isEmpty()) {
                    assertThat(ipHeader + Integer.parseInt(c[4])).as("a segment").isLessThanOrEqualTo(1492);
                    pppOutPayload += Integer.parseInt(c[5]);
                }
            }
        }
        assertThat(eth0In).as("IPv%d: eth0 receives each packet delivered after GRO once", ipv6 ? 6 : 4)
                .isEqualTo(value(r.gro(), "flushed"));
        assertThat(aggregates).as("IPv%d aggregates", ipv6 ? 6 : 4).isPositive();
        assertThat(pppOutPayload).as("the ppp device sends the aggregates' bytes as segments").isEqualTo(lanInPayload);
    }

    @Test
    void shouldHandTheAggregateWholeToTheLanDevicesWhichHaveTso() throws IOException, PcapFormatException {
        // Without PPPoE the downloads are GRO'd on the WAN side; eth0.1 and eth0 (TSO) send the aggregate whole.
        final Path dir = tmp.resolve("tso");
        Files.createDirectories(dir);
        final RouterResults r = new RouterSimulation(oneConnection(false, RouterConfig.Direction.DOWNLOAD, dir))
                .run(ProgressListener.NONE);
        assertThat(routerDrops(r)).as("drops %s", r.drops()).isZero();
        assertThat(files(dir)).containsExactly("eth0.1.pcap", "eth0.2.pcap", "eth0.pcap");
        final List<Rec> lineIn = read(dir.resolve("eth0.2.pcap"), 1).stream()
                .filter(x -> x.mac(0) != 0x00E0_FC00_0000L).toList();
        final List<Rec> lanOut = read(dir.resolve("eth0.1.pcap"), 1).stream().filter(x -> x.mac(6) == ETH0_MAC)
                .toList();
        final List<Rec> eth0Out = read(dir.resolve("eth0.pcap"), 1).stream()
                .filter(x -> x.mac(6) == ETH0_MAC && (x.u16(14) & 0xFFF) == 1).toList();
        assertThat(lanOut).as("one packet out on the LAN per packet in from the line").hasSameSizeAs(lineIn)
                .hasSameSizeAs(eth0Out);
        int mss = 0;
        for (final Rec x : lanOut) {
            if (x.u16(14 + 2) <= 1500) {
                mss = Math.max(mss, tcpPayload(x, 14));
            }
        }
        long aggregates = 0;
        long segments = 0;
        for (int i = 0; i < lanOut.size(); i++) {
            final Rec in = lineIn.get(i);
            final Rec out = lanOut.get(i);
            assertThat(out.u16(14 + 2)).as("record %d: the same IP length in and out", i).isEqualTo(in.u16(14 + 2));
            assertThat(out.originalLength()).isEqualTo(14 + out.u16(14 + 2));
            assertThat(eth0Out.get(i).originalLength()).isEqualTo(18 + out.u16(14 + 2));
            segments += Math.max(1, (tcpPayload(out, 14) + mss - 1) / mss);
            if (out.u16(14 + 2) > 1500) {
                aggregates++;
                assertThat(ipChecksumValid(out, 14)).isTrue();
                assertThat(out.u16(14 + 20 + 16)).as("record %d: the pseudo-header sum after NAT", i)
                        .isEqualTo(pseudoSum(out, 14));
            }
        }
        assertThat(aggregates).as("aggregates sent whole").isPositive();
        final long lineOut = read(dir.resolve("eth0.2.pcap"), 1).size() - lineIn.size();
        assertThat(segments + lineOut).as("the wire carries the segments: forwarded packets")
                .isEqualTo(r.forwardedPackets());
    }

    @Test
    void shouldNotSeeWhatThePpeForwards() throws IOException, PcapFormatException {
        // No warm-up: forwarded counts the whole run. One PPPoE dial without a macvlan, so the PPE binds.
        final RouterConfig c = RouterFixtures.config(1, 1, 100 * RouterFixtures.MBIT, true, false,
                RouterConfig.OffloadMode.PPE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, 2, RouterConfig.Direction.DOWNLOAD)),
                300_000_000L, 5);
        final Path dir = tmp.resolve("ppe");
        Files.createDirectories(dir);
        final RouterResults r = new RouterSimulation(c.withTiming(c.durationNs(), 0L)
                .withOutputs(new RouterConfig.Outputs(dir, null))).run(ProgressListener.NONE);
        final long hardware = value(r.ppe(), "hw_packets");
        assertThat(hardware).as("the PPE forwarded most of the download").isGreaterThan(r.forwardedPackets() / 2);
        assertThat(files(dir)).containsExactly("eth0.1.pcap", "eth0.2.pcap", "eth0.pcap", "pppoe-wan0.pcap");
        long sent = 0;
        for (final Rec rec : read(dir.resolve("eth0.pcap"), 1)) {
            sent += rec.mac(6) == ETH0_MAC ? 1 : 0;
        }
        assertThat(sent).as("eth0 sends what the CPU forwards, not what the PPE does")
                .isEqualTo(r.forwardedPackets() - hardware);
    }

    private static long count(final List<String> lines, final String kind) {
        return lines.stream().filter(l -> l.contains("\"kind\":\"" + kind + "\"")).count();
    }

    private static long value(final List<RouterResults.Count> counts, final String name) {
        return counts.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().value();
    }

    @Test
    void shouldTraceOneEventPerCountedDecision() throws IOException {
        // No warm-up: the results count the whole run, as the trace does.
        final RouterConfig c = RouterFixtures.config(2, 1, 20 * RouterFixtures.MBIT, true, false,
                RouterConfig.OffloadMode.PPE, RouterConfig.Balancing.mwan3(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.BROWSER, 2, 3, RouterConfig.Direction.DOWNLOAD),
                        RouterFixtures.udp(1, 2, 30 * RouterFixtures.MBIT, 1200)),
                300_000_000L, 11);
        final Path trace = tmp.resolve("t.jsonl");
        final RouterResults r = new RouterSimulation(c.withTiming(c.durationNs(), 0L)
                .withOutputs(new RouterConfig.Outputs(null, trace))).run(ProgressListener.NONE);
        final List<String> lines = Files.readAllLines(trace, StandardCharsets.UTF_8);
        assertThat(count(lines, "dial_mwan3")).as("one per connection").isEqualTo(8);
        assertThat(count(lines, "conntrack_new")).isEqualTo(value(r.conntrack(), "inserted")).isEqualTo(8);
        assertThat(count(lines, "flow_offload")).isEqualTo(value(r.flowtable(), "offloaded")).isPositive();
        assertThat(count(lines, "ppe_bind")).isEqualTo(value(r.ppe(), "bound")).isPositive();
        long dropped = 0;
        for (final RouterResults.Count d : r.drops().byReason()) {
            assertThat(count(lines, "drop_" + d.name())).as(d.name()).isEqualTo(d.value());
            dropped += d.value();
        }
        assertThat(dropped).as("the 30 Mbit/s UDP flows overrun the 20 Mbit/s lines").isPositive();
    }

    @Test
    void shouldWriteIdenticalBytesTwice() throws IOException {
        run(tmp.resolve("a"), tmp.resolve("a.jsonl"));
        run(tmp.resolve("b"), tmp.resolve("b.jsonl"));
        assertThat(files(tmp.resolve("b"))).isEqualTo(files(tmp.resolve("a"))).hasSize(DEVICES.size());
        for (final String f : files(tmp.resolve("a"))) {
            assertThat(Files.readAllBytes(tmp.resolve("b").resolve(f))).as(f)
                    .isEqualTo(Files.readAllBytes(tmp.resolve("a").resolve(f)));
        }
        assertThat(Files.readAllBytes(tmp.resolve("b.jsonl"))).isEqualTo(Files.readAllBytes(tmp.resolve("a.jsonl")));
    }

    @Test
    void shouldCaptureOnlyTheNamedInterfacesWithTheSameBytes() throws IOException {
        run(tmp.resolve("all"), null);
        final Path dir = tmp.resolve("some");
        Files.createDirectories(dir);
        new RouterSimulation(config(new RouterConfig.Outputs(dir, null, List.of("pppoe-wan1", "eth0.2"))))
                .run(ProgressListener.NONE);
        assertThat(files(dir)).containsExactly("eth0.2.pcap", "pppoe-wan1.pcap");
        for (final String f : files(dir)) {
            assertThat(Files.readAllBytes(dir.resolve(f))).as(f)
                    .isEqualTo(Files.readAllBytes(tmp.resolve("all").resolve(f)));
        }
        final Path bad = tmp.resolve("bad");
        Files.createDirectories(bad);
        final RouterSimulation sim = new RouterSimulation(config(new RouterConfig.Outputs(bad, null,
                List.of("eth0.2", "pppoe-wan7"))));
        assertThatThrownBy(() -> sim.run(ProgressListener.NONE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pcap interface 'pppoe-wan7': the router has no such device (it has eth0, "
                        + "eth0.1, eth0.2, macvlan0, pppoe-wan0, macvlan1, pppoe-wan1)");
        assertThat(files(bad)).isEmpty();
        assertThatThrownBy(() -> new RouterConfig.Outputs(null, null, List.of("eth0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only with a pcapDir");
    }

    @Test
    void shouldWriteAFrameWithoutAllocating() throws IOException, PcapFormatException {
        final PacketStore store = new PacketStore(4, 256, 64);
        final int h = new PacketBuilder(store).reset().ethernet(1L, 2L).vlan(2).pppoe(0x1000).ipv4(1, 2)
                .tcp(1000, 443, 1, 0, 0).payload(1400).build();
        final NetDeviceTable devices = new NetDeviceTable();
        final int vlan = devices.register(new VlanDevice("eth0.2", 1, 2L, 2));
        final int ppp = devices.register(new PppoeDevice("pppoe-wan0", vlan, 2L, 0x1000, 1L));
        final long[] t = {0};
        try (PcapTaps taps = PcapTaps.open(tmp, 160, devices, List.of())) {
            AllocationMeter.assertNoAllocation("PcapTaps.capture", () -> {
                taps.capture((t[0] & 1) == 0 ? vlan : ppp, t[0], store, h, (t[0] & 2) == 0);
                t[0]++;
            });
            assertThat(taps.records(vlan) + taps.records(ppp)).isEqualTo(t[0]).isGreaterThan(20_000);
            assertThat(taps.records(99)).isEqualTo(-1L);
        }
        assertThat(read(tmp.resolve("eth0.2.pcap"), 1)).hasSize((int) ((t[0] + 1) / 2));
        assertThat(read(tmp.resolve("pppoe-wan0.pcap"), 113)).hasSize((int) (t[0] / 2));
    }

    private static long backwardSteps(final List<Rec> records) {
        long n = 0;
        for (int i = 1; i < records.size(); i++) {
            n += records.get(i).timeNs() < records.get(i - 1).timeNs() ? 1 : 0;
        }
        return n;
    }

    /** A frame as the engine showed it to the tap. */
    private record Tapped(long timeNs, int length, byte[] stored) {
    }

    @Test
    void shouldWriteEveryFileInTimeOrderWithExactlyTheFramesTapped() throws IOException, PcapFormatException {
        // k2p-8dial's shape (4 lines x 2 macvlan PPPoE dials, IPv6, ECMP, no offload), CPU-bound, with RPS to two
        // CPUs: the engine solves each CPU's work ahead of its clock, so the two CPUs' frames come out of time order.
        final RouterConfig c = new RouterConfig(RouterFixtures.mt7621Like().clockHz(300_000_000L).rpsCpus(0b1100),
                new RouterConfig.Lan(8, 1_000_000_000L),
                new RouterConfig.Wan(4, 2, 100 * RouterFixtures.MBIT, 0, true, 1492, 20_000_000L, 16), true,
                RouterConfig.Balancing.ecmp(1), RouterConfig.OffloadMode.NONE,
                new RouterConfig.Firewall(RouterConfig.FirewallKind.FW3, 16384), RouterConfig.QdiscKind.FQ_CODEL,
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 4, 32, RouterConfig.Direction.DOWNLOAD),
                        RouterFixtures.udp(2, 4, 20 * RouterFixtures.MBIT, 1200)),
                400_000_000L, 100_000_000L, 7, 0, RouterConfig.Outputs.NONE);
        final RouterSimulation sim = new RouterSimulation(c);
        final NetDeviceTable devices = sim.devices();
        final List<List<Tapped>> tapped = new ArrayList<>();
        for (int i = 0; i <= devices.size(); i++) {
            tapped.add(new ArrayList<>());
        }
        final PcapTaps taps = PcapTaps.open(tmp, 160, devices, List.of());
        sim.tap(new RouterSimulation.FrameTap() {
            @Override
            public void capture(final int ifindex, final long timeNs, final PacketStore store, final int handle,
                    final boolean sent) {
                final byte[] b = new byte[store.storedLength(handle)];
                store.buffer().getBytes(store.frameOffset(handle), b);
                tapped.get(ifindex).add(new Tapped(timeNs, store.length(handle), b));
                taps.capture(ifindex, timeNs, store, handle, sent);
            }

            @Override
            public void clock(final LongSupplier nowNs) {
                taps.clock(nowNs);
            }
        });
        sim.start();
        sim.advance(c.totalNs());
        assertThat(taps.heldRecordsHighWater()).isPositive().isLessThan(PcapTaps.INITIAL_HELD_RECORDS);
        taps.close();
        long total = 0;
        long backwards = 0;
        for (int i = 1; i <= devices.size(); i++) {
            final String name = devices.get(i).name();
            final boolean ppp = devices.get(i) instanceof PppoeDevice;
            final List<Rec> file = read(tmp.resolve(name + ".pcap"), ppp ? 113 : 1);
            final List<Rec> records = new ArrayList<>(file.size());
            for (final Rec r : file) {
                // A ppp device's record: the Linux cooked header (IPv6), then the frame as the engine showed it.
                assertThat(!ppp || r.u16(2) == 512 && r.u16(14) == 0x86DD).isTrue();
                records.add(ppp ? new Rec(r.timeNs(), r.originalLength() - 16,
                        Arrays.copyOfRange(r.bytes(), 16, r.bytes().length)) : r);
            }
            final List<Tapped> in = tapped.get(i);
            assertThat(records).as(name).hasSize(in.size());
            assertThat(taps.records(i)).isEqualTo(in.size());
            assertThat(backwardSteps(records)).as("%s: timestamps never go backwards", name).isZero();
            // The frames tapped, sorted by time; equal times keep the order the engine showed them in.
            final List<Tapped> expected = new ArrayList<>(in);
            expected.sort(Comparator.comparingLong(Tapped::timeNs));
            final int snap = ppp ? 160 - 16 : 160;
            for (int k = 0; k < records.size(); k++) {
                final Rec r = records.get(k);
                final Tapped t = expected.get(k);
                assertThat(r.timeNs()).as("%s record %d", name, k).isEqualTo(t.timeNs());
                assertThat(r.originalLength()).as("%s record %d", name, k).isEqualTo(t.length());
                assertThat(r.bytes()).as("%s record %d", name, k)
                        .isEqualTo(Arrays.copyOf(t.stored(), Math.min(t.stored().length, snap)));
            }
            // (the receive records are dated when the RPS CPU takes each packet up, in its backlog's order, so a
            // device may see its frames in order; the sent ones are not)
            backwards += backwardSteps(records(in));
            total += in.size();
        }
        assertThat(total).isGreaterThan(40_000);
        assertThat(backwards).as("the engine showed frames out of time order").isGreaterThan(total / 20);
    }

    private static List<Rec> records(final List<Tapped> tapped) {
        return tapped.stream().map(t -> new Rec(t.timeNs(), t.length(), t.stored())).toList();
    }

    @Test
    void shouldHoldAndWriteFramesWithoutAllocating() throws IOException, PcapFormatException {
        final PacketStore store = new PacketStore(4, 256, 64);
        final int h = new PacketBuilder(store).reset().ethernet(1L, 2L).vlan(2).pppoe(0x1000).ipv4(1, 2)
                .tcp(1000, 443, 1, 0, 0).payload(1400).build();
        final int g = new PacketBuilder(store).reset().ethernet(1L, 2L).ipv4(1, 2).tcp(1000, 443, 1, 0, TcpView.ACK)
                .payload(1448).build();
        final NetDeviceTable devices = new NetDeviceTable();
        final int vlan = devices.register(new VlanDevice("eth0.2", 1, 2L, 2));
        final int ppp = devices.register(new PppoeDevice("pppoe-wan0", vlan, 2L, 0x1000, 1L));
        final long[] clock = {0};
        try (PcapTaps taps = PcapTaps.open(tmp, 160, devices, List.of())) {
            taps.clock(() -> clock[0]);
            AllocationMeter.assertNoAllocation("PcapTaps.capture and captureAggregate, held", () -> {
                clock[0] += 1_000;
                final long k = clock[0] / 1_000;
                // Up to 5 ms ahead of the clock, out of order.
                final long at = clock[0] + k * 7_919 % 5_000 * 1_000;
                if (k % 3 == 0) {
                    taps.captureAggregate(vlan, at, store, g, (k & 2) == 0, 4, 40 + 4 * 1448, TcpView.PSH, false);
                } else {
                    taps.capture((k & 1) == 0 ? vlan : ppp, at, store, h, (k & 2) == 0);
                }
            });
            assertThat(taps.heldRecords()).isBetween(1_000, PcapTaps.INITIAL_HELD_RECORDS);
        }
        for (final Path f : List.of(tmp.resolve("eth0.2.pcap"), tmp.resolve("pppoe-wan0.pcap"))) {
            final List<Rec> records = read(f, f.endsWith("eth0.2.pcap") ? 1 : 113);
            assertThat(records).hasSizeGreaterThan(5_000);
            assertThat(backwardSteps(records)).isZero();
        }
    }

    @Test
    void shouldWriteAnAggregateAsTheStackCompletesItWithoutTouchingTheFrame() throws IOException,
            PcapFormatException {
        final PacketStore store = new PacketStore(4, 256, 64);
        final int h = new PacketBuilder(store).reset().ethernet(1L, 2L).vlan(1).ipv4(0x0A00_0002, 0x6440_0007)
                .tcp(40000, 443, 0x7FFF_FF00, 77, TcpView.ACK).timestamps(5, 6).payload(1448).build();
        final byte[] before = new byte[store.storedLength(h)];
        store.buffer().getBytes(store.frameOffset(h), before);
        final NetDeviceTable devices = new NetDeviceTable();
        final int eth0 = devices.register(new VlanDevice("eth0", 1, 2L, 1));
        try (PcapTaps taps = PcapTaps.open(tmp, 160, devices, List.of())) {
            // 3 segments of 1448 bytes, the last with PSH
            taps.captureAggregate(eth0, 1_000L, store, h, false, 3, 20 + 32 + 3 * 1448, TcpView.PSH, false);
            assertThat(taps.records(eth0)).isOne();
            assertThat(taps.segments(eth0)).isEqualTo(3);
        }
        final byte[] after = new byte[store.storedLength(h)];
        store.buffer().getBytes(store.frameOffset(h), after);
        assertThat(after).as("the engine's frame is unchanged").isEqualTo(before);
        final List<Rec> records = read(tmp.resolve("eth0.pcap"), 1);
        assertThat(records).hasSize(1);
        final Rec r = records.get(0);
        final int ip = 18;
        assertThat(r.u16(ip + 2)).as("tot_len").isEqualTo(20 + 32 + 3 * 1448);
        assertThat(r.originalLength()).isEqualTo(18 + 20 + 32 + 3 * 1448);
        assertThat(ipChecksumValid(r, ip)).isTrue();
        assertThat(r.u8(ip + 33)).as("the first segment's flags, PSH of the last ORed in")
                .isEqualTo(TcpView.ACK | TcpView.PSH);
        assertThat(r.u16(ip + 36)).as("the pseudo-header sum").isEqualTo(pseudoSum(r, ip));
        // everything else is the first segment's
        for (int i = 0; i < r.bytes().length; i++) {
            if (i != ip + 2 && i != ip + 3 && i != ip + 10 && i != ip + 11 && i != ip + 33 && i != ip + 36
                    && i != ip + 37) {
                assertThat(r.bytes()[i]).as("byte %d", i).isEqualTo(before[i]);
            }
        }
    }

    /**
     * A fraglist aggregate ({@code tcp4_gro_complete} / {@code udp4_gro_complete} for {@code is_flist}, as the live
     * kernel shows it, RouterFraglistLiveKernelTest): the IP length is the aggregate's, the transport checksum and
     * the TCP flags stay the first segment's, and a UDP head's length becomes the aggregate's.
     */
    @Test
    void shouldWriteAFraglistAggregateWithTheFirstSegmentsChecksum() throws IOException, PcapFormatException {
        final PacketStore store = new PacketStore(4, 256, 64);
        final int tcp = new PacketBuilder(store).reset().ethernet(1L, 2L).vlan(1).ipv4(0x0A00_0002, 0x6440_0007)
                .tcp(40000, 443, 0x7FFF_FF00, 77, TcpView.ACK).timestamps(5, 6).payload(1448).build();
        final int udp = new PacketBuilder(store).reset().ethernet(1L, 2L).vlan(1).ipv4(0x0A00_0002, 0x6440_0007)
                .udp(40000, 443).payload(1000).build();
        final int tcpCheck = store.buffer().getShort(store.transportHeaderOffset(tcp) + 16, ByteOrder.BIG_ENDIAN)
                & 0xFFFF;
        final int udpCheck = store.buffer().getShort(store.transportHeaderOffset(udp) + 6, ByteOrder.BIG_ENDIAN)
                & 0xFFFF;
        final NetDeviceTable devices = new NetDeviceTable();
        final int eth0 = devices.register(new VlanDevice("eth0", 1, 2L, 1));
        try (PcapTaps taps = PcapTaps.open(tmp, 160, devices, List.of())) {
            taps.captureAggregate(eth0, 1_000L, store, tcp, false, 3, 20 + 32 + 3 * 1448, TcpView.PSH, true);
            taps.captureAggregate(eth0, 2_000L, store, udp, false, 4, 20 + 8 + 4 * 1000, 0, true);
        }
        final List<Rec> records = read(tmp.resolve("eth0.pcap"), 1);
        assertThat(records).hasSize(2);
        final int ip = 18;
        final Rec t = records.get(0);
        assertThat(t.u16(ip + 2)).as("tot_len").isEqualTo(20 + 32 + 3 * 1448);
        assertThat(ipChecksumValid(t, ip)).isTrue();
        assertThat(t.u8(ip + 33)).as("the first segment's flags").isEqualTo(TcpView.ACK);
        assertThat(t.u16(ip + 36)).as("the first segment's checksum").isEqualTo(tcpCheck);
        final Rec u = records.get(1);
        assertThat(u.u16(ip + 2)).as("tot_len").isEqualTo(20 + 8 + 4 * 1000);
        assertThat(ipChecksumValid(u, ip)).isTrue();
        assertThat(u.u16(ip + 24)).as("UDP length").isEqualTo(8 + 4 * 1000);
        assertThat(u.u16(ip + 26)).as("the first datagram's checksum").isEqualTo(udpCheck);
        assertThat(u.originalLength()).isEqualTo(18 + 20 + 8 + 4 * 1000);
    }

    @Test
    void shouldLeaveNothingBehindOnAFailedRun() throws IOException {
        final Path dir = tmp.resolve("c");
        Files.createDirectories(dir);
        final RouterSimulation sim = new RouterSimulation(config(new RouterConfig.Outputs(dir,
                tmp.resolve("c.jsonl"))));
        final RuntimeException boom = new IllegalStateException("boom");
        try {
            sim.run((t, d) -> {
                throw boom;
            });
        } catch (final IllegalStateException e) {
            assertThat(e).isSameAs(boom);
        }
        assertThat(files(dir)).isEmpty();
        assertThat(tmp.resolve("c.jsonl")).doesNotExist();
    }

    @Test
    void shouldLeaveNoFileWhenOneCannotBeCreated() throws IOException {
        final Path dir = tmp.resolve("d");
        Files.createDirectories(dir);
        // A directory where macvlan1.pcap would go: that file cannot be moved into place on close.
        Files.createDirectories(dir.resolve("macvlan1.pcap").resolve("x"));
        final RouterSimulation sim = new RouterSimulation(config(new RouterConfig.Outputs(dir, null)));
        assertThatThrownBy(() -> sim.run(ProgressListener.NONE)).isInstanceOf(java.io.UncheckedIOException.class);
        assertThat(files(dir)).containsExactly("macvlan1.pcap");
    }
}
