package io.pktsim.core.trace;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.pktsim.core.io.AtomicFiles;

/**
 * Writes each trace event as one JSON object on its own line:
 * <pre>
 *   {"time_ns":1500,"component":"eth0","kind":"napi_poll","packet":-1,"work":64,"budget":64}
 * </pre>
 * Keys, in this order: {@code time_ns}, {@code component}, {@code kind}, {@code packet} (omitted for
 * {@link TraceEvent#NO_PACKET}), then the numbers under the names their kind registered (numbers a kind
 * does not name are not written). UTF-8, {@code \n} line ends.
 *
 * <p>{@link #toFile(Path)} writes to a temporary file beside the target and moves it into place on
 * {@link #close()}, so a failed run leaves no half-written trace. Runs on the sink's thread; reuses one
 * buffer for every line.
 */
public final class JsonLinesTraceSink implements TraceSink {

    private final Writer out;
    private final Path target;
    private final Path temporary;
    private final String name;
    private final StringBuilder line = new StringBuilder(256);
    private char[] chars = new char[256];

    /**
     * A sink that writes to a writer (closed with the sink).
     *
     * @param out where lines go
     * @param name the sink's name
     */
    public JsonLinesTraceSink(final Writer out, final String name) {
        this(out, name, null, null);
    }

    private JsonLinesTraceSink(final Writer out, final String name, final Path target, final Path temporary) {
        this.out = out;
        this.name = name;
        this.target = target;
        this.temporary = temporary;
    }

    /**
     * A sink that writes a file, through a temporary file moved into place on close.
     *
     * @param file the trace file, e.g. {@code trace.jsonl}
     * @return the sink
     * @throws IOException if the temporary file cannot be created
     */
    public static JsonLinesTraceSink toFile(final Path file) throws IOException {
        final Path abs = file.toAbsolutePath();
        if (AtomicFiles.writesInPlace(abs)) {
            // /dev/null, a named pipe: written as it comes, never replaced
            return new JsonLinesTraceSink(new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(abs),
                StandardCharsets.UTF_8), 1 << 16), "json-lines " + abs.getFileName(), null, null);
        }
        final Path tmp = AtomicFiles.createTempBeside(abs, ".partial");
        final Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(tmp),
            StandardCharsets.UTF_8), 1 << 16);
        return new JsonLinesTraceSink(w, "json-lines " + abs.getFileName(), abs, tmp);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void onEvent(final TraceEvent event, final TraceNames names, final boolean endOfBatch)
        throws IOException {
        final StringBuilder sb = line;
        sb.setLength(0);
        sb.append("{\"time_ns\":").append(event.timeNs()).append(",\"component\":");
        quote(sb, names.componentName(event.component()));
        sb.append(",\"kind\":");
        final int kind = event.kind();
        quote(sb, names.kindName(kind));
        if (event.packet() != TraceEvent.NO_PACKET) {
            sb.append(",\"packet\":").append(event.packet());
        }
        final int n = names.argCount(kind);
        for (int i = 0; i < n; i++) {
            sb.append(',');
            quote(sb, names.argName(kind, i));
            sb.append(':').append(event.arg(i));
        }
        sb.append("}\n");
        final int len = sb.length();
        if (len > chars.length) {
            chars = new char[Math.max(len, chars.length * 2)];
        }
        sb.getChars(0, len, chars, 0);
        out.write(chars, 0, len);
    }

    /**
     * Appends a JSON string literal.
     *
     * @param sb where to append
     * @param s the string
     */
    static void quote(final StringBuilder sb, final String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                switch (c) {
                    case '\n':
                        sb.append("\\n");
                        break;
                    case '\r':
                        sb.append("\\r");
                        break;
                    case '\t':
                        sb.append("\\t");
                        break;
                    default:
                        sb.append("\\u00");
                        sb.append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                        break;
                }
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }

    @Override
    public void close() throws IOException {
        try {
            out.close();
        } catch (final IOException e) {
            abort();
            throw e;
        }
        if (target != null) {
            AtomicFiles.commit(temporary, target);
        }
    }

    @Override
    public void abort() {
        try {
            out.close();
        } catch (final IOException e) {
            // the output is discarded anyway
        }
        if (temporary != null) {
            try {
                Files.deleteIfExists(temporary);
            } catch (final IOException e) {
                // best effort: a stray .partial file is harmless
            }
        }
    }
}
