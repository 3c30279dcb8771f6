package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.nic.ppe.PpeFlowTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trace tells the NIC, NAPI, GRO and steering decisions as they happened, consistently with the results:
 * interrupts and completions alternate, every polled frame has one {@code rx_hash} line, a K2P frame's hash is its
 * PPE entry's, the ECMP hash of a connection is its first frame's {@code skb->hash >> 1}, GRO's merges add up to
 * its flushed segments, and the squeezes are {@code softnet}'s.
 */
class RouterTraceTest {

    /** One field of a trace line: the lines are flat objects of numbers and strings. */
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(?:\"([^\"]*)\"|(-?\\d+))");

    @TempDir
    Path tmp;

    /** A trace line's fields. */
    record Event(Map<String, String> fields) {
        String kind() {
            return fields.get("kind");
        }

        long num(final String name) {
            return Long.parseLong(fields.get(name));
        }
    }

    static List<Event> read(final Path trace) throws IOException {
        final List<Event> events = new ArrayList<>();
        for (final String line : Files.readAllLines(trace, StandardCharsets.UTF_8)) {
            final Map<String, String> f = new HashMap<>();
            final Matcher m = FIELD.matcher(line);
            while (m.find()) {
                f.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
            }
            events.add(new Event(f));
        }
        return events;
    }

    static RouterConfig config(final boolean pppoe, final Path trace) {
        final RouterConfig base = RouterFixtures.config(1, 2, 1000 * RouterFixtures.MBIT, pppoe, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.ecmp(1),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 2, 8, RouterConfig.Direction.DOWNLOAD)),
                80_000_000L, 9);
        return new RouterConfig(base.profile().driverName("mtk_eth_soc").rpsCpus(0xe), base.lan(), base.wan(),
                false, base.balancing(), base.offload(), base.firewall(), base.qdisc(), base.workload(),
                base.durationNs(), base.warmupNs(), base.seed(), base.run(), new RouterConfig.Outputs(null, trace));
    }

    @Test
    void shouldTraceEveryPollEveryFrameAndEveryGroDecisionConsistently() throws IOException {
        final Path trace = tmp.resolve("t.jsonl");
        final RouterResults r = new RouterSimulation(config(false, trace)).run(ProgressListener.NONE);
        final List<Event> events = read(trace);

        boolean polling = false;
        long irqs = 0;
        long polled = 0;
        long rxHashes = 0;
        long squeezes = 0;
        long merges = 0;
        long mergedBySegs = 0;
        long flushes = 0;
        final Map<Long, Long> firstHash = new HashMap<>();
        final Map<Long, Long> ecmpHash = new HashMap<>();
        for (final Event e : events) {
            switch (e.kind()) {
                case "napi_irq" -> {
                    assertThat(polling).as("an interrupt while NAPI is scheduled at %s", e).isFalse();
                    polling = true;
                    irqs++;
                }
                case "napi_complete" -> {
                    assertThat(polling).as("a completion without a poll at %s", e).isTrue();
                    polling = false;
                }
                case "napi_poll" -> {
                    assertThat(e.num("done")).isBetween(1L, 64L);
                    assertThat(e.num("budget_left")).isLessThan(300L);
                    polled += e.num("done");
                }
                case "rx_hash" -> {
                    rxHashes++;
                    final int foe = (int) e.num("foe");
                    // every frame here is TCP: the PPE gives it an entry, and the driver the entry's hash
                    assertThat(foe).isBetween(0, 8191);
                    assertThat(e.num("skb_hash")).isEqualTo(PpeFlowTable.skbHash(foe) & 0xFFFF_FFFFL);
                    assertThat(e.num("rps_cpu")).isBetween(1L, 3L);
                    firstHash.putIfAbsent(e.num("flow"), e.num("skb_hash"));
                }
                case "dial_ecmp" -> ecmpHash.put(e.num("flow"), e.num("hash31"));
                case "time_squeeze" -> squeezes++;
                case "gro_merge" -> merges++;
                case "gro_flush" -> {
                    flushes++;
                    assertThat(e.num("reason")).isBetween(1L, 6L);
                    assertThat(e.num("segs")).isBetween(1L, 45L);
                    mergedBySegs += e.num("segs") - 1;
                }
                default -> {
                }
            }
        }
        assertThat(irqs).isPositive();
        assertThat(rxHashes).isEqualTo(polled).isPositive();
        assertThat(merges).isPositive().isEqualTo(mergedBySegs);
        assertThat(flushes).isPositive();
        assertThat(squeezes).isEqualTo(r.softnet().stream().mapToLong(RouterResults.Softnet::timeSqueeze).sum());
        // the SYN is each connection's first frame from the LAN: policy 1 takes its skb->hash >> 1
        assertThat(ecmpHash).hasSize(16);
        for (final Map.Entry<Long, Long> d : ecmpHash.entrySet()) {
            assertThat(d.getValue()).as("flow %d", d.getKey()).isEqualTo(firstHash.get(d.getKey()) >>> 1);
        }
    }

    /**
     * {@code netif_receive_skb}: with RPS on (cpus 1-3) and PPPoE dials (no GRO: one frame, one packet), every
     * polled frame is taken up once, on the CPU its {@code rx_hash} steered it to, behind fewer packets than
     * {@code netdev_max_backlog}, unless that backlog was full and it was dropped.
     */
    @Test
    void shouldTakeEachFrameUpOnTheCpuItWasSteeredTo() throws IOException {
        final Path trace = tmp.resolve("p.jsonl");
        final RouterResults r = new RouterSimulation(config(true, trace)).run(ProgressListener.NONE);
        final Map<Long, Long> steeredTo = new HashMap<>();
        long frames = 0;
        long takenUp = 0;
        long backlogDrops = 0;
        long queued = 0;
        final long[] perCpu = new long[4];
        for (final Event e : read(trace)) {
            switch (e.kind()) {
                case "rx_hash" -> {
                    frames++;
                    steeredTo.put(e.num("packet"), e.num("rps_cpu"));
                }
                case "netif_receive_skb" -> {
                    takenUp++;
                    assertThat(e.num("cpu")).as("%s", e).isEqualTo(steeredTo.get(e.num("packet")));
                    assertThat(e.num("fast")).isZero();
                    assertThat(e.num("backlog")).isBetween(0L, 999L);
                    assertThat(e.num("latency_ns")).isPositive();
                    queued += e.num("backlog") > 0 ? 1 : 0;
                    perCpu[(int) e.num("cpu")]++;
                }
                case "drop_backlog_full" -> {
                    backlogDrops++;
                    assertThat(e.num("cpu")).as("%s", e).isEqualTo(steeredTo.get(e.num("packet")));
                }
                default -> {
                }
            }
        }
        assertThat(frames).isPositive();
        assertThat(takenUp + backlogDrops).isEqualTo(frames);
        assertThat(queued).as("packets that waited behind others").isPositive();
        assertThat(perCpu[0]).as("cpu0 only polls").isZero();
        assertThat(perCpu[1] + perCpu[2] + perCpu[3]).isEqualTo(takenUp);
        assertThat(r.goodputBps()).isPositive();
    }
}
