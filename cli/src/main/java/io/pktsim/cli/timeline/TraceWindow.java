package io.pktsim.cli.timeline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The events of a decision trace that fall in a window of simulated time, read from JSON lines
 * ({@code io.pktsim.core.trace.JsonLinesTraceSink}'s format: {@code time_ns}, {@code component}, {@code kind},
 * an optional {@code packet}, then the kind's numbers; or {@code pktsim explain napi --json}'s, which names the
 * kind {@code event} and adds a {@code text}). Every line is checked, also those outside the window, so
 * a truncated or foreign file is refused whole.
 */
final class TraceWindow {

    /**
     * One event: time, component, kind, its numbers (name, value) in the file's order, and the sentence that explains
     * it ({@code pktsim explain napi --json} writes one per event as {@code text}; null when the line has none).
     */
    record Event(long timeNs, String component, String kind, long packet, List<String> names, List<Long> values,
        String text) {
    }

    /** A line that is not a trace event. */
    static final class BadTraceException extends Exception {
        private static final long serialVersionUID = 1L;

        BadTraceException(final String message) {
            super(message);
        }
    }

    private final List<Event> events;
    private final long total;
    private final long firstNs;
    private final long lastNs;
    private final long inWindow;
    private final long fromNs;

    private TraceWindow(final List<Event> events, final long total, final long firstNs, final long lastNs,
        final long inWindow, final long fromNs) {
        this.fromNs = fromNs;
        this.events = events;
        this.total = total;
        this.firstNs = firstNs;
        this.lastNs = lastNs;
        this.inWindow = inWindow;
    }

    /** @return the events kept (in the window, at most the limit), in the file's order */
    List<Event> events() {
        return events;
    }

    /** @return every event of the file */
    long total() {
        return total;
    }

    /** @return the earliest event time in the file */
    long firstNs() {
        return firstNs;
    }

    /** @return the latest event time in the file */
    long lastNs() {
        return lastNs;
    }

    /** @return the window's start */
    long fromNs() {
        return fromNs;
    }

    /** @return the events in the window, kept or not */
    long inWindow() {
        return inWindow;
    }

    /**
     * Reads a trace.
     *
     * @param file the JSON-lines trace
     * @param fromNs the window's start, or -1 for the time of the file's first event
     * @param spanNs the window's length
     * @param limit the most events kept
     * @return the window
     * @throws BadTraceException naming the file, line and what was expected
     */
    static TraceWindow read(final Path file, final long fromNs, final long spanNs, final int limit)
        throws BadTraceException {
        final ObjectMapper mapper = new ObjectMapper();
        final List<Event> kept = new ArrayList<>();
        long total = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long in = 0;
        long from = fromNs;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16)) {
            String line;
            long lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                final long quick = quickTime(line);
                if (quick >= 0 && from >= 0 && (quick < from || quick - from >= spanNs)) {
                    // outside the window, in the form pktsim writes: counted, not parsed whole
                    total++;
                    first = Math.min(first, quick);
                    last = Math.max(last, quick);
                    continue;
                }
                final Event e = parse(mapper, file, lineNo, line);
                total++;
                first = Math.min(first, e.timeNs());
                last = Math.max(last, e.timeNs());
                if (from < 0) {
                    from = e.timeNs();
                }
                if (e.timeNs() >= from && e.timeNs() - from < spanNs) {
                    in++;
                    if (kept.size() < limit) {
                        kept.add(e);
                    }
                }
            }
        } catch (final NoSuchFileException e) {
            throw new BadTraceException(file + ": no such file");
        } catch (final CharacterCodingException e) {
            throw new BadTraceException(file + ": not UTF-8 text; expected a trace of JSON lines (pktsim run --trace)");
        } catch (final IOException e) {
            throw new BadTraceException(file + ": cannot read: " + e.getMessage());
        }
        if (total == 0) {
            throw new BadTraceException(file + ": no events; expected a trace of JSON lines (pktsim run --trace)");
        }
        return new TraceWindow(kept, total, first, last, in, from);
    }

    private static final String TIME_PREFIX = "{\"time_ns\":";

    /**
     * The time of a line written as pktsim writes them ({@code {"time_ns":DIGITS,"component":"...", ... }} on one
     * line, ending with its closing brace), or -1 for any other line, which is then parsed whole (and refused if it
     * is not a trace event). Lets a long trace be read quickly outside the window.
     */
    static long quickTime(final String line) {
        final int n = line.length();
        if (!line.startsWith(TIME_PREFIX) || line.charAt(n - 1) != '}' || line.indexOf("\"component\":\"") < 0) {
            return -1;
        }
        long t = 0;
        int i = TIME_PREFIX.length();
        final int start = i;
        while (i < n && i - start < 18) {
            final char c = line.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            t = t * 10 + (c - '0');
            i++;
        }
        return i > start && i < n && line.charAt(i) == ',' ? t : -1;
    }

    private static Event parse(final ObjectMapper mapper, final Path file, final long lineNo, final String line)
        throws BadTraceException {
        final String where = file + ":" + lineNo + ": ";
        final JsonNode n;
        try {
            n = mapper.readTree(line);
        } catch (final JsonProcessingException e) {
            throw new BadTraceException(where + "not a JSON object (a truncated or foreign file?); expected one "
                + "trace event per line, as pktsim run --trace writes them");
        }
        if (n == null || !n.isObject()) {
            throw new BadTraceException(where + "not a JSON object; expected one trace event per line");
        }
        final JsonNode time = n.get("time_ns");
        final JsonNode component = n.get("component");
        // pktsim run --trace names the kind "kind", pktsim explain napi --json "event"
        final JsonNode kind = n.has("kind") ? n.get("kind") : n.get("event");
        if (time == null || !time.isIntegralNumber() || !time.canConvertToLong() || time.asLong() < 0) {
            throw new BadTraceException(where + "'time_ns' missing or not a whole number of 0 or more");
        }
        if (component == null || !component.isTextual() || kind == null || !kind.isTextual()) {
            throw new BadTraceException(where + "'component' and 'kind' (or 'event') must be strings");
        }
        long packet = -1;
        String text = null;
        final List<String> names = new ArrayList<>(5);
        final List<Long> values = new ArrayList<>(5);
        for (final Map.Entry<String, JsonNode> f : n.properties()) {
            final String key = f.getKey();
            if ("time_ns".equals(key) || "component".equals(key) || "kind".equals(key) || "event".equals(key)) {
                continue;
            }
            if ("text".equals(key) && f.getValue().isTextual()) {
                text = f.getValue().asText();
                continue;
            }
            if (!f.getValue().isIntegralNumber() || !f.getValue().canConvertToLong()) {
                throw new BadTraceException(where + "'" + key + "' is not a whole number; a trace event's "
                    + "numbers are integers");
            }
            if ("packet".equals(key)) {
                packet = f.getValue().asLong();
            } else {
                names.add(key);
                values.add(f.getValue().asLong());
            }
        }
        return new Event(time.asLong(), component.asText(), kind.asText(), packet, List.copyOf(names),
            List.copyOf(values), text);
    }
}
