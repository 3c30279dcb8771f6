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
import java.util.stream.Stream;

import io.pktsim.cli.gro.ReplayCommandTestSupport.Rec;
import io.pktsim.cli.gro.ReplayCommandTestSupport.Run;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.pcap.PcapFormat;
import io.pktsim.core.pcap.PcapReader;
import io.pktsim.core.pcap.PcapWriter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pktsim gro} end to end through {@code PktsimMain}: pcap in, JSON / pcap / summary out, exit codes. */
class GroCommandTest {

    private static final String NL = System.lineSeparator();

    /** What the stack receives from the example train: the UDP datagram overtakes the held aggregate. */
    static final String TRAIN_JSON = "[\n"
        + "  {\"payload_len\": 108, \"segs\": 1, \"gso_size\": 0, \"seq\": null, \"tcp_flags\": null, "
        + "\"flush_reason\": \"not_tcp\"},\n"
        + "  {\"payload_len\": 14480, \"segs\": 10, \"gso_size\": 1448, \"seq\": 1000001, \"tcp_flags\": [\"PSH\", "
        + "\"ACK\"], \"flush_reason\": \"psh\"},\n"
        + "  {\"payload_len\": 4344, \"segs\": 3, \"gso_size\": 1448, \"seq\": 1014481, \"tcp_flags\": [\"ACK\"], "
        + "\"flush_reason\": \"poll_complete\"}\n"
        + "]";

    @TempDir
    Path tmp;

    private Path train;

    @BeforeEach
    void makeTrain() throws Exception {
        train = tmp.resolve("train.pcap");
        new ExamplePcaps().groTrain(train);
    }

    @Test
    void shouldWriteTheExactJsonOfTheTrain() throws Exception {
        final Path json = tmp.resolve("rx.json");
        final Run r = run("gro", "--in", train.toString(), "--json", json.toString());
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
        assertThat(Files.readString(json, StandardCharsets.UTF_8)).isEqualTo(TRAIN_JSON + NL);
        final Run stdout = run("gro", "--in", train.toString(), "--json", "-");
        assertThat(stdout.out()).isEqualTo(TRAIN_JSON + NL);
    }

