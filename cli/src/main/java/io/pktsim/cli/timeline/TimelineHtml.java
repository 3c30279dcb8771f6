package io.pktsim.cli.timeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Renders a {@link TraceWindow} as one self-contained HTML page (no file or network fetched): the events as JSON
 * inside the page, drawn by a small script onto a canvas, one lane per CPU, RX queue, component and flow. The
 * same window gives the same bytes.
 */
final class TimelineHtml {

    private TimelineHtml() {
    }

    /** A lane: its group (CPUs, RX queues, components, flows), number in the group, and label. */
    private record Lane(int group, long number, String label) {
    }

    private static final Pattern CPU_COMPONENT = Pattern.compile("(?:^|/)cpu(\\d{1,9})$");

    private static final Comparator<Lane> LANE_ORDER = Comparator.comparingInt(Lane::group)
        .thenComparingLong(Lane::number).thenComparing(Lane::label);

    static Lane laneOf(final TraceWindow.Event e) {
        final int cpu = e.names().indexOf("cpu");
        if (cpu >= 0) {
            return new Lane(0, e.values().get(cpu), "cpu" + e.values().get(cpu));
        }
        final int queue = e.names().indexOf("queue");
        if ("rx_hash".equals(e.kind()) && queue >= 0) {
            return new Lane(1, e.values().get(queue), "rx queue " + e.values().get(queue));
        }
        final int flow = e.names().indexOf("flow");
        if (flow >= 0) {
            return new Lane(3, e.values().get(flow), "flow " + e.values().get(flow));
        }
        final Matcher m = CPU_COMPONENT.matcher(e.component());
        if (m.find()) {
            // a CPU's own component (explain napi's "cpu0", "softnet/cpu0") shares that CPU's lane
            final long n = Long.parseLong(m.group(1));
            return new Lane(0, n, "cpu" + n);
        }
        final boolean drop = e.kind().startsWith("drop_") || e.kind().endsWith("_drop");
        return new Lane(2, 0, e.component() + (drop ? " drops" : ""));
    }

    /**
     * Renders the page.
     *
     * @param title what the page shows, e.g. the trace file's name
     * @param w the window
     * @param spanNs the window's length
     * @return the HTML
     */
    static String render(final String title, final TraceWindow w, final long spanNs) {
        final List<TraceWindow.Event> events = new ArrayList<>(w.events());
        events.sort(Comparator.comparingLong(TraceWindow.Event::timeNs)); // stable: same time keeps file order
        final TreeMap<Lane, Integer> lanes = new TreeMap<>(LANE_ORDER);
        final Map<String, Integer> counts = new HashMap<>();
        for (final TraceWindow.Event e : events) {
            lanes.put(laneOf(e), 0);
            counts.merge(e.kind(), 1, Integer::sum);
        }
        int i = 0;
        for (final Map.Entry<Lane, Integer> l : lanes.entrySet()) {
            l.setValue(i++);
        }
        final List<String> kinds = new ArrayList<>(counts.keySet());
        kinds.sort(Comparator.comparingInt(KindInfo::family).thenComparing(Comparator.naturalOrder()));
        final Map<String, Integer> kindIndex = new HashMap<>();
        final JsonNodeFactory f = JsonNodeFactory.instance;
        final ObjectNode data = f.objectNode();
        data.put("title", title);
        data.put("from", w.fromNs());
        data.put("span", spanNs);
        data.put("inWindow", w.inWindow());
        data.put("shown", events.size());
        data.put("total", w.total());
        final ArrayNode laneNames = data.putArray("lanes");
        for (final Lane l : lanes.keySet()) {
            laneNames.add(l.label());
        }
        final ArrayNode kindNodes = data.putArray("kinds");
        final int[] inFamily = new int[6];
        for (final String k : kinds) {
            kindIndex.put(k, kindIndex.size());
            final int fam = KindInfo.family(k);
            final ObjectNode kn = kindNodes.addObject();
            kn.put("name", k);
            kn.put("colour", KindInfo.colour(fam, inFamily[fam]++));
            kn.put("count", counts.get(k));
            kn.put("meaning", KindInfo.meaning(k));
        }
        final ArrayNode ev = data.putArray("events");
        boolean texts = false;
        final StringBuilder text = new StringBuilder(96);
        for (final TraceWindow.Event e : events) {
            text.setLength(0);
            for (int a = 0; a < e.names().size(); a++) {
                text.append(a == 0 ? "" : " ").append(e.names().get(a)).append('=').append(e.values().get(a));
            }
            if (e.packet() >= 0) {
                text.append(text.length() == 0 ? "" : " ").append("packet=").append(e.packet());
            }
            final ArrayNode row = ev.addArray();
            row.add(e.timeNs() - w.fromNs());
            row.add(lanes.get(laneOf(e)));
            row.add(kindIndex.get(e.kind()));
            row.add(text.toString());
            if (e.text() != null) {
                row.add(e.text());
                texts = true;
            }
        }
        data.put("texts", texts);
        final String json;
        try {
            json = new ObjectMapper().writeValueAsString(data);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        final String subtitle = String.format(Locale.ROOT, "%s: %,d events from %s to %s of simulated time",
            title, events.size(), ms(w.fromNs()), ms(w.fromNs() + spanNs));
        return template().replace("{{TITLE}}", escape("pktsim timeline: " + title))
            .replace("{{SUBTITLE}}", escape(subtitle))
            .replace("{{DATA}}", json.replace("</", "<\\/"));
    }

    /** Milliseconds with six decimals (nanosecond resolution). */
    static String ms(final long ns) {
        return String.format(Locale.ROOT, "%d.%06d ms", ns / 1_000_000L, ns % 1_000_000L);
    }

    private static String escape(final String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String template() {
        try (InputStream in = TimelineHtml.class.getResourceAsStream("timeline.html")) {
            if (in == null) {
                throw new IllegalStateException("timeline.html is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
