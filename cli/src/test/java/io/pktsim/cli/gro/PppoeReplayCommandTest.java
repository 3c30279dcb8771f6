package io.pktsim.cli.gro;

import static io.pktsim.cli.gro.ReplayCommandTestSupport.readPcap;
import static io.pktsim.cli.gro.ReplayCommandTestSupport.run;
import static io.pktsim.cli.gro.ReplayCommandTestSupport.u16;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.pktsim.cli.gro.ReplayCommandTestSupport.Rec;
import io.pktsim.cli.gro.ReplayCommandTestSupport.Run;
import io.pktsim.core.pcap.PcapFormat;
import io.pktsim.core.pcap.PcapWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pktsim gro --pppoe-gro} and {@code pktsim gso --pppoe-gro} (OpenWrt's PPPoE GRO/GSO handler) end to end on
 * docs/examples/gro-pppoe.pcap ({@link ExamplePcaps#groPppoe}): two sessions' downloads and a padded LCP frame.
 */
class PppoeReplayCommandTest {

    private static final String NL = System.lineSeparator();

    /** What the stack receives with OpenWrt's handler: the padded LCP frame alone, one aggregate per session. */
    static final String PPPOE_JSON = "[\n"
        + "  {\"payload_len\": 46, \"segs\": 1, \"gso_size\": 0, \"seq\": null, \"tcp_flags\": null, "
        + "\"flush_reason\": \"pppoe_length\", \"pppoe_session\": 17, \"pppoe_length\": 10},\n"
        + "  {\"payload_len\": 5792, \"segs\": 4, \"gso_size\": 1448, \"seq\": 1000001, \"tcp_flags\": [\"ACK\"], "
        + "\"flush_reason\": \"poll_complete\", \"pppoe_session\": 17, \"pppoe_length\": 5846},\n"
        + "  {\"payload_len\": 4344, \"segs\": 3, \"gso_size\": 1448, \"seq\": 1000001, \"tcp_flags\": [\"ACK\"], "
        + "\"flush_reason\": \"poll_complete\", \"pppoe_session\": 34, \"pppoe_length\": 4398}\n"
        + "]";

    @TempDir
    Path tmp;

    private Path in;

    @BeforeEach
    void makeCapture() throws Exception {
        in = tmp.resolve("pppoe.pcap");
        new ExamplePcaps().groPppoe(in);
    }

    @Test
    void shouldMergeEachSessionWithThePppoeHandlerAndSayWhyTheLcpFrameWentAlone() {
        final Run r = run("gro", "--in", in.toString(), "--pppoe-gro", "--json", "-");
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo(PPPOE_JSON + NL);
    }

    @Test
    void shouldPassEveryPppoeFrameUpAloneWithoutTheHandler() {
        final Run r = run("gro", "--in", in.toString(), "--json", "-");
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.out().split("no_handler", -1)).as("%s", r.out()).hasSize(9);
        assertThat(r.out()).doesNotContain("poll_complete");
    }

    @Test
    void shouldPrintThePppoeSessionsInTheSummary() {
        final Run on = run("gro", "--in", in.toString(), "--pppoe-gro");
        assertThat(on.code()).as("%s", on).isZero();
        assertThat(on.out()).contains("segments merged:    7 (into 2 aggregates)" + NL)
            .contains("  pppoe_length       1" + NL)
            .contains("pppoe sessions (OpenWrt's pppoe_gro_receive; each session its own flow):" + NL
                + "  0x0011  5 frames in, 2 delivered, 1 aggregate" + NL
                + "  0x0022  3 frames in, 1 delivered, 1 aggregate" + NL);
        final Run off = run("gro", "--in", in.toString());
        assertThat(off.out()).contains("  no_handler         8" + NL)
            .contains("pppoe sessions (no GRO handler for ETH_P_PPP_SES in mainline 6.18; --pppoe-gro for OpenWrt's):");
        // a capture without PPPoE frames prints no PPPoE lines
        final Path train = tmp.resolve("train.pcap");
        try {
            new ExamplePcaps().groTrain(train);
        } catch (final java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThat(run("gro", "--in", train.toString(), "--pppoe-gro").out()).doesNotContain("pppoe");
    }

    @Test
    void shouldWriteTheAggregatesWithTheirRewrittenPppoeAndIpLengths() throws Exception {
        final Path out = tmp.resolve("rx.pcap");
        final Run r = run("gro", "--in", in.toString(), "--pppoe-gro", "--out", out.toString());
        assertThat(r.code()).as("%s", r).isZero();
        final List<Rec> recs = readPcap(out);
        assertThat(recs).hasSize(3);
        assertThat(recs.get(0).frame()).hasSize(60);
        for (int i = 1; i < 3; i++) {
            final byte[] f = recs.get(i).frame();
            assertThat(f.length).isEqualTo(22 + 20 + 32 + (i == 1 ? 4 : 3) * 1448);
            assertThat(u16(f, 12)).isEqualTo(0x8864);
            assertThat(u16(f, 18)).as("pppoe_gro_complete(): PPPoE length").isEqualTo(f.length - 20);
            assertThat(u16(f, 22 + 2)).as("inet_gro_complete(): IPv4 total length").isEqualTo(f.length - 22);
        }
    }

    @Test
    void shouldShipAsGsoExampleTheAggregatesThatGroMakes() throws Exception {
        final Path rx = tmp.resolve("rx.pcap");
        assertThat(run("gro", "--in", in.toString(), "--pppoe-gro", "--out", rx.toString()).code()).isZero();
        final Path example = tmp.resolve("gso-pppoe.pcap");
        new ExamplePcaps().gsoPppoe(example);
        final List<Rec> aggregates = readPcap(rx).subList(1, 3);
        final List<Rec> shipped = readPcap(example);
        assertThat(shipped).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(shipped.get(i).frame()).as("aggregate %d", i).isEqualTo(aggregates.get(i).frame());
        }
    }

    @Test
    void shouldCutThePppoeAggregatesBackIntoTheFramesThatWentIn() throws Exception {
        final Path rx = tmp.resolve("rx.pcap");
        assertThat(run("gro", "--in", in.toString(), "--pppoe-gro", "--out", rx.toString()).code()).isZero();
        final Path aggregates = tmp.resolve("aggregates.pcap");
        final List<Rec> recs = readPcap(rx);
        try (PcapWriter w = PcapWriter.open(aggregates, PcapFormat.LINKTYPE_ETHERNET, PcapFormat.MAX_SNAPLEN)) {
            for (final Rec rec : recs.subList(1, 3)) {
                w.writeRecord(rec.timeNs(), rec.frame(), 0, rec.frame().length, rec.frame().length);
            }
        }
        final Path wire = tmp.resolve("wire.pcap");
        final Run r = run("gso", "--in", aggregates.toString(), "--gso-size", "1448", "--pppoe-gro", "--out",
            wire.toString());
        assertThat(r.code()).as("%s", r).isZero();
        final List<byte[]> expected = new ArrayList<>();
        for (final Rec rec : readPcap(in)) {
            if (rec.frame().length > 60) {
                expected.add(rec.frame());
            }
        }
        // GSO(GRO(x)) = x: session 0x0011's four frames, then session 0x0022's three, byte for byte (the TCP
        // checksums computed in software again)
        final List<byte[]> got = new ArrayList<>();
        for (final Rec rec : readPcap(wire)) {
            got.add(rec.frame());
        }
        assertThat(got).hasSize(7);
        final int[] order = {0, 1, 3, 6, 2, 5, 7};
        for (int i = 0; i < 7; i++) {
            final byte[] want = expected.get(order[i] - (order[i] > 4 ? 1 : 0));
            assertThat(got.get(i)).as("wire packet %d", i).isEqualTo(want);
            assertThat(u16(got.get(i), 18)).isEqualTo(1502);
        }
    }

    @Test
    void shouldRefuseAPppoeSuperPacketWithoutTheHandlerAndANonIpSessionFrame() throws Exception {
        final Path rx = tmp.resolve("rx.pcap");
        assertThat(run("gro", "--in", in.toString(), "--pppoe-gro", "--out", rx.toString()).code()).isZero();
        final Run lcp = run("gso", "--in", rx.toString(), "--gso-size", "1448", "--pppoe-gro");
        assertThat(lcp.code()).as("%s", lcp).isEqualTo(2);
        assertThat(lcp.err()).isEqualTo("pktsim gso: " + rx + ": record 1: a PPPoE session frame with PPP protocol "
            + "0xc021 (60 bytes): it carries neither IPv4 nor IPv6" + NL);
        final Path aggregates = tmp.resolve("aggregates.pcap");
        final List<Rec> recs = readPcap(rx);
        try (PcapWriter w = PcapWriter.open(aggregates, PcapFormat.LINKTYPE_ETHERNET, PcapFormat.MAX_SNAPLEN)) {
            w.writeRecord(0, recs.get(1).frame(), 0, recs.get(1).frame().length, recs.get(1).frame().length);
        }
        final Run mainline = run("gso", "--in", aggregates.toString(), "--gso-size", "1448");
        assertThat(mainline.code()).as("%s", mainline).isEqualTo(2);
        assertThat(mainline.out()).isEmpty();
        assertThat(mainline.err()).isEqualTo("pktsim gso: " + aggregates + ": record 1: a PPPoE session frame: "
            + "mainline 6.18 has no GSO handler for ETH_P_PPP_SES (OpenWrt's pppoe_gso_segment cuts it: add "
            + "--pppoe-gro)" + NL);
    }

    @Test
    void shouldKeepBadInputAtExitTwoWithTheHandler() throws Exception {
        final Run weight = run("gro", "--in", in.toString(), "--pppoe-gro", "--weight", "0");
        assertThat(weight.code()).isEqualTo(2);
        assertThat(weight.err()).isEqualTo("pktsim gro: --weight 0 is outside 1..65536" + NL);
        final Run missing = run("gso", "--in", tmp.resolve("nope.pcap").toString(), "--gso-size", "1448",
            "--pppoe-gro");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file");
        final Run flag = run("gro", "--in", in.toString(), "--pppoe-gro=maybe");
        assertThat(flag.code()).isEqualTo(2);
    }
}