    @Test
    void shouldWriteOneRecordPerDeliveredPacketWithTheAggregateAsOneLargeFrame() throws Exception {
        final Path out = tmp.resolve("rx.pcap");
        final Run r = run("gro", "--in", train.toString(), "--out", out.toString());
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.out()).isEmpty();
        final List<Rec> recs = readPcap(out);
        assertThat(recs).extracting(Rec::originalLength).containsExactly(14 + 20 + 8 + 100,
            14 + 20 + 32 + 10 * 1448, 14 + 20 + 32 + 3 * 1448);
        assertThat(recs).extracting(c -> c.frame().length).containsExactly(142, 14_546, 4_410);
        assertThat(recs).extracting(Rec::timeNs).containsExactly(1_000_000_000L, 1_000_000_000L, 1_001_000_000L);
        final byte[] agg = recs.get(1).frame();
        assertThat(u16(agg, 14 + 2)).as("IP total length rewritten").isEqualTo(20 + 32 + 14_480);
        assertThat(u16(agg, 14 + 4)).as("the first segment's IP ID").isEqualTo(7000);
        assertThat(u32(agg, 34 + 4)).isEqualTo(1_000_001L);
        assertThat(agg[34 + 13] & 0xFF).as("PSH ORed in").isEqualTo(TcpView.ACK | TcpView.PSH);
        try (PcapReader pr = PcapReader.open(out)) {
            assertThat(pr.nanoseconds()).as("microsecond input, microsecond output").isFalse();
        }
    }

    @Test
    void shouldConcatenateTheSegmentsPayloadsInSequenceOrder() throws Exception {
        final Path in = tmp.resolve("fill.pcap");
        final PacketStore store = new PacketStore(4, 2048, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        try (PcapWriter w = PcapWriter.open(in, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
            for (int i = 0; i < 4; i++) {
                final int h = pb.reset().ipId(i).tcp(40000, 80, 1 + i * 1000, 1, TcpView.ACK).payload(1000)
                    .storePayload(true, 'a' + i).build();
                w.writePacket(5_000, store, h);
                store.free(h);
            }
        }
        final Path out = tmp.resolve("fill-rx.pcap");
        assertThat(run("gro", "--in", in.toString(), "--out", out.toString()).code()).isZero();
        final List<Rec> recs = readPcap(out);
        assertThat(recs).hasSize(1);
        final byte[] f = recs.get(0).frame();
        assertThat(f).hasSize(54 + 4000);
        for (int i = 0; i < 4; i++) {
            final byte[] piece = Arrays.copyOfRange(f, 54 + i * 1000, 54 + (i + 1) * 1000);
            final byte[] expected = new byte[1000];
            Arrays.fill(expected, (byte) ('a' + i));
            assertThat(piece).as("segment %d", i).isEqualTo(expected);
        }
    }

    @Test
    void shouldPrintASummaryWithoutOutAndJson() {
        final Run r = run("gro", "--in", train.toString());
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo(String.join(NL,
            "frames in:          14 (2 polls)",
            "packets delivered:  3",
            "segments merged:    13 (into 2 aggregates)",
            "flush reasons:",
            "  not_tcp            1",
            "  poll_complete      1",
            "  psh                1") + NL);
    }

    @Test
    void shouldGiveByteIdenticalOutputsForTheSameInput() throws Exception {
        final Path out1 = tmp.resolve("a.pcap");
        final Path out2 = tmp.resolve("b.pcap");
        final Path json1 = tmp.resolve("a.json");
        final Path json2 = tmp.resolve("b.json");
        final String[] knobs = {"--weight", "4", "--gro-flush-timeout-ns", "2000000", "--napi-defer-hard-irqs", "2"};
        assertThat(run(concat(new String[] {"gro", "--in", train.toString(), "--out", out1.toString(), "--json",
            json1.toString()}, knobs)).code()).isZero();
        assertThat(run(concat(new String[] {"gro", "--in", train.toString(), "--out", out2.toString(), "--json",
            json2.toString()}, knobs)).code()).isZero();
        assertThat(Files.readAllBytes(out1)).isEqualTo(Files.readAllBytes(out2));
        assertThat(Files.readAllBytes(json1)).isEqualTo(Files.readAllBytes(json2));
        assertThat(Files.size(out1)).as("24 + 5 * 16 + 142 + 4 * 66 + 13 * 1448").isEqualTo(19_334);
    }

    private static String[] concat(final String[] a, final String[] b) {
        final String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void shouldSplitAPollAtTheWeightAndFlushAtFullWeight() {
        final Run r = run("gro", "--in", train.toString(), "--json", "-", "--weight", "4");
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.out()).isEqualTo("[\n"
            + "  {\"payload_len\": 5792, \"segs\": 4, \"gso_size\": 1448, \"seq\": 1000001, \"tcp_flags\": [\"ACK\"], "
            + "\"flush_reason\": \"full_weight\"},\n"
            + "  {\"payload_len\": 108, \"segs\": 1, \"gso_size\": 0, \"seq\": null, \"tcp_flags\": null, "
            + "\"flush_reason\": \"not_tcp\"},\n"
            + "  {\"payload_len\": 4344, \"segs\": 3, \"gso_size\": 1448, \"seq\": 1005793, \"tcp_flags\": [\"ACK\"], "
            + "\"flush_reason\": \"full_weight\"},\n"
            + "  {\"payload_len\": 4344, \"segs\": 3, \"gso_size\": 1448, \"seq\": 1010137, \"tcp_flags\": [\"PSH\", "
            + "\"ACK\"], \"flush_reason\": \"psh\"},\n"
            + "  {\"payload_len\": 4344, \"segs\": 3, \"gso_size\": 1448, \"seq\": 1014481, \"tcp_flags\": [\"ACK\"], "
            + "\"flush_reason\": \"poll_complete\"}\n"
            + "]" + NL);
    }

    @Test
    void shouldHoldPacketsOfTheCurrentJiffyUntilTheFlushTimer() throws Exception {
        final Path out = tmp.resolve("timer.pcap");
        final Run r = run("gro", "--in", train.toString(), "--out", out.toString(), "--json", "-",
            "--gro-flush-timeout-ns", "2000000", "--napi-defer-hard-irqs", "2");
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.out()).contains("\"segs\": 3, \"gso_size\": 1448, \"seq\": 1014481, \"tcp_flags\": [\"ACK\"], "
            + "\"flush_reason\": \"poll_complete_old\"}");
        // poll 2's frames (1.001 s) wait for the timer's poll at 1.002 s (interrupt masked); that poll only
        // flushes older jiffies (HZ 250: 4 ms), so the aggregate goes up at the next timer, 1.004 s
        assertThat(readPcap(out)).extracting(Rec::timeNs).containsExactly(1_000_000_000L, 1_000_000_000L,
            1_004_000_000L);
    }

    @Test
    void shouldRefuseAPshDifferenceInFraglistGro() {
        final Run r = run("gro", "--in", train.toString(), "--json", "-", "--gro-list");
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.out()).contains("{\"payload_len\": 13032, \"segs\": 9, \"gso_size\": 1448, \"seq\": 1000001, "
            + "\"tcp_flags\": [\"ACK\"], \"flush_reason\": \"fraglist_mismatch\"}")
            .contains("{\"payload_len\": 1448, \"segs\": 1, \"gso_size\": 0, \"seq\": 1013033, \"tcp_flags\": "
                + "[\"PSH\", \"ACK\"], \"flush_reason\": \"special_flags\"}");
    }

    @Test
    void shouldChainUdpDatagramsWithGroListAndWriteTheAggregateAsOneLargeFrame() throws Exception {
        // udp_gro_receive_segment(): the shorter third datagram is chained and completes the aggregate
        final Path in = tmp.resolve("udp.pcap");
        writeUdpDatagrams(in);
        final Run plain = run("gro", "--in", in.toString(), "--json", "-");
        assertThat(plain.out()).as("without --gro-list every datagram goes up alone").contains("not_tcp")
            .doesNotContain("\"segs\": 3");
        final Path out = tmp.resolve("udp-rx.pcap");
        final Run r = run("gro", "--in", in.toString(), "--json", "-", "--out", out.toString(), "--gro-list");
        assertUdpAggregate(r, out);
    }

    /**
     * The datagrams of {@link #writeUdpDatagrams} as GRO passes them up: the first three in one aggregate (the
     * shorter third completes it), then the fourth alone; the aggregate's IP and UDP lengths and its payload, the
     * three datagrams' in order.
     *
     * @return the pcap records of {@code out}
     */
    private static List<Rec> assertUdpAggregate(final Run r, final Path out) throws Exception {
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.out()).isEqualTo("[\n"
            + "  {\"payload_len\": 2508, \"segs\": 3, \"gso_size\": 1000, \"seq\": null, \"tcp_flags\": null, "
            + "\"flush_reason\": \"short_segment\"},\n"
            + "  {\"payload_len\": 1008, \"segs\": 1, \"gso_size\": 0, \"seq\": null, \"tcp_flags\": null, "
            + "\"flush_reason\": \"poll_complete\"}\n"
            + "]" + NL);
        final List<Rec> recs = readPcap(out);
        assertThat(recs).extracting(c -> c.frame().length).containsExactly(14 + 20 + 8 + 2500, 14 + 20 + 8 + 1000);
        final byte[] agg = recs.get(0).frame();
        assertThat(u16(agg, 14 + 2)).as("IP total length").isEqualTo(20 + 8 + 2500);
        assertThat(u16(agg, 34 + 4)).as("UDP length").isEqualTo(8 + 2500);
        int at = 42;
        for (int i = 0; i < 3; i++) {
            final byte[] expected = new byte[UDP_SIZES[i]];
            Arrays.fill(expected, (byte) ('a' + i));
            assertThat(Arrays.copyOfRange(agg, at, at + UDP_SIZES[i])).as("datagram %d", i).isEqualTo(expected);
            at += UDP_SIZES[i];
        }
        return recs;
    }

    /** The UDP payloads of {@link #writeUdpDatagrams}: the shorter third completes the aggregate. */
    private static final int[] UDP_SIZES = {1000, 1000, 500, 1000};

    /** Writes datagrams of {@link #UDP_SIZES} bytes (the i-th filled with 'a' + i) of one flow, in one poll. */
    private static void writeUdpDatagrams(final Path in) throws Exception {
        final PacketStore store = new PacketStore(4, 2048, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        try (PcapWriter w = PcapWriter.open(in, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
            for (int i = 0; i < UDP_SIZES.length; i++) {
                final int h = pb.reset().udp(40000, 5001).payload(UDP_SIZES[i]).storePayload(true, 'a' + i).build();
                w.writePacket(5_000, store, h);
                store.free(h);
            }
        }
    }

    @Test
    void shouldMergeUdpDatagramsWithUdpGroForwardingIntoOneUdpL4Aggregate() throws Exception {
        // udp_gro_receive_segment() without is_flist: the payload merged (skb_gro_receive()), the UDP length and the
        // pseudo-header sum written on completion (udp4_gro_complete(), udp_gro_complete())
        final Path in = tmp.resolve("udp.pcap");
        writeUdpDatagrams(in);
        final Path out = tmp.resolve("udp-fwd.pcap");
        final Run r = run("gro", "--in", in.toString(), "--json", "-", "--out", out.toString(),
            "--udp-gro-forwarding");
        final List<Rec> recs = assertUdpAggregate(r, out);
        final byte[] agg = recs.get(0).frame();
        // ~udp_v4_check(2508, 10.0.0.1, 10.0.0.2, 0): 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 17 + 2508 (0x09cc)
        assertThat(u16(agg, 34 + 6)).as("UDP checksum: the pseudo-header sum").isEqualTo(0x1DE0);
        final byte[] alone = recs.get(1).frame();
        final Run flist = run("gro", "--in", in.toString(), "--out", out.toString(), "--gro-list",
            "--udp-gro-forwarding");
        assertThat(flist.code()).as("%s", flist).isZero();
        assertThat(u16(readPcap(out).get(0).frame(), 34 + 6)).as("with --gro-list fraglist GRO takes them: the UDP "
            + "checksum is the first datagram's").isNotEqualTo(0x1DE0).isEqualTo(u16(firstFrame(in), 34 + 6));
        assertThat(u16(alone, 34 + 6)).as("a datagram that went up alone keeps its checksum")
            .isEqualTo(u16(readPcap(in).get(3).frame(), 34 + 6));
    }

    private static byte[] firstFrame(final Path pcap) throws Exception {
        return readPcap(pcap).get(0).frame();
    }

    @Test
    void shouldListBypassingFramesWithOneSegmentAndTheirReason() throws Exception {
        final Path in = tmp.resolve("mixed.pcap");
        final PacketStore store = new PacketStore(4, 2048, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        final long v6 = 0x2001_0db8_0000_0000L;
        try (PcapWriter w = PcapWriter.open(in, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
            final int[] hs = {
                pb.reset().ipv6(v6, 1, v6, 2).tcp(1000, 2000, 1, 1, TcpView.ACK).payload(500).build(),
                pb.reset().tcp(40000, 80, 1, 1, TcpView.ACK).payload(300).checksumMode(PacketBuilder.CSUM_BAD)
                    .build(),
                pb.reset().ipv6(v6, 1, v6, 2).tcp(1000, 2000, 501, 1, TcpView.ACK).payload(500).build(),
                pb.reset().fragWord(0x2000).udp(1, 2).payload(40).build(),
            };
            for (final int h : hs) {
                w.writePacket(7_000, store, h);
                store.free(h);
            }
        }
        final Run r = run("gro", "--in", in.toString(), "--json", "-", "--rx-csum", "none");
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.out()).isEqualTo("[\n"
            + "  {\"payload_len\": 300, \"segs\": 1, \"gso_size\": 0, \"seq\": 1, \"tcp_flags\": [\"ACK\"], "
            + "\"flush_reason\": \"tcp_bad_checksum\"},\n"
            + "  {\"payload_len\": 48, \"segs\": 1, \"gso_size\": 0, \"seq\": null, \"tcp_flags\": null, "
            + "\"flush_reason\": \"ipv4_fragment\"},\n"
            + "  {\"payload_len\": 1000, \"segs\": 2, \"gso_size\": 500, \"seq\": 1, \"tcp_flags\": [\"ACK\"], "
            + "\"flush_reason\": \"poll_complete\"}\n"
            + "]" + NL);
    }

    private void assertRejected(final Run r, final String... messageParts) throws Exception {
        assertThat(r.code()).as("%s", r).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().count()).as("one line: %s", r.err()).isEqualTo(1);
        assertThat(r.err()).startsWith("pktsim gro: ").doesNotContain("Exception").doesNotContain("\tat ");
        for (final String part : messageParts) {
            assertThat(r.err()).contains(part);
        }
        assertThat(listing(tmp)).as("no output file, no temporary file").doesNotContain("rx.pcap", "rx.json")
            .allMatch(n -> !n.contains("rx.pcap") && !n.contains("rx.json"));
    }

    private Run runWithOutputs(final String in, final String... more) {
        return run(concat(new String[] {"gro", "--in", in, "--out", tmp.resolve("rx.pcap").toString(), "--json",
            tmp.resolve("rx.json").toString()}, more));
    }

    @Test
    void shouldRejectAFileThatIsNotAPcap() throws Exception {
        final Path notPcap = tmp.resolve("notes.txt");
        Files.writeString(notPcap, "these are not packets\n", StandardCharsets.UTF_8);
        assertRejected(runWithOutputs(notPcap.toString()), "pktsim gro: " + notPcap + ": file header: bad magic",
            "not a pcap file");
    }

    @Test
    void shouldRejectATruncatedRecordNamingItsNumber() throws Exception {
        final byte[] whole = Files.readAllBytes(train);
        final Path cut = tmp.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 100));
        assertRejected(runWithOutputs(cut.toString()), cut + ": record 14 (byte ", "truncated record data");
    }

    @Test
    void shouldRejectAFrameThatIsNotEthernet() throws Exception {
        final Path in = tmp.resolve("short.pcap");
        try (PcapWriter w = PcapWriter.open(in, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
            w.writeRecord(1, new byte[60], 0, 60, 60);
            w.writeRecord(2, new byte[10], 0, 10, 10);
        }
        assertRejected(runWithOutputs(in.toString()), in + ": record 2: frame of 10 bytes is not Ethernet");
    }

    @Test
    void shouldRejectRawIpAndSnapshotTruncatedCaptures() throws Exception {
        final Path raw = tmp.resolve("raw.pcap");
        try (PcapWriter w = PcapWriter.open(raw, PcapFormat.LINKTYPE_RAW, 65_535)) {
            w.writeRecord(1, new byte[40], 0, 40, 40);
        }
        assertRejected(runWithOutputs(raw.toString()), raw + ": file header: link type 101 (raw IP); Ethernet frames");
        final Path sll = tmp.resolve("sll.pcap");
        try (PcapWriter w = PcapWriter.open(sll, PcapFormat.LINKTYPE_LINUX_SLL, 65_535)) {
            w.writeRecord(1, new byte[40], 0, 40, 40);
        }
        // found by the bad-input fuzzer: a Linux cooked capture was called raw IP
        assertRejected(runWithOutputs(sll.toString()), sll + ": file header: link type 113 (Linux cooked); Ethernet");
        final Path snap = tmp.resolve("snap.pcap");
        try (PcapWriter w = PcapWriter.open(snap, PcapFormat.LINKTYPE_ETHERNET, 96)) {
            w.writeRecord(1, new byte[1514], 0, 1514, 1514);
        }
        assertRejected(runWithOutputs(snap.toString()), snap + ": record 1: only 96 of 1514 bytes captured");
    }

    @Test
    void shouldRejectBadOptionValues() throws Exception {
        assertRejected(runWithOutputs(train.toString(), "--weight", "-1"), "--weight -1 is outside 1..65536");
        assertRejected(runWithOutputs(train.toString(), "--weight", "0"), "--weight 0 is outside 1..65536");
        assertRejected(runWithOutputs(train.toString(), "--rx-csum", "maybe"),
            "--rx-csum maybe is not none, unnecessary, complete or partial");
        assertRejected(runWithOutputs(train.toString(), "--rx-hash", "toeplitz"), "--rx-hash toeplitz");
        assertRejected(runWithOutputs(train.toString(), "--hz", "0"), "--hz 0 is outside 1..1000000");
        assertRejected(runWithOutputs(train.toString(), "--gro-flush-timeout-ns", "-5"), "is negative");
        assertRejected(runWithOutputs(train.toString(), "--napi-defer-hard-irqs", "-1"), "is negative");
    }

    @Test
    void shouldRejectAMissingInputFile() throws Exception {
        final Path missing = tmp.resolve("nope.pcap");
        assertRejected(runWithOutputs(missing.toString()), "pktsim gro: " + missing + ": no such file");
        final Run noIn = run("gro", "--weight", "4");
        assertThat(noIn.code()).isEqualTo(2);
        assertThat(noIn.err().lines().count()).isEqualTo(1);
        assertThat(noIn.err()).contains("--in");
    }

    @Test
    void shouldExitTwoBeforeReadingWhenAnOutputCannotBeWritten() throws Exception {
        // found by the bad-input fuzzer: these were exit 1 after the replay, naming a temporary file
        final Path noDir = tmp.resolve("no-such-dir").resolve("rx.pcap");
        Files.createDirectory(tmp.resolve("adir"));
        final String in = train.toString();
        assertUsage(run("gro", "--in", in, "--out", noDir.toString()),
            "pktsim gro: --out " + noDir + ": directory " + noDir.getParent() + " does not exist");
        assertUsage(run("gro", "--in", in, "--json", tmp.resolve("adir").toString()),
            "pktsim gro: --json " + tmp.resolve("adir") + ": is a directory");
        assertUsage(run("gro", "--in", in, "--json", ""), "pktsim gro: --json '': expected a file name");
        assertUsage(run("gro", "--in", in, "--out", in), "pktsim gro: --out " + in + ": is the --in file; expected "
            + "another file");
        final String x = tmp.resolve("x").toString();
        assertUsage(run("gro", "--in", in, "--out", x, "--json", x), "pktsim gro: --json " + x + ": is also the --out"
            + " file; expected another file");
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("train.pcap", "adir");
        }
        final Path fresh = tmp.resolve("adir").resolve("fresh.pcap");
        new ExamplePcaps().groTrain(fresh);
        assertThat(Files.readAllBytes(train)).as("the input is untouched").isEqualTo(Files.readAllBytes(fresh));
    }

    private static void assertUsage(final Run r, final String err) {
        assertThat(r.code()).as("%s", r).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo(err + System.lineSeparator());
    }

    @Test
    void shouldExitOneWithOneLineWhenAnOutputFailsWhileWritten() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/full")), "needs /dev/full");
        final Run r = run("gro", "--in", train.toString(), "--out", "/dev/full");
        assertThat(r.code()).as("%s", r).isEqualTo(1);
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(r.err()).startsWith("pktsim gro: cannot write /dev/full");
        final Run verbose = run("gro", "--in", train.toString(), "--out", "/dev/full", "--verbose");
        assertThat(verbose.err()).contains("\tat ");
    }

    @Test
    void shouldKeepNanosecondTimestamps() throws Exception {
        final Path in = tmp.resolve("ns.pcap");
        final PacketStore store = new PacketStore(4, 2048, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        try (PcapWriter w = PcapWriter.open(in, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
            final int h = pb.reset().payload(10).build();
            w.writePacket(1_000_000_123L, store, h);
        }
        final Path out = tmp.resolve("ns-rx.pcap");
        assertThat(run("gro", "--in", in.toString(), "--out", out.toString()).code()).isZero();
        assertThat(readPcap(out)).extracting(Rec::timeNs).containsExactly(1_000_000_123L);
    }

    @Test
    void shouldHandleAnEmptyCaptureAndPaddedFrames() throws Exception {
        final Path empty = tmp.resolve("empty.pcap");
        try (PcapWriter w = PcapWriter.open(empty, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
            assertThat(w.records()).isZero();
        }
        final Path out = tmp.resolve("empty-rx.pcap");
        final Run r = run("gro", "--in", empty.toString(), "--json", "-", "--out", out.toString());
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.out()).isEqualTo("[]" + NL);
        assertThat(readPcap(out)).isEmpty();
        assertThat(run("gro", "--in", empty.toString()).out()).startsWith("frames in:          0 (0 polls)" + NL);

        // two 2-byte segments padded to the 60-byte Ethernet minimum: the padding makes GRO's L3 flush mark
        final Path padded = tmp.resolve("padded.pcap");
        final PacketStore store = new PacketStore(4, 2048, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        try (PcapWriter w = PcapWriter.open(padded, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
            for (int i = 0; i < 2; i++) {
                final int h = pb.reset().ipId(i).tcp(40000, 80, 1 + 2 * i, 1, TcpView.ACK).payload(2)
                    .storePayload(true, 'p').build();
                final byte[] f = new byte[60];
                store.getFrame(h, f, 0, 56);
                w.writeRecord(100, f, 0, 60, 60);
                store.free(h);
            }
        }
        final Run p = run("gro", "--in", padded.toString(), "--json", "-");
        assertThat(p.code()).as("%s", p).isZero();
        assertThat(p.out()).isEqualTo("[\n"
            + "  {\"payload_len\": 2, \"segs\": 1, \"gso_size\": 0, \"seq\": 1, \"tcp_flags\": [\"ACK\"], "
            + "\"flush_reason\": \"l3_flush_mark\"},\n"
            + "  {\"payload_len\": 2, \"segs\": 1, \"gso_size\": 0, \"seq\": 3, \"tcp_flags\": [\"ACK\"], "
            + "\"flush_reason\": \"l3_flush_mark\"}\n"
            + "]" + NL);
    }

    @Test
    void shouldRejectTimeGoingBackwards() throws Exception {
        final Path in = tmp.resolve("back.pcap");
        try (PcapWriter w = PcapWriter.open(in, PcapFormat.LINKTYPE_ETHERNET, 65_535)) {
            w.writeRecord(2_000, new byte[60], 0, 60, 60);
            w.writeRecord(1_000, new byte[60], 0, 60, 60);
        }
        assertRejected(runWithOutputs(in.toString()), in + ": record 2: timestamp 1000 ns is earlier than the 2000 ns "
            + "of record 1");
    }

    @Test
    void shouldPrintHelp() {
        final Run r = run("gro", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("Usage: pktsim gro ").contains("--rx-csum").contains("--gro-flush-timeout-ns")
            .contains("--napi-defer-hard-irqs").contains("--gro-list").contains("--udp-gro-forwarding")
            .contains("Exit codes");
    }
}
