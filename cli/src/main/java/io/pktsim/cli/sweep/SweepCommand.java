package io.pktsim.cli.sweep;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import io.pktsim.cli.PktsimMain;
import io.pktsim.cli.config.ConfigException;
import io.pktsim.cli.config.ConfigNode;
import io.pktsim.cli.config.OutputTarget;
import io.pktsim.cli.config.YamlConfigLoader;
import io.pktsim.cli.run.ResultJson;
import io.pktsim.cli.run.RouterEngine;
import io.pktsim.cli.run.RunMetadata;
import io.pktsim.cli.run.ScenarioMapper;
import io.pktsim.cli.scenario.Scenario;
import io.pktsim.cli.scenario.ScenarioLoader;
import io.pktsim.lb.router.ProgressListener;
import io.pktsim.lb.router.RouterConfig;
import io.pktsim.lb.router.RouterResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pktsim sweep SCENARIO.yaml --set KEY=V1,V2 ... --out DIR}: runs every variant of a scenario (the cross
 * product of the {@code --set} values and the {@code --seeds}), in parallel, one simulation per worker thread, and
 * streams one row per point, in point order, to DIR/results.csv and DIR/results.jsonl; then writes DIR/report.html
 * and, with several seeds, DIR/summary.csv (each combination's figures over its seeds, {@link SweepSummary}).
 * See docs/sweeps.md.
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Run a scenario for every combination of values, in parallel.",
        "Every point is checked by the scenario loader before anything runs.",
        "One simulation per thread; rows are written in point order (the same bytes",
        "whatever --threads). See docs/sweeps.md.",
        "Exit codes: 0 done, 1 a point's run or an output failed, 2 bad usage or input."})
public final class SweepCommand implements Callable<Integer> {

    /** The most points a sweep may have. */
    public static final int MAX_POINTS = 100_000;
    /** The most seeds {@code --seeds} takes. */
    public static final int MAX_SEEDS = 10_000;
    /** The most worker threads. */
    public static final int MAX_THREADS = 1024;

    static final String DEFINITION = "sweep.yaml";
    static final String CSV = "results.csv";
    static final String JSONL = "results.jsonl";
    static final String REPORT = "report.html";
    static final String SUMMARY = "summary.csv";
    static final List<String> SWEEP_FILES = List.of(DEFINITION, CSV, JSONL, REPORT, SUMMARY);

    private static final long INTERRUPT_WAIT_MS = 5_000;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO.yaml", description = "The scenario (YAML).")
    private Path scenarioFile;

    @Option(names = "--set", paramLabel = "KEY=V1,V2,...",
        description = "Sweep a scenario key over values, e.g. wan.dialsPerLine=1,2,4, balancing.mode=ecmp,mwan3, "
            + "offload=none,flowtable, workload.apps[0].connections=8,32, duration=500ms. Repeatable: the points "
            + "are the cross product, the first --set outermost.")
    private List<String> sets;

