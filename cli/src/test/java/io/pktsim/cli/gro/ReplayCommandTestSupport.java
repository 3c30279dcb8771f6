package io.pktsim.cli.gro;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.pktsim.cli.PktsimMain;
import io.pktsim.core.pcap.PcapReader;

/** Runs {@code pktsim} in-process for the command tests and reads their outputs back. */
final class ReplayCommandTestSupport {

    /** The outcome of one run. */
    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    /** One pcap record read back. */
    record Rec(long timeNs, byte[] frame, int originalLength) {
    }

    private ReplayCommandTestSupport() {
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

    static List<Rec> readPcap(final Path file) throws Exception {
        final List<Rec> recs = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            while (r.next()) {
                final byte[] f = new byte[r.capturedLength()];
                r.frame().getBytes(0, f);
                recs.add(new Rec(r.timeNs(), f, r.originalLength()));
            }
        }
        return recs;
    }

    /** The names of the files in a directory (to show that a failed run left nothing, not even a temp file). */
    static List<String> listing(final Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static int u16(final byte[] b, final int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    static long u32(final byte[] b, final int at) {
        return ((long) u16(b, at) << 16) | u16(b, at + 2);
    }
}
