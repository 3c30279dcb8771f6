package io.pktsim.cli.run;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

import io.pktsim.cli.config.Units;
import io.pktsim.lb.router.ProgressListener;

/**
 * Shows a run's progress on standard error once it has taken longer than a few seconds of wall-clock time: a
 * bar redrawn in place on a terminal, plain lines at every tenth of the run otherwise; nothing when quiet.
 */
public final class ProgressReporter implements ProgressListener {

    /** Wall-clock time before anything is shown, ns. */
    public static final long QUIET_FOR_NS = 2_000_000_000L;

    private static final long REDRAW_NS = 200_000_000L;
    private static final int BAR = 30;
    private static final int LINE = 72;

    private final PrintWriter err;
    private final boolean terminal;
    private final boolean quiet;
    private final LongSupplier wallNs;
    private final long startNs;
    private long lastDrawNs;
    private int lastTenth;
    private boolean drawn;
    private long lastDurationNs;

    /**
     * @param err standard error
     * @param terminal whether standard error is a terminal (a bar) or not (lines)
     * @param quiet whether to show nothing
     * @param wallNs the wall clock, ns (System::nanoTime; a fake in tests)
     */
    public ProgressReporter(final PrintWriter err, final boolean terminal, final boolean quiet,
        final LongSupplier wallNs) {
        this.err = err;
        this.terminal = terminal;
        this.quiet = quiet;
        this.wallNs = wallNs;
        this.startNs = wallNs.getAsLong();
    }

    @Override
    public void progress(final long simulatedNs, final long durationNs) {
        if (quiet || durationNs <= 0) {
            return;
        }
        final long now = wallNs.getAsLong();
        if (now - startNs < QUIET_FOR_NS) {
            return;
        }
        lastDurationNs = durationNs;
        final int permille = (int) Math.min(1000, simulatedNs * 1000 / durationNs);
        if (terminal) {
            if (drawn && now - lastDrawNs < REDRAW_NS && permille < 1000) {
                return;
            }
            lastDrawNs = now;
            final int filled = permille * BAR / 1000;
            final StringBuilder b = new StringBuilder(80).append("\r[");
            for (int i = 0; i < BAR; i++) {
                b.append(i < filled ? '#' : '.');
            }
            b.append(String.format(Locale.ROOT, "] %3d%% %s of %s simulated", permille / 10,
                Units.formatNs(simulatedNs / 1_000_000L * 1_000_000L), Units.formatNs(durationNs)));
            while (b.length() < LINE) {
                b.append(' ');
            }
            err.print(b);
            err.flush();
            drawn = true;
        } else {
            final int tenth = permille / 100;
            if (tenth > lastTenth) {
                lastTenth = tenth;
                err.printf(Locale.ROOT, "pktsim run: %d%% (%s of %s simulated)%n", tenth * 10,
                    Units.formatNs(simulatedNs / 1_000_000L * 1_000_000L), Units.formatNs(durationNs));
                err.flush();
            }
        }
    }

    /**
     * Ends the progress display: shows 100 % after a completed run whose progress was shown and whose last report
     * fell short of the end, then ends the bar's line.
     *
     * @param completed whether the run completed (false: it failed, and no 100 % is shown)
     */
    public void finish(final boolean completed) {
        if (completed && !quiet && (drawn || lastTenth > 0) && lastTenth < 10) {
            progress(lastDurationNs, lastDurationNs);
        }
        if (drawn) {
            err.println();
            err.flush();
        }
    }
}
