package io.pktsim.cli.napi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pktsim.cli.PktsimMain;

class ExplainNapiCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(final String... args) {
        return PktsimMain.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void shouldNarrateOneInterruptPerFrameAtLowLoad() {
        assertThat(run("explain", "napi", "--rate", "100m", "--rx-usecs", "0", "--rx-frames", "1", "--events", "5",
            "--duration", "1ms")).isZero();
        assertThat(out.toString().split("\n")).containsExactly(
            "      12.208 us  frame lands in eth0-rx0 RX ring slot 0 (1 of 512 slots in use)",
            "      12.208 us  NIC raises interrupt line 0 (1 frame(s))",
            "      12.208 us  cpu0 takes hard IRQ 0: the driver masks RX interrupts and schedules NAPI eth0/rx0",
            "      12.208 us  NAPI eth0/rx0 scheduled on cpu0: NET_RX_SOFTIRQ raised",
            "      15.618 us  softirq net_rx_action starts on cpu0: budget 300, 1 instance(s) on the poll list",
            "in 1ms: 9 packets sent, 9 received, 0 ring drops, 9 RX interrupts, 9 RX polls (0 whole-weight), 0 time"
                + " squeezes; cpu0 19.8%, all-CPU average 5.0%");
    }

    /**
     * PPPoE session frames: mainline's GRO passes every one up alone, pppoe_rcv takes each apart and the ppp device's
     * netif_rx queues it to the backlog again, so each frame is two passes and the CPU saturates where plain
     * Ethernet frames did not; OpenWrt's handler merges them and the backlog sees one packet per aggregate.
     */
    @Test
    void shouldShowThatPppoeFramesGoUpAloneAndThroughTheBacklogAgain() {
        final String[] common = {"explain", "napi", "--rate", "900m", "--rx-usecs", "100", "--rx-frames", "32",
            "--events", "0", "--duration", "20ms"};
        assertThat(run(common)).isZero();
        final double plainCpu = cpu0(out.toString());
        assertThat(out.toString()).doesNotContain("PPPoE:");
        out.getBuffer().setLength(0);
        assertThat(run(with(common, "--pppoe"))).isZero();
        final String mainline = out.toString();
        final long received = count(mainline, " received");
        assertThat(mainline).contains("\nPPPoE: 0 segments merged by GRO (mainline 6.18 has no GRO handler for PPPoE), "
            + received + " packets queued again by the ppp device's netif_rx (0 dropped by the full backlog), ");
        final double mainlineCpu = cpu0(mainline);
        assertThat(mainlineCpu).isGreaterThan(plainCpu + 20);
        out.getBuffer().setLength(0);
        assertThat(run(with(common, "--pppoe", "--pppoe-gro"))).isZero();
        final String openwrt = out.toString();
        assertThat(count(openwrt, " segments merged by GRO")).isGreaterThan(count(openwrt, " received") / 2);
        assertThat(count(openwrt, " packets queued again")).isLessThan(count(openwrt, " received") / 2);
        assertThat(openwrt).contains("(OpenWrt's pppoe_gro_receive)");
        assertThat(cpu0(openwrt)).isLessThan(mainlineCpu - 20);
    }

    /**
     * Fraglist GRO (rx-gro-list): the segments of a forwarded flow are chained to the held packet's frag_list
     * (skb_gro_receive_list) instead of having their payload merged into it and their skb freed (skb_gro_receive).
     */
    @Test
    void shouldChainSegmentsWithFraglistGroAndMergeThemWithout() {
        final String[] common = {"explain", "napi", "--rate", "900m", "--duration", "3ms", "--events", "400",
            "--only", "gro_receive"};
        assertThat(run(common)).isZero();
        final String regular = out.toString();
        assertThat(regular).contains("GRO merges the frame into the held packet of its flow")
            .doesNotContain("GRO chains");
        out.getBuffer().setLength(0);
        assertThat(run(with(common, "--gro-list"))).isZero();
        final String fraglist = out.toString();
        assertThat(fraglist).contains("GRO chains the frame to the held packet of its flow (its frag_list)")
            .doesNotContain("GRO merges");
        // the same frames merge at the same points either way (no flag differs in this traffic)
        assertThat(occurrences(fraglist, "GRO chains")).isPositive().isEqualTo(occurrences(regular, "GRO merges"));
    }

