package io.pktsim.cli.gro;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.pktsim.cli.config.OutputTarget;
import io.pktsim.core.pcap.PcapFormat;
import io.pktsim.core.pcap.PcapWriter;

/**
 * Writes the outputs of a replay once the whole input was processed: the pcap through a temporary file moved
 * into place ({@link PcapWriter}), the JSON likewise ({@link OutputTarget#writeAtomically}) or to standard
 * output for {@code -}. A failed write leaves no output file behind.
 */
final class ReplayOutput {

    /** The {@code --json} value that means standard output. */
    static final String STDOUT = "-";

    /** A failed write: the command exits 1. */
    static final class WriteFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WriteFailure(final String message, final Throwable cause) {
            super(message, cause);
        }
    }

    private ReplayOutput() {
    }

    /**
     * Writes the records' frames as a pcap file (Ethernet, snapshot length 262144 as tcpdump's default).
     *
     * @param file the target
     * @param records the packets, in order
     * @param nanoseconds nanosecond timestamps (else microseconds, truncated), as the input had
     */
    static void writePcap(final Path file, final List<ReplayRecord> records, final boolean nanoseconds) {
        PcapWriter w = null;
        try {
            w = PcapWriter.open(file, PcapFormat.LINKTYPE_ETHERNET, PcapFormat.MAX_SNAPLEN, nanoseconds);
            for (final ReplayRecord r : records) {
                final byte[] f = r.frame();
                w.writeRecord(r.timeNs(), f, 0, f.length, f.length);
            }
            w.close();
        } catch (final IOException e) {
            if (w != null) {
                w.abort();
            }
            throw new WriteFailure("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes JSON text to a file (atomically) or standard output.
     *
     * @param target a path or {@link #STDOUT}
     * @param json the text
     * @param out standard output
     * @param pcapWritten a pcap file written just before (deleted if the JSON cannot be written), or null
     */
    static void writeJson(final String target, final String json, final PrintWriter out, final Path pcapWritten) {
        if (STDOUT.equals(target)) {
            out.print(json);
            out.println();
            out.flush();
            return;
        }
        try {
            OutputTarget.writeAtomically(Path.of(target), json + System.lineSeparator());
        } catch (final IOException e) {
            if (pcapWritten != null) {
                try {
                    Files.deleteIfExists(pcapWritten);
                } catch (final IOException ignored) {
                    // best effort: the error below is what matters
                }
            }
            throw new WriteFailure("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Renders JSON through a writer callback. */
    interface JsonBody {
        void write(java.io.Writer w) throws IOException;
    }

    static String render(final JsonBody body) {
        final StringWriter w = new StringWriter();
        try {
            body.write(w);
        } catch (final IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
        return w.toString();
    }
}