    @Option(names = "--seeds", paramLabel = "N", description = "Run every combination with seeds 1 to N "
        + "(the innermost dimension); with N > 1, summary.csv gives each combination's figures over its seeds "
        + "(mean, 95 %% confidence interval, min, max).")
    private Integer seeds;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads, one simulation each "
        + "(default: the available processors).")
    private Integer threads;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Where to write sweep.yaml, "
        + "results.csv, results.jsonl, report.html and, with several seeds, summary.csv: a new or empty "
        + "directory, or with --resume a sweep's.")
    private Path out;

    @Option(names = "--resume", description = "Continue the sweep in DIR: keep its complete rows, run the missing "
        + "points (refused if the sweep differs). Starts the sweep if DIR is new or empty.")
    private boolean resume;

    @Option(names = "--replace", description = "Start the sweep over in DIR: delete its sweep.yaml, results.csv, "
        + "results.jsonl, report.html and summary.csv first (refused if DIR holds anything else).")
    private boolean replace;

    @Option(names = "--quiet", description = "No progress lines on standard error.")
    private boolean quiet;

    private final RouterEngine engine;
    private final boolean shutdownHook;

    /** The command with the real engine, stopping cleanly on Ctrl-C. */
    public SweepCommand() {
        this(RouterEngine.SIMULATION, true);
    }

    /**
     * The command with a given engine (tests).
     *
     * @param engine the engine
     * @param shutdownHook whether to stop at a row boundary when the JVM shuts down (Ctrl-C)
     */
    public SweepCommand(final RouterEngine engine, final boolean shutdownHook) {
        this.engine = engine;
        this.shutdownHook = shutdownHook;
    }

    @Override
    public Integer call() {
        final PrintWriter err = spec.commandLine().getErr();
        final PrintWriter stdout = spec.commandLine().getOut();
        final Plan plan;
        try {
            plan = plan();
        } catch (final SweepException e) {
            err.println("pktsim sweep: " + e.getMessage());
            err.flush();
            return PktsimMain.EXIT_USAGE;
        }
        try {
            return execute(plan, stdout, err);
        } catch (final IOException e) {
            err.println("pktsim sweep: " + out + ": cannot write: " + e.getMessage());
            if (PktsimMain.verbose(spec)) {
                e.printStackTrace(err);
            }
            err.flush();
            return PktsimMain.EXIT_FAILED;
        }
    }

    /** Everything decided before anything is written. */
    private record Plan(List<SweepGrid.Dimension> dims, List<SweepGrid.Point> points, SweepDefinition definition,
        RunMetadata meta, boolean fresh, String header) {
    }

    private Plan plan() throws SweepException {
        if (seeds != null && (seeds < 1 || seeds > MAX_SEEDS)) {
            throw new SweepException("--seeds " + seeds + ": expected from 1 to " + MAX_SEEDS);
        }
        if (threads != null && (threads < 1 || threads > MAX_THREADS)) {
            throw new SweepException("--threads " + threads + ": expected from 1 to " + MAX_THREADS);
        }
        final List<SweepGrid.Dimension> setDims = new ArrayList<>();
        for (final String s : sets == null ? List.<String>of() : sets) {
            final SweepGrid.Dimension d = SweepGrid.parseSet(s);
            for (final SweepGrid.Dimension e : setDims) {
                if (e.key().equals(d.key())) {
                    throw new SweepException(d.option() + ": '" + d.key() + "' is swept twice (also " + e.option()
                        + "); give its values in one --set");
                }
            }
            if (seeds != null && SweepGrid.SEED_KEY.equals(d.key())) {
                throw new SweepException(d.option() + ": 'seed' is swept by --seeds " + seeds + " too; give one");
            }
            setDims.add(d);
        }
        final List<SweepGrid.Dimension> dims = new ArrayList<>(setDims);
        if (seeds != null) {
            dims.add(SweepGrid.seeds(seeds));
        }
        if (dims.isEmpty()) {
            throw new SweepException("nothing to sweep; expected at least one --set KEY=V1,V2,... or --seeds N "
                + "(pktsim run runs one scenario)");
        }
        final Scenario base;
        final ConfigNode tree;
        final String file = scenarioFile.toString();
        try {
            base = new ScenarioLoader().load(scenarioFile);
            tree = new YamlConfigLoader().load(file, new StringReader(
                new String(Files.readAllBytes(scenarioFile), StandardCharsets.UTF_8)));
        } catch (final ConfigException e) {
            throw new SweepException(e.getMessage());
        } catch (final IOException e) {
            throw new SweepException(file + ": cannot read: " + e.getMessage());
        }
        final List<SweepGrid.Point> points = SweepGrid.points(file, tree, dims, MAX_POINTS);
        for (final SweepGrid.Point p : points) {
            try {
                ScenarioMapper.toConfig(p.scenario(), null, null);
            } catch (final IllegalArgumentException e) {
                throw new SweepException("point " + p.index() + " (" + SweepGrid.describe(dims, p.values())
                    + "): the engine does not accept this scenario: " + e.getMessage());
            }
        }
        final String[] build = PktsimMain.buildInfo();
        final String buildText = build[0] + " (commit " + build[1] + ("true".equals(build[2]) ? "-dirty" : "") + ")";
        final SweepDefinition def = new SweepDefinition(file, base.sha256(), setDims, seeds == null ? 0 : seeds,
            points.size(), buildText);
        final Path name = scenarioFile.getFileName();
        final RunMetadata meta = new RunMetadata(build[0], build[1], Boolean.parseBoolean(build[2]), base.name(),
            name == null ? file : name.toString(), base.sha256(), base.seed(), base.run());
        final boolean fresh = checkOut(def);
        return new Plan(List.copyOf(dims), points, def, meta, fresh, SweepCsv.header(dims));
    }

    /**
     * Checks DIR.
     *
     * @return true to start the sweep, false to resume it
     */
    /** Whether a file can be created in a directory (tried with an empty one, removed at once; /proc takes none). */
    private static boolean canCreateIn(final Path dir) {
        try {
            Files.delete(Files.createTempFile(dir, ".pktsim-sweep.", ".probe"));
            return true;
        } catch (final IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private boolean checkOut(final SweepDefinition def) throws SweepException {
        if (resume && replace) {
            throw new SweepException("--resume and --replace: give one (continue the sweep in DIR, or start it over)");
        }
        if (out.toString().isBlank()) {
            throw new SweepException("--out '" + out + "': expected a directory name");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new SweepException("--out " + out + ": not a directory");
        }
        if (!Files.exists(out)) {
            final Path parent = out.toAbsolutePath().getParent();
            Path p = parent;
            while (p != null && !Files.exists(p)) {
                p = p.getParent();
            }
            if (p != null && !Files.isDirectory(p)) {
                throw new SweepException("--out " + out + ": cannot create it: " + p + " is not a directory");
            }
            if (p != null && (!Files.isWritable(p) || !canCreateIn(p))) {
                throw new SweepException("--out " + out + ": cannot create it: " + p + " is not writable");
            }
            return true;
        }
        if (!Files.isWritable(out)) {
            throw new SweepException("--out " + out + ": not writable");
        }
        final List<String> entries = new ArrayList<>();
        try (Stream<Path> s = Files.list(out)) {
            s.forEach(e -> entries.add(e.getFileName().toString()));
        } catch (final IOException e) {
            throw new SweepException("--out " + out + ": cannot list: " + e.getMessage());
        }
        if (entries.isEmpty()) {
            return true;
        }
        if (replace) {
            entries.sort(null);
            for (final String e : entries) {
                if (!SWEEP_FILES.contains(e)) {
                    throw new SweepException("--replace: " + out + " holds " + e + ", which is not a sweep's file ("
                        + String.join(", ", SWEEP_FILES) + "); refusing to start over there");
                }
            }
            return true;
        }
        if (!resume) {
            throw new SweepException("--out " + out + ": not empty (" + entries.size() + " entr"
                + (entries.size() == 1 ? "y" : "ies") + "); expected a new or empty directory, or --resume to "
                + "continue the sweep there");
        }
        final Path defFile = out.resolve(DEFINITION);
        final String text;
        try {
            text = Files.readString(defFile, StandardCharsets.UTF_8);
        } catch (final NoSuchFileException e) {
            throw new SweepException("--resume: " + out + " is not empty and has no " + DEFINITION
                + ", so it is not a sweep's directory; expected a new or empty directory or a sweep's");
        } catch (final IOException e) {
            throw new SweepException("--resume: " + defFile + ": cannot read: " + e.getMessage());
        }
        final String[] there;
        try {
            there = SweepDefinition.read(defFile.toString(), text);
        } catch (final ConfigException e) {
            throw new SweepException("--resume: " + e.getMessage());
        }
        final String[] here = def.compared();
        final String why;
        if (!here[0].equals(there[0])) {
            why = "the scenario file differs (SHA-256 " + here[0] + " here, " + there[0] + " there)";
        } else if (!here[1].equals(there[1])) {
            why = "the swept values differ (here " + orNone(here[1]) + ", there " + orNone(there[1]) + ")";
        } else if (!here[2].equals(there[2])) {
            why = "--seeds differs (here " + here[2] + ", there " + there[2] + "; 0 means none)";
        } else {
            return false;
        }
        throw new SweepException("--resume: " + defFile + " is a different sweep: " + why
            + "; resume with the same scenario and options, or give a new --out");
    }

    private static String orNone(final String s) {
        return s.isEmpty() ? "none" : s;
    }

    private int execute(final Plan plan, final PrintWriter stdout, final PrintWriter err) throws IOException {
        final Path csv = out.resolve(CSV);
        final Path jsonl = out.resolve(JSONL);
        int kept = 0;
        if (plan.fresh()) {
            Files.createDirectories(out);
            if (replace) {
                for (final String f : SWEEP_FILES) {
                    Files.deleteIfExists(out.resolve(f));
                }
            }
            OutputTarget.writeAtomically(out.resolve(DEFINITION), plan.definition().render());
            Files.writeString(csv, plan.header(), StandardCharsets.UTF_8);
            Files.writeString(jsonl, "", StandardCharsets.UTF_8);
        } else {
            kept = keepCompleteRows(csv, jsonl, plan);
            final String[] there;
            try {
                there = SweepDefinition.read(DEFINITION, Files.readString(out.resolve(DEFINITION)));
            } catch (final ConfigException e) {
                throw new IOException(e.getMessage(), e);
            }
            if (!there[3].equals(plan.definition().build())) {
                err.println("pktsim sweep: note: " + out + " was started by pktsim " + there[3] + "; this is pktsim "
                    + plan.definition().build() + "; the " + kept + " kept rows are its");
            }
        }
        final List<SweepGrid.Point> todo = plan.points().subList(kept, plan.points().size());
        final int total = plan.points().size();
        final int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (!quiet && todo.isEmpty()) {
            err.printf(Locale.ROOT, "pktsim sweep: %d points, all done before%n", total);
            err.flush();
        } else if (!quiet) {
            final int used = Math.min(workers, todo.size());
            err.printf(Locale.ROOT, "pktsim sweep: %d points, %d to run on %d thread%s%s%n", total, todo.size(),
                used, used == 1 ? "" : "s", kept == 0 ? "" : " (" + kept + " done before)");
            err.flush();
        }
        final AtomicBoolean stop = new AtomicBoolean();
        final CountDownLatch writerDone = new CountDownLatch(1);
        final Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                writerDone.await(INTERRUPT_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "pktsim-sweep-stop");
        if (shutdownHook) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        final SweepRunner.Failure failure;
        try (OutputStream c = Files.newOutputStream(csv, StandardOpenOption.APPEND);
            OutputStream j = Files.newOutputStream(jsonl, StandardOpenOption.APPEND)) {
            final List<SweepGrid.Dimension> dims = plan.dims();
            failure = SweepRunner.run(todo, workers, p -> row(plan, p), row -> {
                c.write(row.csv().getBytes(StandardCharsets.UTF_8));
                c.flush();
                j.write(row.json().getBytes(StandardCharsets.UTF_8));
                j.flush();
                if (!quiet) {
                    err.printf(Locale.ROOT, "pktsim sweep: [%d/%d] point %d (%s): %s%n", row.point().index() + 1,
                        total, row.point().index(), SweepGrid.describe(dims, row.point().values()), row.progress());
                    err.flush();
                }
            }, stop);
        } finally {
            writerDone.countDown();
            if (shutdownHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (final IllegalStateException e) {
                    // the JVM is shutting down: the hook runs
                }
            }
        }
        if (stop.get()) {
            return PktsimMain.EXIT_FAILED;
        }
        if (failure != null) {
            final Throwable t = failure.cause();
            err.println("pktsim sweep: point " + failure.point().index() + " ("
                + SweepGrid.describe(plan.dims(), failure.point().values()) + "): the run failed: "
                + (t.getMessage() == null ? t.toString() : t.getMessage()).replace('\n', ' ')
                + "; the rows before it are in " + csv + " (--resume continues)");
            if (PktsimMain.verbose(spec)) {
                t.printStackTrace(err);
            }
            err.flush();
            return PktsimMain.EXIT_FAILED;
        }
        final List<List<String>> rows = new ArrayList<>();
        final List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) {
            rows.add(SweepCsv.split(lines.get(i)));
        }
        final List<String> header = SweepCsv.split(lines.get(0));
        final List<SweepSummary.Group> groups = seedCount(plan) > 1 ? SweepSummary.groups(header, rows) : List.of();
        if (!groups.isEmpty()) {
            OutputTarget.writeAtomically(out.resolve(SUMMARY), SweepSummary.csv(header, groups));
        }
        OutputTarget.writeAtomically(out.resolve(REPORT), SweepReport.render(title(plan), header, rows, groups));
        err.flush();
        summary(stdout, plan, out, header, rows, kept);
        seedSummary(stdout, plan, header, groups);
        return PktsimMain.EXIT_OK;
    }

    /** The seeds each combination runs with: the seed dimension's values ({@code --seeds} or {@code --set seed}). */
    private static int seedCount(final Plan plan) {
        for (final SweepGrid.Dimension d : plan.dims()) {
            if (SweepGrid.SEED_KEY.equals(d.key())) {
                return d.values().size();
            }
        }
        return 1;
    }

    private String title(final Plan plan) {
        final List<String> keys = new ArrayList<>();
        for (final SweepGrid.Dimension d : plan.dims()) {
            keys.add(d.key());
        }
        return "pktsim sweep of " + plan.meta().scenarioName() + " over " + String.join(", ", keys);
    }

    private SweepRunner.Row row(final Plan plan, final SweepGrid.Point p) {
        final Scenario s = p.scenario();
        final RouterConfig config = ScenarioMapper.toConfig(s, null, null);
        final RouterResults r = engine.run(config, ProgressListener.NONE);
        final RunMetadata m = plan.meta();
        final RunMetadata meta = new RunMetadata(m.version(), m.commit(), m.dirty(), s.name(), m.scenarioFile(),
            m.scenarioSha256(), s.seed(), s.run());
        final String progress = String.format(Locale.ROOT, "down %.1f Mbit/s, up %.1f Mbit/s, CPU %.1f %%",
            r.goodputDownloadBps() / 1e6, r.goodputUploadBps() / 1e6, r.cpuAverage() * 100);
        return new SweepRunner.Row(p, SweepCsv.row(plan.dims(), p, r), ResultJson.renderLine(meta, s, r), progress);
    }

    /**
     * Keeps the complete rows already written (a prefix of the points: the writer writes in order), truncating a
     * partial last line and any row without its JSON line.
     *
     * @return the number of points kept
     */
    private int keepCompleteRows(final Path csv, final Path jsonl, final Plan plan) throws IOException {
        final byte[] c = Files.exists(csv) ? Files.readAllBytes(csv) : new byte[0];
        final byte[] j = Files.exists(jsonl) ? Files.readAllBytes(jsonl) : new byte[0];
        final byte[] header = plan.header().getBytes(StandardCharsets.UTF_8);
        if (!startsWith(c, header)) {
            Files.write(csv, header);
            Files.write(jsonl, new byte[0]);
            return 0;
        }
        final List<Integer> csvEnds = lineEnds(c, header.length);
        final List<Integer> jsonEnds = lineEnds(j, 0);
        int keep = Math.min(Math.min(csvEnds.size(), jsonEnds.size()), plan.points().size());
        int start = header.length;
        for (int i = 0; i < keep; i++) {
            final String line = new String(c, start, csvEnds.get(i) - start, StandardCharsets.UTF_8);
            if (!line.startsWith(i + ",")) {
                keep = i;
                break;
            }
            start = csvEnds.get(i);
        }
        truncate(csv, keep == 0 ? header.length : csvEnds.get(keep - 1));
        truncate(jsonl, keep == 0 ? 0 : jsonEnds.get(keep - 1));
        return keep;
    }

    private static boolean startsWith(final byte[] a, final byte[] prefix) {
        if (a.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (a[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The offsets just after each complete line ('\n'-terminated) from {@code from}. */
    private static List<Integer> lineEnds(final byte[] b, final int from) {
        final List<Integer> ends = new ArrayList<>();
        for (int i = from; i < b.length; i++) {
            if (b[i] == '\n') {
                ends.add(i + 1);
            }
        }
        return ends;
    }

    private static void truncate(final Path file, final long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    private static void summary(final PrintWriter o, final Plan plan, final Path dir, final List<String> header,
        final List<List<String>> rows, final int kept) {
        o.printf(Locale.ROOT, "sweep: %d points (%d run now, %d kept) in %s: %s, %s, %s%s%n", rows.size(),
            rows.size() - kept, kept, dir, CSV, JSONL, REPORT, seedCount(plan) > 1 ? ", " + SUMMARY : "");
        final List<String> names = new ArrayList<>();
        names.add("point");
        for (final SweepGrid.Dimension d : plan.dims()) {
            if (d.values().size() > 1 && !SweepGrid.SEED_KEY.equals(d.key())) {
                names.add(d.key());
            }
        }
        names.addAll(List.of("seed", "goodput_down_mbps", "goodput_up_mbps", "cpu_avg_pct", "cpu_hottest_pct"));
        final List<Integer> cols = new ArrayList<>();
        for (final String n : names) {
            cols.add(header.indexOf(n));
        }
        final int[] width = new int[cols.size()];
        for (int k = 0; k < cols.size(); k++) {
            width[k] = header.get(cols.get(k)).length();
            for (final List<String> r : rows) {
                width[k] = Math.max(width[k], r.get(cols.get(k)).length());
            }
        }
        final StringBuilder sb = new StringBuilder();
        for (int k = 0; k < cols.size(); k++) {
            sb.append(k == 0 ? "" : "  ").append(pad(header.get(cols.get(k)), width[k]));
        }
        o.println(sb.toString().stripTrailing());
        for (final List<String> r : rows) {
            sb.setLength(0);
            for (int k = 0; k < cols.size(); k++) {
                sb.append(k == 0 ? "" : "  ").append(pad(r.get(cols.get(k)), width[k]));
            }
            o.println(sb.toString().stripTrailing());
        }
        o.flush();
    }

    /**
     * The table of summary.csv's headline figures, when the sweep has several seeds: each combination of the other
     * swept values (the keys with more than one value, as in the table of the points), its seeds, and each figure
     * as {@code mean +- 95 % half-width [min, max]}.
     */
    private static void seedSummary(final PrintWriter o, final Plan plan, final List<String> header,
        final List<SweepSummary.Group> groups) {
        if (groups.isEmpty()) {
            return;
        }
        final List<String> keys = header.subList(1, header.indexOf("seed"));
        final List<Integer> keyCols = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        for (final SweepGrid.Dimension d : plan.dims()) {
            if (d.values().size() > 1 && !SweepGrid.SEED_KEY.equals(d.key())) {
                keyCols.add(keys.indexOf(d.key()));
                names.add(d.key());
            }
        }
        names.add("seeds");
        final List<String> shown = List.of("goodput_down_mbps", "goodput_up_mbps", "cpu_avg_pct", "cpu_hottest_pct");
        names.addAll(shown);
        final List<List<String>> table = new ArrayList<>();
        for (final SweepSummary.Group g : groups) {
            final List<String> r = new ArrayList<>();
            for (final int k : keyCols) {
                r.add(g.values().get(k));
            }
            r.add(Integer.toString(g.seeds()));
            for (final String f : shown) {
                r.add(SweepSummary.text(g.stats().get(SweepSummary.FIGURES.indexOf(f))));
            }
            table.add(r);
        }
        final int[] width = new int[names.size()];
        for (int k = 0; k < names.size(); k++) {
            width[k] = names.get(k).length();
            for (final List<String> r : table) {
                width[k] = Math.max(width[k], r.get(k).length());
            }
        }
        o.println();
        o.println("over the seeds: mean +- the half-width of its 95 % confidence interval (Student's t) [min, max]; "
            + SUMMARY + " has every figure");
        final StringBuilder sb = new StringBuilder();
        for (int k = 0; k < names.size(); k++) {
            sb.append(k == 0 ? "" : "  ").append(pad(names.get(k), width[k]));
        }
        o.println(sb.toString().stripTrailing());
        for (final List<String> r : table) {
            sb.setLength(0);
            for (int k = 0; k < names.size(); k++) {
                sb.append(k == 0 ? "" : "  ").append(pad(r.get(k), width[k]));
            }
            o.println(sb.toString().stripTrailing());
        }
        o.flush();
    }

    private static String pad(final String s, final int width) {
        final StringBuilder sb = new StringBuilder(s);
        while (sb.length() < width) {
            sb.append(' ');
        }
        return sb.toString();
    }

}