    /**
     * UDP: without rx-gro-list every datagram goes up alone (not_tcp); with it 6.18's udp_gro_receive_segment() takes
     * them, and since each of the source's datagrams has a source port of its own, each is held as a new flow and
     * completed at the end of the poll or when its bucket is full.
     */
    @Test
    void shouldHoldUdpDatagramsWithFraglistGroAndPassThemAloneWithout() {
        final String[] common = {"explain", "napi", "--udp", "--packet-size", "46", "--rate", "300m", "--rx-usecs",
            "0", "--rx-frames", "1", "--duration", "2ms", "--events", "2000", "--only", "gro_receive,gro_complete"};
        assertThat(run(common)).isZero();
        final String plain = out.toString();
        assertThat(plain).contains("GRO passes the frame up alone: the transport protocol is not TCP (or UDP without "
            + "fraglist GRO)").doesNotContain("GRO holds");
        out.getBuffer().setLength(0);
        assertThat(run(with(common, "--gro-list"))).isZero();
        final String fraglist = out.toString();
        assertThat(fraglist).contains("GRO holds the frame as a new packet of its flow")
            .contains("GRO passes up a packet of 1 segment(s): the bucket already held MAX_GRO_SKBS (8)")
            .doesNotContain("not TCP");
    }

    /**
     * --udp-flows 1: one UDP flow, whose datagrams fraglist GRO chains (udp_gro_receive_segment) where without
     * --gro-list each goes up alone; --udp-flows without --udp is refused.
     */
    @Test
    void shouldChainOneUdpFlowsDatagramsWithFraglistGro() {
        final String[] common = {"explain", "napi", "--udp", "--udp-flows", "1", "--packet-size", "1000", "--rate",
            "900m", "--duration", "2ms", "--events", "2000", "--only", "gro_receive,gro_complete"};
        assertThat(run(common)).isZero();
        assertThat(out.toString()).doesNotContain("GRO chains").doesNotContain("GRO holds");
        out.getBuffer().setLength(0);
        assertThat(run(with(common, "--gro-list"))).isZero();
        final String fraglist = out.toString();
        assertThat(occurrences(fraglist, "GRO chains")).isGreaterThan(10);
        assertThat(fraglist).doesNotContain("not TCP");
        assertThat(run("explain", "napi", "--udp-flows", "2")).isEqualTo(2);
        assertThat(run("explain", "napi", "--udp", "--udp-flows", "0")).isEqualTo(2);
        // rx-udp-gro-forwarding: the same flow's datagrams merged (skb_gro_receive), not chained; with --gro-list
        // too, fraglist GRO takes them
        out.getBuffer().setLength(0);
        assertThat(run(with(common, "--udp-gro-forwarding"))).isZero();
        final String merged = out.toString();
        assertThat(occurrences(merged, "GRO merges the frame into the held packet of its flow")).isGreaterThan(10);
        assertThat(merged).doesNotContain("GRO chains");
        out.getBuffer().setLength(0);
        assertThat(run(with(with(common, "--udp-gro-forwarding"), "--gro-list"))).isZero();
        assertThat(out.toString()).isEqualTo(fraglist);
        assertThat(run("explain", "napi", "--udp-gro-forwarding")).isEqualTo(2);
    }

