package io.pktsim.cli.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pktsim.cli.PktsimMain;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pktsim timeline} end to end through {@code PktsimMain}: a hand-written trace and a real run's. */
class TimelineCommandTest {

    private static final Pattern DATA = Pattern.compile("<script type=\"application/json\" id=\"data\">(.*?)</script>",
        Pattern.DOTALL);

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            code = PktsimMain.execute(o, e, args);
        }
        return new Run(code, out.toString(), err.toString());
    }

    private static JsonNode data(final Path html) throws IOException {
        final Matcher m = DATA.matcher(Files.readString(html, StandardCharsets.UTF_8));
        assertThat(m.find()).as("the page embeds its events").isTrue();
        return new ObjectMapper().readTree(m.group(1));
    }

    private static List<String> listing(final Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private Path handTrace() throws IOException {
        final Path t = tmp.resolve("hand.jsonl");
        Files.writeString(t, String.join("\n",
            "{\"time_ns\":1000,\"component\":\"router\",\"kind\":\"napi_irq\",\"cpu\":0,\"ring\":3,\"queue\":0}",
            "{\"time_ns\":1500,\"component\":\"router\",\"kind\":\"napi_poll\",\"cpu\":0,\"done\":3,\"ring_left\":0,"
                + "\"budget_left\":297,\"queue\":0}",
            "{\"time_ns\":1400,\"component\":\"router\",\"kind\":\"rx_hash\",\"packet\":7,\"flow\":4,\"skb_hash\":9,"
                + "\"foe\":-1,\"rps_cpu\":2,\"queue\":1}",
            "{\"time_ns\":1600,\"component\":\"router\",\"kind\":\"dial_ecmp\",\"flow\":12,\"dial\":3,\"hash31\":5,"
                + "\"nexthops\":8}",
            "{\"time_ns\":1600,\"component\":\"router\",\"kind\":\"dial_ecmp\",\"flow\":2,\"dial\":1,\"hash31\":6,"
                + "\"nexthops\":8}",
            "{\"time_ns\":2500,\"component\":\"router\",\"kind\":\"drop_backlog_full\"}",
            "{\"time_ns\":2600,\"component\":\"eth0:qdisc\",\"kind\":\"qdisc_drop\",\"reason\":1,\"qlen\":1000}",
            "{\"time_ns\":9000,\"component\":\"router\",\"kind\":\"napi_complete\",\"cpu\":10,\"queue\":0}",
            ""), StandardCharsets.UTF_8);
        return t;
    }

    @Test
    void drawsEveryEventOfTheWindowInTimeOrderOnItsLane() throws Exception {
        final Path out = tmp.resolve("t.html");
        final Run r = run("timeline", handTrace().toString(), "--out", out.toString(), "--span", "5us");
        assertThat(r.code()).as("%s", r).isZero();
        assertThat(r.out()).isEqualTo("timeline: 7 of 8 events (0.001000 ms to 0.006000 ms) in " + out
            + System.lineSeparator());
        assertThat(r.err()).isEmpty();
        final JsonNode d = data(out);
        assertThat(d.get("from").asLong()).as("the first event's time").isEqualTo(1000);
        assertThat(d.get("inWindow").asLong()).isEqualTo(7);
        assertThat(d.get("total").asLong()).isEqualTo(8);
        // CPUs, then RX queues, then components (drops apart), then flows by number
        assertThat(d.get("lanes")).extracting(JsonNode::asText).containsExactly("cpu0", "rx queue 1",
            "eth0:qdisc drops", "router drops", "flow 2", "flow 12");
        final List<String> kinds = new ArrayList<>();
        d.get("kinds").forEach(k -> kinds.add(k.get("name").asText()));
        // drops first, then NAPI, GRO/RX, dials: each family in name order
        assertThat(kinds).containsExactly("drop_backlog_full", "qdisc_drop", "napi_irq", "napi_poll", "rx_hash",
            "dial_ecmp");
        assertThat(d.get("kinds").get(5).get("count").asInt()).isEqualTo(2);
        assertThat(d.get("kinds").get(3).get("meaning").asText()).contains("netdev_budget");
        final JsonNode ev = d.get("events");
        assertThat(ev).hasSize(7);
        final long[] times = new long[ev.size()];
        for (int i = 0; i < ev.size(); i++) {
            times[i] = ev.get(i).get(0).asLong();
        }
        assertThat(times).containsExactly(0, 400, 500, 600, 600, 1500, 1600);
        assertThat(ev.get(1).get(1).asInt()).as("rx_hash on its queue's lane").isEqualTo(1);
        assertThat(ev.get(1).get(3).asText()).isEqualTo("flow=4 skb_hash=9 foe=-1 rps_cpu=2 queue=1 packet=7");
        assertThat(ev.get(3).get(1).asInt()).as("same time: file order, flow 12 first").isEqualTo(5);
        assertThat(ev.get(4).get(1).asInt()).isEqualTo(4);
    }

    @Test
    void theWindowIsFromInclusiveToFromPlusSpanExclusiveAndTheSamePageTwice() throws Exception {
        final Path a = tmp.resolve("a.html");
        final Path b = tmp.resolve("b.html");
        final Path trace = handTrace();
        assertThat(run("timeline", trace.toString(), "--out", a.toString(), "--from", "1.5us", "--span", "1us")
            .code()).isZero();
        assertThat(run("timeline", trace.toString(), "--out", b.toString(), "--from", "1.5us", "--span", "1us")
            .code()).isZero();
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        final JsonNode ev = data(a).get("events");
        assertThat(ev).hasSize(3); // 1500 and twice 1600; 2500 is the window's end, outside
        assertThat(ev.get(0).get(0).asLong()).isZero();
    }

    @Test
    void maxEventsKeepsTheFirstAndSaysSo() throws Exception {
        final Path out = tmp.resolve("m.html");
        final Run r = run("timeline", handTrace().toString(), "--out", out.toString(), "--span", "10us",
            "--max-events", "3");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("the window holds 8, --max-events kept the first 3");
        final JsonNode d = data(out);
        assertThat(d.get("shown").asInt()).isEqualTo(3);
        assertThat(d.get("inWindow").asInt()).isEqualTo(8);
    }

    @Test
    void badTracesAndOptionsAreRefusedWithOneLineAndNothingWritten() throws Exception {
        final Path out = tmp.resolve("x.html");
        final Path good = handTrace();
        final Path truncated = tmp.resolve("cut.jsonl");
        final String text = Files.readString(good, StandardCharsets.UTF_8);
        Files.writeString(truncated, text.substring(0, text.indexOf('\n') + 40), StandardCharsets.UTF_8);
        final Path empty = Files.writeString(tmp.resolve("empty.jsonl"), "\n");
        final Path binary = Files.write(tmp.resolve("bin.jsonl"), new byte[] {(byte) 0xd4, (byte) 0xc3, 0, 1});
        final Path words = Files.writeString(tmp.resolve("words.jsonl"),
            "{\"time_ns\":5,\"component\":\"router\",\"kind\":\"napi_irq\",\"cpu\":\"zero\"}\n");
        final Path negative = Files.writeString(tmp.resolve("neg.jsonl"),
            "{\"time_ns\":-5,\"component\":\"router\",\"kind\":\"napi_irq\"}\n");
        final List<String> before = listing(tmp);
        final String[][] cases = {
            {truncated.toString(), "cut.jsonl:2: not a JSON object"},
            {empty.toString(), "empty.jsonl: no events"},
            {binary.toString(), "bin.jsonl: not UTF-8 text"},
            {words.toString(), "words.jsonl:1: 'cpu' is not a whole number"},
            {negative.toString(), "neg.jsonl:1: 'time_ns' missing or not a whole number of 0 or more"},
            {tmp.resolve("none.jsonl").toString(), "none.jsonl: no such file"},
            {tmp.toString(), ": is a directory; expected a trace"},
        };
        for (final String[] c : cases) {
            final Run r = run("timeline", c[0], "--out", out.toString());
            assertThat(r.code()).as("%s", r).isEqualTo(2);
            assertThat(r.err()).as(c[0]).startsWith("pktsim timeline: ").contains(c[1]).doesNotContain("Exception")
                .hasLineCount(1);
            assertThat(r.out()).isEmpty();
        }
        final String[][] options = {
            {"--span", "0us", "--span 0us: expected from 1us to 10s"},
            {"--span", "11s", "--span 11s: expected from 1us to 10s"},
            {"--span", "fast", "--span 'fast': expected a duration such as 2ms, 500us or 1s"},
            {"--from", "-1ms", "--from '-1ms': expected a simulated time such as 2s or 2001.5ms"},
            {"--from", "1s", "--from 1s: no event from 1000.000000 ms to 1002.000000 ms; the trace's events run "
                + "from 0.001000 ms to 0.009000 ms"},
            {"--max-events", "0", "--max-events 0: expected from 1 to 1000000"},
        };
        for (final String[] o : options) {
            final Run r = run("timeline", good.toString(), "--out", out.toString(), o[0], o[1]);
            assertThat(r.code()).as("%s", r).isEqualTo(2);
            assertThat(r.err()).isEqualTo("pktsim timeline: " + o[2] + System.lineSeparator());
        }
        // a cut line outside the window is refused too: only whole lines of pktsim's form are skipped unparsed
        final Run outside = run("timeline", truncated.toString(), "--out", out.toString(), "--from", "9us");
        assertThat(outside.code()).isEqualTo(2);
        assertThat(outside.err()).contains("cut.jsonl:2: not a JSON object");
        assertThat(TraceWindow.quickTime("{\"time_ns\":42,\"component\":\"router\",\"kind\":\"x\"}")).isEqualTo(42);
        assertThat(TraceWindow.quickTime("{\"time_ns\":42,\"component\":\"router\",\"kind\":\"x\"")).isEqualTo(-1);
        assertThat(TraceWindow.quickTime("{\"time_ns\":-4,\"component\":\"router\",\"kind\":\"x\"}")).isEqualTo(-1);
        assertThat(TraceWindow.quickTime("{\"kind\":\"x\",\"time_ns\":42,\"component\":\"router\"}")).isEqualTo(-1);
        final Run noDir = run("timeline", good.toString(), "--out", tmp.resolve("no/x.html").toString());
        assertThat(noDir.code()).isEqualTo(2);
        assertThat(noDir.err()).contains("--out").contains("does not exist");
        final Run dir = run("timeline", good.toString(), "--out", tmp.toString());
        assertThat(dir.err()).contains(": is a directory");
        final Run itself = run("timeline", good.toString(), "--out", good.toString());
        assertThat(itself.code()).isEqualTo(2);
        assertThat(itself.err()).contains("is the trace itself");
        assertThat(Files.readString(good)).as("the trace is untouched").startsWith("{\"time_ns\":1000,");
        assertThat(listing(tmp)).as("nothing written, no temporary file").isEqualTo(before);
        // an existing page is left as it was when the trace is bad
        Files.writeString(out, "old page");
        assertThat(run("timeline", truncated.toString(), "--out", out.toString()).code()).isEqualTo(2);
        assertThat(Files.readString(out)).isEqualTo("old page");
    }

    /** A real run's trace: the K2P's NAPI on cpu0, the frames' RX queue, the connections' dials. */
    @Test
    void aRunsTraceBecomesAPageWhoseScriptDrawsItUnderNode() throws Exception {
        final Path trace = tmp.resolve("run.jsonl");
        final String root = System.getProperty("pktsim.root");
        final Path scenario = Path.of(root == null ? ".." : root).toAbsolutePath().normalize()
            .resolve("docs/scenarios/k2p-8dial.yaml");
        final Run ran = run("run", scenario.toString(), "--duration", "2ms", "--quiet", "--trace", trace.toString());
        assertThat(ran.code()).as("%s", ran).isZero();
        final Path out = tmp.resolve("run.html");
        final Run r = run("timeline", trace.toString(), "--out", out.toString(), "--from", "2000ms", "--span", "2ms");
        assertThat(r.code()).as("%s", r).isZero();
        final JsonNode d = data(out);
        assertThat(d.get("lanes").get(0).asText()).isEqualTo("cpu0");
        final List<String> kinds = new ArrayList<>();
        d.get("kinds").forEach(k -> kinds.add(k.get("name").asText()));
        assertThat(kinds).contains("napi_irq", "napi_poll", "rx_hash", "gro_list");
        assertThat(d.get("kinds")).allSatisfy(k -> assertThat(k.get("meaning").asText()).isNotEmpty());
        assertThat(d.get("shown").asInt()).isPositive().isEqualTo(d.get("inWindow").asInt());

        final Path stub = Path.of(TimelineCommandTest.class.getResource("dom-stub.js").toURI());
        final Process p;
        try {
            p = new ProcessBuilder("node", stub.toString(), out.toString()).redirectErrorStream(true).start();
        } catch (final IOException e) {
            Assumptions.abort("node is not installed: the page's script was not run (the page itself was checked)");
            return;
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        final String result = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.exitValue()).as(result).isZero();
        final JsonNode s = new ObjectMapper().readTree(result);
        assertThat(s.get("drawn").asInt()).as("every event drawn").isEqualTo(d.get("shown").asInt());
        assertThat(s.get("rows").asInt()).isEqualTo(Math.min(1000, d.get("shown").asInt()));
        assertThat(s.get("legend").asInt()).isEqualTo(d.get("kinds").size());
        assertThat(s.get("lanes").asInt()).isEqualTo(d.get("lanes").size());
        assertThat(s.get("zoomedDrawn").asInt()).as("zoomed in: fewer marks").isLessThan(s.get("drawn").asInt());
        assertThat(s.get("tip").asText()).as("hovering the first event").contains("2000.").contains(" | cpu0: ");
        final int firstKind = d.get("kinds").get(0).get("count").asInt();
        assertThat(s.get("hiddenDrawn").asInt()).as("its kind hidden").isEqualTo(s.get("drawn").asInt() - firstKind);
    }

    /**
     * {@code pktsim explain napi --json} writes the same kind of trace, naming the kind {@code event} and explaining
     * each event in a {@code text}: the page keeps the texts (tooltip and table) and draws a CPU's own components
     * ("softnet/cpu0") on that CPU's lane.
     */
    @Test
    void explainNapisJsonIsATraceWithItsSentences() throws Exception {
        final Run ex = run("explain", "napi", "--json", "--rate", "900m", "--events", "100000");
        assertThat(ex.code()).as("%s", ex).isZero();
        final Path trace = Files.writeString(tmp.resolve("napi.jsonl"), ex.out(), StandardCharsets.UTF_8);
        final Path out = tmp.resolve("napi.html");
        final Run r = run("timeline", trace.toString(), "--out", out.toString(), "--span", "200us");
        assertThat(r.code()).as("%s", r).isZero();
        final JsonNode d = data(out);
        assertThat(d.get("texts").asBoolean()).isTrue();
        final List<String> lanes = new ArrayList<>();
        d.get("lanes").forEach(l -> lanes.add(l.asText()));
        assertThat(lanes).containsOnlyOnce("cpu0").doesNotContain("softnet/cpu0").contains("eth0/rx0");
        assertThat(d.get("events")).allSatisfy(e -> assertThat(e).hasSize(5));
        assertThat(d.get("events").get(0).get(4).asText()).startsWith("frame lands in eth0-rx0 RX ring slot 0");
        assertThat(d.get("kinds")).allSatisfy(k -> assertThat(k.get("meaning").asText()).as("%s", k).isNotEmpty());
    }
}
