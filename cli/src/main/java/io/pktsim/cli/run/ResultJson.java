package io.pktsim.cli.run;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import io.pktsim.cli.scenario.Scenario;
import io.pktsim.lb.router.RouterResults;

/**
 * The JSON result of a run, field by field in a fixed order (documented in docs/results.md). The same scenario,
 * seed and build give the same bytes: fractions are rounded to 6 decimals, lines end in {@code \n}, and
 * wall-clock figures appear only under the top-level key {@code wall}, when asked for.
 */
public final class ResultJson {

    /** Decimal places of every fraction. */
    public static final int FRACTION_SCALE = 6;

    private static final JsonFactory FACTORY = new JsonFactory();

    private ResultJson() {
    }

    /**
     * Wall-clock figures of a run (not deterministic).
     *
     * @param elapsedNs wall-clock time of the simulation, ns
     * @param eventsPerSecond events dispatched per wall-clock second
     * @param forwardedPacketsPerSecond packets forwarded (in the measurement window) per wall-clock second of the
     *     whole run
     */
    public record Wall(long elapsedNs, long eventsPerSecond, long forwardedPacketsPerSecond) {
    }

    /**
     * Renders the result.
     *
     * @param meta the run's identity
     * @param s the scenario as run
     * @param r the engine's results
     * @param wall wall-clock figures, or null to leave them out (byte-identical output)
     * @return the JSON text, ending with a newline
     */
    public static String render(final RunMetadata meta, final Scenario s, final RouterResults r, final Wall wall) {
        return render(meta, s, r, wall, true);
    }

    /**
     * Renders the result on one line (JSON Lines, as {@code pktsim sweep} writes results.jsonl): the same fields
     * in the same order as {@link #render(RunMetadata, Scenario, RouterResults, Wall)}, without indentation.
     *
     * @param meta the run's identity
     * @param s the scenario as run
     * @param r the engine's results
     * @return the JSON text on one line, ending with a newline
     */
    public static String renderLine(final RunMetadata meta, final Scenario s, final RouterResults r) {
        return render(meta, s, r, null, false);
    }