    @Test
    void shouldRefusePppoeGroWithoutPppoeAndFramesAboveTheDialsMtu() {
        assertThat(run("explain", "napi", "--pppoe-gro")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("pktsim explain napi: --pppoe-gro needs --pppoe (it is GRO for PPPoE"
            + " session frames)\n");
        err.getBuffer().setLength(0);
        assertThat(run("explain", "napi", "--pppoe", "--packet-size", "1500")).isEqualTo(2);
        assertThat(err.toString()).startsWith("pktsim explain napi: --packet-size must be at most 1492 with --pppoe");
        assertThat(out.toString()).isEmpty();
    }

    private static String[] with(final String[] args, final String... more) {
        final String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    /** The number just before {@code label} in the summary. */
    private static int occurrences(final String text, final String phrase) {
        return text.split(java.util.regex.Pattern.quote(phrase), -1).length - 1;
    }

    private static long count(final String text, final String label) {
        final java.util.regex.Matcher m = java.util.regex.Pattern
            .compile("(\\d+)" + java.util.regex.Pattern.quote(label)).matcher(text);
        assertThat(m.find()).as(label).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static double cpu0(final String text) {
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("cpu0 ([0-9.]+)%").matcher(text);
        assertThat(m.find()).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void shouldShowWholeWeightPollsRepollAndKsoftirqdAtSaturation() {
        assertThat(run("explain", "napi", "--udp", "--packet-size", "46", "--rate", "300m", "--rx-usecs", "0",
            "--rx-frames", "1", "--events", "1000", "--duration", "12ms", "--only",
            "napi_poll,napi_repoll,softirq_restart,ksoftirqd_wake")).isZero();
        final String text = out.toString();
        assertThat(text).contains("poll of eth0/rx0 returns: 64 frame(s) of weight 64, budget left 172")
            .contains("eth0/rx0 used its whole weight: it stays scheduled and goes to the tail of the poll list")
            .contains("__do_softirq restarts: NET_RX was raised again (9 passes left)")
            .contains("ksoftirqd is woken on cpu0")
            .contains("eth1/tx used its whole weight")
            .contains("8073 ring drops");
    }

    @Test
    void shouldCountTimeSqueezesWithFiveSaturatedQueues() {
        assertThat(run("explain", "napi", "--udp", "--packet-size", "46", "--rate", "300m", "--queues", "5",
            "--rx-usecs", "0", "--rx-frames", "1", "--events", "100", "--duration", "6ms", "--only", "time_squeeze"))
            .isZero();
        assertThat(out.toString()).contains("time squeeze: net_rx_action stops with work left (budget used up, -20"
            + " left) after 5 poll(s)");
    }

    @Test
    void shouldPrintJsonLines() throws Exception {
        assertThat(run("explain", "napi", "--json", "--events", "12", "--duration", "1ms")).isZero();
        final String[] lines = out.toString().split("\n");
        assertThat(lines).hasSize(12);
        final ObjectMapper json = new ObjectMapper();
        long last = 0;
        for (final String line : lines) {
            final JsonNode n = json.readTree(line);
            assertThat(n.get("time_ns").asLong()).isGreaterThanOrEqualTo(last);
            last = n.get("time_ns").asLong();
            assertThat(n.get("event").asText()).isNotEmpty();
            assertThat(n.get("text").asText()).isNotEmpty();
        }
        assertThat(json.readTree(lines[0]).get("event").asText()).isEqualTo("rx_ring_land");
        assertThat(json.readTree(lines[0]).get("slot").asInt()).isZero();
    }

    @Test
    void shouldRunTheX86ProfileWithoutNapi() {
        assertThat(run("explain", "napi", "--profile", "x86", "--no-napi", "--rx-usecs", "0", "--rx-frames", "1",
            "--events", "3", "--duration", "1ms")).isZero();
        assertThat(out.toString()).contains("cpu0 takes hard IRQ");
    }

    @Test
    void shouldExitTwoOnBadUsage() {
        assertThat(run("explain", "napi", "--rate", "fast")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("pktsim explain napi: --rate must be a rate such as 300m or 1g, not 'fast'"
            + System.lineSeparator());
        assertThat(run("explain", "napi", "--packet-size", "10")).isEqualTo(2);
        assertThat(run("explain", "napi", "--duration", "forever")).isEqualTo(2);
        assertThat(run("explain", "napi", "--profile", "mt7612")).isEqualTo(2);
        assertThat(err.toString()).contains("did you mean 'mt7621'?");
        assertThat(run("explain", "napi", "--weight", "0")).isEqualTo(2);
        assertThat(run("explain")).isEqualTo(2);
        assertThat(run("explain", "napi", "--bogus")).isEqualTo(2);
    }

    @Test
    void shouldExitTwoOnAnUnknownKindOfEventInsteadOfPrintingNothing() {
        // found by the bad-input fuzzer: --only bogus, --only '' and --only , printed the summary and no event
        assertThat(run("explain", "napi", "--only", "napi_pol,napi_repoll")).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).startsWith("pktsim explain napi: --only 'napi_pol': no such kind of event; did you "
            + "mean 'napi_poll'? (kinds: rx_ring_land, rx_ring_full, ").hasLineCount(1);
        assertThat(run("explain", "napi", "--only", "")).isEqualTo(2);
        assertThat(run("explain", "napi", "--only", ",")).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(run("explain", "napi", "--no-napi", "--only", "gro_receive,irq", "--events", "1")).isZero();
    }

    @Test
    void shouldNameAProfileFileThatIsMissingOrADirectory(@TempDir final Path tmp) {
        // found by the bad-input fuzzer: both were "unknown profile '/.../p.yaml' (built-in: ...)"
        final Path missing = tmp.resolve("p.yaml");
        assertThat(run("explain", "napi", "--profile", missing.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("pktsim explain napi: " + missing + ": no such file"
            + System.lineSeparator());
        assertThat(run("explain", "napi", "--profile", tmp.toString())).isEqualTo(2);
        assertThat(err.toString()).endsWith("pktsim explain napi: " + tmp + ": is a directory; expected a YAML file"
            + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }
}
