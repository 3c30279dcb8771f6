package io.pktsim.cli.timeline;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.pktsim.cli.PktsimMain;
import io.pktsim.cli.config.OutputTarget;
import io.pktsim.cli.config.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code pktsim timeline}: one HTML page of a decision trace's window. See docs/timeline.md.
 */
@Command(
    name = "timeline",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Draw a window of a decision trace (pktsim run --trace) as one HTML page.",
        "A lane per CPU, RX queue, component and flow; each decision a mark at its",
        "simulated time, with its numbers and what it means on hover; zoom and pan.",
        "The page is self-contained (open it in any browser, offline).",
        "Exit codes: 0 done, 1 the page could not be written, 2 bad usage or a bad trace."})
public final class TimelineCommand implements Callable<Integer> {

    /** The longest window. */
    static final long MAX_SPAN_NS = 10_000_000_000L;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRACE.jsonl", description = "The trace (pktsim run --trace FILE).")
    private Path traceFile;

    @Option(names = "--out", required = true, paramLabel = "FILE.html", description = "The page to write.")
    private Path out;

    @Option(names = "--from", paramLabel = "T",
        description = "Simulated time where the window starts, e.g. 2s, 2001.5ms (default: the first event's).")
    private String from;

    @Option(names = "--span", paramLabel = "D", defaultValue = "2ms",
        description = "The window's length, 1us to 10s (default ${DEFAULT-VALUE}).")
    private String span;

    @Option(names = "--max-events", paramLabel = "N", defaultValue = "100000",
        description = "Draw at most the first N events of the window, 1 to 1000000 (default ${DEFAULT-VALUE}).")
    private int maxEvents;

    @Override
    public Integer call() {
        final PrintWriter stdout = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final long spanNs;
        long fromNs = -1;
        try {
            spanNs = Units.parseDurationNs(span);
        } catch (final IllegalArgumentException e) {
            return bad(err, "--span '" + span + "': expected a duration such as 2ms, 500us or 1s");
        }
        if (spanNs < 1_000L || spanNs > MAX_SPAN_NS) {
            return bad(err, "--span " + span + ": expected from 1us to 10s");
        }
        if (from != null) {
            try {
                fromNs = Units.parseDurationNs(from);
            } catch (final IllegalArgumentException e) {
                return bad(err, "--from '" + from + "': expected a simulated time such as 2s or 2001.5ms");
            }
        }
        if (maxEvents < 1 || maxEvents > 1_000_000) {
            return bad(err, "--max-events " + maxEvents + ": expected from 1 to 1000000");
        }
        final String outProblem = OutputTarget.fileProblem("--out", out.toString());
        if (outProblem != null) {
            return bad(err, outProblem);
        }
        if (OutputTarget.same(out.toString(), traceFile.toString())) {
            return bad(err, "--out " + out + ": is the trace itself; expected another file for the page");
        }
        if (Files.isDirectory(traceFile)) {
            return bad(err, traceFile + ": is a directory; expected a trace of JSON lines (pktsim run --trace)");
        }
        final TraceWindow w;
        try {
            w = TraceWindow.read(traceFile, fromNs, spanNs, maxEvents);
        } catch (final TraceWindow.BadTraceException e) {
            return bad(err, e.getMessage());
        }
        if (w.inWindow() == 0) {
            return bad(err, "--from " + from + ": no event from " + TimelineHtml.ms(w.fromNs()) + " to "
                + TimelineHtml.ms(w.fromNs() + spanNs) + "; the trace's events run from "
                + TimelineHtml.ms(w.firstNs()) + " to " + TimelineHtml.ms(w.lastNs()));
        }
        final Path name = traceFile.getFileName();
        final String html = TimelineHtml.render(name == null ? traceFile.toString() : name.toString(), w, spanNs);
        try {
            OutputTarget.writeAtomically(out, html);
        } catch (final IOException e) {
            err.println("pktsim timeline: --out " + out + ": cannot write: " + e.getMessage());
            if (PktsimMain.verbose(spec)) {
                e.printStackTrace(err);
            }
            err.flush();
            return PktsimMain.EXIT_FAILED;
        }
        stdout.printf(Locale.ROOT, "timeline: %d of %d events (%s to %s) in %s%s%n", w.events().size(),
            w.total(), TimelineHtml.ms(w.fromNs()), TimelineHtml.ms(w.fromNs() + spanNs), out,
            w.events().size() < w.inWindow() ? "; the window holds " + w.inWindow()
                + ", --max-events kept the first " + w.events().size() : "");
        stdout.flush();
        return PktsimMain.EXIT_OK;
    }

    private static int bad(final PrintWriter err, final String message) {
        err.println("pktsim timeline: " + message);
        err.flush();
        return PktsimMain.EXIT_USAGE;
    }


}