    private static String render(final RunMetadata meta, final Scenario s, final RouterResults r, final Wall wall,
        final boolean pretty) {
        final StringWriter out = new StringWriter(16_384);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            if (pretty) {
                final DefaultIndenter indent = new DefaultIndenter("  ", "\n");
                g.setPrettyPrinter(new DefaultPrettyPrinter().withObjectIndenter(indent).withArrayIndenter(indent));
            }
            g.writeStartObject();
            g.writeObjectFieldStart("pktsim");
            g.writeStringField("version", meta.version());
            g.writeStringField("commit", meta.commit());
            g.writeBooleanField("dirty", meta.dirty());
            g.writeEndObject();
            scenario(g, meta, s, r);
            g.writeObjectFieldStart("throughput");
            g.writeNumberField("measuredNs", r.measuredNs());
            g.writeNumberField("goodputBps", r.goodputBps());
            g.writeNumberField("goodputDownloadBps", r.goodputDownloadBps());
            g.writeNumberField("goodputUploadBps", r.goodputUploadBps());
            g.writeNumberField("forwardedPackets", r.forwardedPackets());
            g.writeNumberField("forwardedPps", r.measuredNs() <= 0 ? 0
                : BigDecimal.valueOf(r.forwardedPackets()).multiply(BigDecimal.valueOf(1_000_000_000L))
                    .divide(BigDecimal.valueOf(r.measuredNs()), 0, RoundingMode.HALF_EVEN).longValueExact());
            g.writeEndObject();
            g.writeArrayFieldStart("dials");
            for (final RouterResults.Dial d : r.dials()) {
                g.writeStartObject();
                g.writeStringField("name", d.name());
                g.writeNumberField("line", d.line());
                g.writeNumberField("downloadBps", d.downloadBps());
                g.writeNumberField("uploadBps", d.uploadBps());
                g.writeNumberField("flows", d.flows());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("flows");
            for (final RouterResults.Flow f : r.flows()) {
                g.writeStartObject();
                g.writeNumberField("id", f.id());
                g.writeNumberField("app", f.app());
                g.writeStringField("appName", f.app() >= 0 && f.app() < s.workload().apps().size()
                    ? s.workload().apps().get(f.app()).name() : "");
                g.writeNumberField("host", f.host());
                g.writeNumberField("server", f.server());
                g.writeStringField("protocol", f.udp() ? "udp" : "tcp");
                g.writeStringField("direction", f.direction().name().toLowerCase(java.util.Locale.ROOT));
                g.writeNumberField("sourcePort", f.sourcePort());
                g.writeNumberField("dial", f.dial());
                g.writeNumberField("goodputBps", f.goodputBps());
                g.writeNumberField("deliveredBytes", f.deliveredBytes());
                if (f.reconnectOf() >= 0) {
                    g.writeNumberField("reconnectOf", f.reconnectOf());
                }
                if (f.closedBy() != null) {
                    g.writeStringField("closedBy", f.closedBy());
                }
                if (f.gaveUp()) {
                    // its application's last try: at its limit on failed tries, none opened in its place
                    g.writeBooleanField("gaveUp", true);
                }
                if (f.openError() != null) {
                    // never opened: its host had no free source port
                    g.writeStringField("openError", f.openError());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("ports");
            for (final RouterResults.Port p : r.ports()) {
                g.writeStartObject();
                g.writeStringField("name", p.name());
                g.writeNumberField("rateBps", p.rateBps());
                fraction(g, "rxUtilization", p.rxUtilization());
                fraction(g, "txUtilization", p.txUtilization());
                g.writeEndObject();
            }
            g.writeEndArray();
            cpu(g, r);
            g.writeArrayFieldStart("softnet");
            for (final RouterResults.Softnet n : r.softnet()) {
                g.writeStartObject();
                g.writeNumberField("cpu", n.cpu());
                g.writeNumberField("processed", n.processed());
                g.writeNumberField("dropped", n.dropped());
                g.writeNumberField("timeSqueeze", n.timeSqueeze());
                g.writeNumberField("receivedRps", n.receivedRps());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (r.rxQueues().size() > 1) {
                // several RX queues (mlx5 channels): per queue, where its interrupt and NAPI run and what it took
                g.writeArrayFieldStart("rxQueues");
                for (final RouterResults.Queue q : r.rxQueues()) {
                    g.writeStartObject();
                    g.writeNumberField("queue", q.queue());
                    g.writeNumberField("cpu", q.cpu());
                    g.writeNumberField("packets", q.packets());
                    g.writeNumberField("irqs", q.irqs());
                    g.writeNumberField("polls", q.polls());
                    g.writeNumberField("ringDrops", q.ringDrops());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeObjectFieldStart("drops");
            g.writeNumberField("ring", r.drops().ring());
            g.writeNumberField("backlog", r.drops().backlog());
            g.writeNumberField("qdisc", r.drops().qdisc());
            counts(g, "byReason", r.drops().byReason());
            g.writeEndObject();
            counts(g, "conntrack", r.conntrack());
            counts(g, "flowtable", r.flowtable());
            counts(g, "ppe", r.ppe());
            counts(g, "gro", r.gro());
            counts(g, "tcp", r.tcp());
            if (!r.udp().isEmpty()) {
                // only when some UDP socket got no source port
                counts(g, "udp", r.udp());
            }
            // distributions (HdrHistogram): the forwarding latency and the frames of each RX poll
            counts(g, "latency", r.latency());
            counts(g, "pollBatch", r.pollBatch());
            occupancy(g, r.occupancy());
            g.writeStringField("bottleneck", r.bottleneck());
            g.writeObjectFieldStart("events");
            g.writeNumberField("scheduled", r.simulatedEvents());
            g.writeNumberField("dispatched", r.dispatchedEvents());
            g.writeEndObject();
            if (wall != null) {
                g.writeObjectFieldStart("wall");
                g.writeNumberField("elapsedNs", wall.elapsedNs());
                g.writeNumberField("eventsPerSecond", wall.eventsPerSecond());
                g.writeNumberField("forwardedPacketsPerSecond", wall.forwardedPacketsPerSecond());
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (final IOException e) {
            throw new UncheckedIOException("rendering JSON in memory", e);
        }
        return out.toString() + "\n";
    }

    /**
     * {@code occupancy}: {@code rxRing} (what each arriving frame found in its RX ring) and {@code backlogs} (per CPU
     * that was handed packets, what each found in its RPS backlog); absent when neither queue saw an arrival.
     */
    private static void occupancy(final JsonGenerator g, final List<RouterResults.Occupancy> occupancy)
        throws IOException {
        if (occupancy.isEmpty()) {
            return;
        }
        g.writeObjectFieldStart("occupancy");
        boolean backlogs = false;
        for (final RouterResults.Occupancy o : occupancy) {
            if (o.cpu() < 0) {
                g.writeObjectFieldStart("rxRing");
            } else {
                if (!backlogs) {
                    backlogs = true;
                    g.writeArrayFieldStart("backlogs");
                }
                g.writeStartObject();
                g.writeNumberField("cpu", o.cpu());
            }
            g.writeNumberField("samples", o.samples());
            g.writeNumberField("p50", o.p50());
            g.writeNumberField("p90", o.p90());
            g.writeNumberField("p99", o.p99());
            g.writeNumberField("max", o.max());
            g.writeNumberField("full", o.full());
            g.writeEndObject();
        }
        if (backlogs) {
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void scenario(final JsonGenerator g, final RunMetadata meta, final Scenario s,
                                 final RouterResults r)
        throws IOException {
        g.writeObjectFieldStart("scenario");
        g.writeStringField("name", meta.scenarioName());
        g.writeStringField("file", meta.scenarioFile());
        g.writeStringField("sha256", meta.scenarioSha256());
        g.writeNumberField("seed", meta.seed());
        g.writeNumberField("run", meta.run());
        g.writeNumberField("durationNs", s.durationNs());
        g.writeNumberField("warmUpNs", s.warmUpNs());
        g.writeStringField("preset", s.device().preset().label());
        g.writeStringField("profile", s.device().profile().name());
        if (s.device().profile().dsa()) {
            // written only under DSA, so that a swconfig run's JSON is that of a pktsim without the key
            g.writeStringField("switch", "dsa");
        }
        g.writeNumberField("hardwareThreads", s.device().profile().threadCount());
        g.writeBooleanField("ipv6", s.ipv6());
        g.writeNumberField("lines", s.wan().lines());
        g.writeNumberField("dials", s.totalDials());
        g.writeStringField("balancing", s.balancing().mode().label());
        if (r.multipathHashSeed() >= 0) {
            g.writeNumberField("fibMultipathHashSeed", r.multipathHashSeed());
        }
        g.writeStringField("offload", s.offload().label());
        g.writeStringField("firewall", s.firewall().kind().label());
        if (!s.wan().redials().isEmpty()) {
            g.writeArrayFieldStart("redials");
            for (final Scenario.Redial x : s.wan().redials()) {
                g.writeStartObject();
                g.writeNumberField("dial", x.dial());
                g.writeNumberField("atNs", x.atNs());
                g.writeNumberField("downNs", x.downNs());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void cpu(final JsonGenerator g, final RouterResults r) throws IOException {
        g.writeObjectFieldStart("cpu");
        fraction(g, "average", r.cpuAverage());
        g.writeArrayFieldStart("threads");
        for (final RouterResults.CpuThread t : r.cpuThreads()) {
            g.writeStartObject();
            g.writeNumberField("cpu", t.cpu());
            g.writeNumberField("core", t.core());
            fraction(g, "busy", t.busy());
            fraction(g, "hardIrq", t.hardIrq());
            fraction(g, "softirq", t.softirq());
            fraction(g, "thread", t.thread());
            fraction(g, "ksoftirqd", t.ksoftirqd());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("cores");
        for (final RouterResults.CpuCoreLoad c : r.cpuCores()) {
            g.writeStartObject();
            g.writeNumberField("core", c.core());
            fraction(g, "busy", c.busy());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("stages");
        for (final RouterResults.Stage st : r.stages()) {
            g.writeStartObject();
            g.writeStringField("name", st.name());
            g.writeNumberField("cycles", st.cycles());
            fraction(g, "fraction", st.fraction());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void counts(final JsonGenerator g, final String field, final List<RouterResults.Count> counts)
        throws IOException {
        g.writeObjectFieldStart(field);
        for (final RouterResults.Count c : counts) {
            g.writeNumberField(c.name(), c.value());
        }
        g.writeEndObject();
    }

    /** A fraction, rounded half-even to {@link #FRACTION_SCALE} decimals, written without exponent. */
    private static void fraction(final JsonGenerator g, final String field, final double value) throws IOException {
        g.writeFieldName(field);
        g.writeNumber(round(value));
    }

    /**
     * @param value a fraction
     * @return its text, rounded half-even to 6 decimals, no exponent, no trailing zeros ("0" for 0)
     */
    static String round(final double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("a fraction must be finite: " + value);
        }
        final BigDecimal d = BigDecimal.valueOf(value).setScale(FRACTION_SCALE, RoundingMode.HALF_EVEN)
            .stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.toPlainString();
    }
}
