package io.pktsim.cli.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

import io.pktsim.cli.PktsimMain;
import io.pktsim.cli.config.ConfigException;
import io.pktsim.cli.config.OutputTarget;
import io.pktsim.cli.config.Units;
import io.pktsim.cli.scenario.Scenario;
import io.pktsim.cli.scenario.ScenarioLoader;
import io.pktsim.lb.router.RouterConfig;
import io.pktsim.lb.router.RouterResults;
import io.pktsim.lb.router.RouterSimulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code pktsim run SCENARIO.yaml}: validates the scenario, runs it on the router engine, prints a summary and
 * writes the JSON result. See docs/scenarios.md and docs/results.md.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Run a scenario: throughput, CPU, drops and the bottleneck.",
        "A human summary on standard output, the JSON result with --json.",
        "The scenario is checked before anything runs (pktsim validate prints it",
        "resolved). Same scenario and seed: byte-identical JSON (wall-clock figures only",
        "with --wall).",
        "Exit codes: 0 done, 1 the run or an output failed, 2 bad usage or a bad",
        "scenario."})
public final class RunCommand implements Callable<Integer> {

    private static final long MAX_DURATION_NS = 3_600_000_000_000L;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO.yaml", description = "The scenario (YAML).")
    private Path scenarioFile;

    @Option(names = "--seed", paramLabel = "N", description = "Override the scenario's seed (0 or more).")
    private Long seed;

    @Option(names = "--run", paramLabel = "N", description = "Override the run number (0 or more).")
    private Long run;

    @Option(names = "--duration", paramLabel = "D",
        description = "Override the measured duration after the warm-up, e.g. 10s, 500ms.")
    private String duration;

    @Option(names = "--json", paramLabel = "FILE|-", description = "Write the JSON result (- for standard output; "
        + "the summary then goes to standard error).")
    private String json;

    @Option(names = "--pcap-dir", paramLabel = "DIR", description = "Write one pcap tap per router interface into "
        + "DIR (eth0.pcap, eth0.1.pcap, eth0.2.pcap, macvlanN.pcap, pppoe-wanN.pcap; see docs/results.md).")
    private Path pcapDir;

    @Option(names = "--pcap-if", paramLabel = "IF[,IF...]", split = ",", hideParamSyntax = true,
        description = "Capture only these interfaces (with --pcap-dir), e.g. eth0.2,pppoe-wan3.")
    private List<String> pcapInterfaces;

    @Option(names = "--trace", paramLabel = "FILE", description = "Write every decision as JSON lines.")
    private Path trace;

    @Option(names = "--wall", description = "Add wall-clock figures to the JSON, under the key 'wall'.")
    private boolean wall;

    @Option(names = "--quiet", description = "No progress bar or progress lines.")
    private boolean quiet;

    private final RouterEngine engine;
    private final LongSupplier wallNs;
    private final Boolean terminal;

    /** The command with the real engine, the system clock and console detection. */
    public RunCommand() {
        this(RouterEngine.SIMULATION, System::nanoTime, null);
    }

    /**
     * The command with a given engine (tests).
     *
     * @param engine the engine
     * @param wallNs the wall clock, ns
     * @param terminal whether standard error is a terminal; null to ask {@link System#console()}
     */
    public RunCommand(final RouterEngine engine, final LongSupplier wallNs, final Boolean terminal) {
        this.engine = engine;
        this.wallNs = wallNs;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        Scenario s;
        try {
            s = new ScenarioLoader().load(scenarioFile);
        } catch (final ConfigException e) {
            return bad(err, e.getMessage());
        }
        long durationNs = s.durationNs();
        if (duration != null) {
            try {
                durationNs = Units.parseDurationNs(duration);
            } catch (final IllegalArgumentException e) {
                return bad(err, "--duration '" + duration + "': expected a duration such as 10s, 250ms or 50us");
            }
            if (durationNs < 1_000L || durationNs > MAX_DURATION_NS) {
                return bad(err, "--duration " + duration + ": expected from 1us to 3600s");
            }
        }
        final String redialProblem = redialAfterTheEnd(s, durationNs);
        if (redialProblem != null) {
            return bad(err, redialProblem);
        }
        if (seed != null && seed < 0) {
            return bad(err, "--seed " + seed + ": expected 0 or more");
        }
        if (run != null && run < 0) {
            return bad(err, "--run " + run + ": expected 0 or more");
        }
        s = s.with(seed != null ? seed : s.seed(), run != null ? run : s.run(), durationNs);
        final String jsonTarget = json != null ? json : s.outputs().json();
        final Path pcap = pcapDir != null ? pcapDir : pathOrNull(s.outputs().pcapDir());
        final Path traceFile = trace != null ? trace : pathOrNull(s.outputs().trace());
        final String problem = outputsProblem(jsonTarget, pcap, traceFile);
        final List<String> only = pcapInterfaces == null ? List.of() : pcapInterfaces;
        if (problem != null) {
            return bad(err, problem);
        }
        if (pcapInterfaces != null && (only.isEmpty() || only.contains(""))) {
            return bad(err, "--pcap-if '" + String.join(",", only) + "': expected interface names, e.g. "
                + "eth0.2,pppoe-wan3");
        }
        if (!only.isEmpty() && pcap == null) {
            return bad(err, "--pcap-if needs --pcap-dir (or outputs.pcapDir in the scenario)");
        }
        final RouterConfig config;
        try {
            config = ScenarioMapper.toConfig(s, pcap, traceFile, only);
        } catch (final IllegalArgumentException e) {
            return bad(err, s.source() + ": the engine does not accept this scenario: " + e.getMessage());
        }
        final List<String> names = RouterSimulation.interfaceNames(config);
        final List<String> unknown = new ArrayList<>();
        for (final String name : only) {
            if (!names.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            return bad(err, "--pcap-if " + String.join(",", unknown) + ": no such interface; this scenario's router "
                + "has " + RouterSimulation.describeInterfaces(names));
        }
        final boolean onTerminal = terminal != null ? terminal : System.console() != null;
        final ProgressReporter progress = new ProgressReporter(err, onTerminal, quiet, wallNs);
        final long startNs = wallNs.getAsLong();
        final RouterResults results;
        try {
            if (pcap != null) {
                Files.createDirectories(pcap);
            }
            results = engine.run(config, progress);
        } catch (final IOException | RuntimeException e) {
            progress.finish(false);
            return failed(err, "the run failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        }
        final long elapsedNs = Math.max(1L, wallNs.getAsLong() - startNs);
        progress.finish(true);
        final String[] build = PktsimMain.buildInfo();
        final Path name = scenarioFile.getFileName();
        final RunMetadata meta = new RunMetadata(build[0], build[1], Boolean.parseBoolean(build[2]), s.name(),
            name == null ? scenarioFile.toString() : name.toString(), s.sha256(), s.seed(), s.run());
        final ResultJson.Wall w = wall ? new ResultJson.Wall(elapsedNs, perSecond(results.dispatchedEvents(),
            elapsedNs), perSecond(results.forwardedPackets(), elapsedNs)) : null;
        final String text = ResultJson.render(meta, s, results, w);
        if (jsonTarget != null && !"-".equals(jsonTarget)) {
            try {
                OutputTarget.writeAtomically(Path.of(jsonTarget), text);
            } catch (final IOException e) {
                return failed(err, "--json " + jsonTarget + ": cannot write: " + e.getMessage(), e);
            }
        }
        err.flush();
        if ("-".equals(jsonTarget)) {
            out.print(text);
            out.flush();
            Summary.print(err, s, results);
        } else {
            Summary.print(out, s, results);
        }
        return PktsimMain.EXIT_OK;
    }

    private static Path pathOrNull(final String p) {
        return p == null ? null : Path.of(p);
    }

    /**
     * What is wrong with the outputs, or null: each must be writable (checked by creating and removing an empty
     * file beside it), and none may be the scenario file or another output (one would overwrite the other).
     */
    private String outputsProblem(final String jsonTarget, final Path pcap, final Path traceFile) {
        final String json = jsonTarget == null || "-".equals(jsonTarget) ? null : jsonTarget;
        final String tr = traceFile == null ? null : traceFile.toString();
        final String pd = pcap == null ? null : pcap.toString();
        final String scenario = scenarioFile.toString();
        if (OutputTarget.same(json, scenario) || OutputTarget.same(tr, scenario)) {
            return (OutputTarget.same(json, scenario) ? "--json " + json : "--trace " + tr) + ": is the scenario "
                + "file; expected another file";
        }
        if (OutputTarget.same(json, tr)) {
            return "--trace " + tr + ": is also the --json file; expected another file";
        }
        if (OutputTarget.same(json, pd) || OutputTarget.same(tr, pd)) {
            return (OutputTarget.same(json, pd) ? "--json " + json : "--trace " + tr) + ": is also the --pcap-dir;"
                + " expected a file outside it";
        }
        String problem = json == null ? null : OutputTarget.fileProblem("--json", json);
        if (problem == null && tr != null) {
            problem = OutputTarget.fileProblem("--trace", tr);
        }
        if (problem == null && pcap != null && Files.exists(pcap) && !Files.isDirectory(pcap)) {
            problem = "--pcap-dir " + pcap + ": not a directory";
        }
        if (problem == null && pcap != null) {
            final Path probe = Files.isDirectory(pcap) ? pcap.resolve("eth0.pcap") : pcap;
            problem = OutputTarget.parentProblem("--pcap-dir", pd, probe);
        }
        return problem;
    }

    private static long perSecond(final long count, final long elapsedNs) {
        return (long) (count * 1e9 / elapsedNs);
    }

    /** A redial or an app start the scenario schedules at or after the end of a run {@code --duration} shortened. */
    private String redialAfterTheEnd(final Scenario s, final long durationNs) {
        final long endNs = s.warmUpNs() + durationNs;
        for (int i = 0; i < s.wan().redials().size(); i++) {
            final Scenario.Redial r = s.wan().redials().get(i);
            if (r.atNs() >= endNs) {
                return "--duration " + duration + ": the run ends at " + Units.formatNs(endNs) + " (warmUp "
                    + Units.formatNs(s.warmUpNs()) + " + duration " + Units.formatNs(durationNs) + "), but "
                    + "wan.redials[" + i + "] of " + s.source() + " drops dial " + r.dial() + " at "
                    + Units.formatNs(r.atNs()) + "; expected a duration that ends the run after every redial";
            }
        }
        for (int i = 0; i < s.workload().apps().size(); i++) {
            final Scenario.App a = s.workload().apps().get(i);
            if (a.startNs() >= endNs) {
                return "--duration " + duration + ": the run ends at " + Units.formatNs(endNs) + " (warmUp "
                    + Units.formatNs(s.warmUpNs()) + " + duration " + Units.formatNs(durationNs) + "), but "
                    + "workload.apps[" + i + "] of " + s.source() + " starts at " + Units.formatNs(a.startNs())
                    + "; expected a duration that ends the run after every app started";
            }
        }
        return null;
    }

    private int bad(final PrintWriter err, final String message) {
        err.println("pktsim run: " + message);
        err.flush();
        return PktsimMain.EXIT_USAGE;
    }

    private int failed(final PrintWriter err, final String message, final Exception e) {
        err.println("pktsim run: " + message.replace('\n', ' '));
        if (PktsimMain.verbose(spec)) {
            e.printStackTrace(err);
        }
        err.flush();
        return PktsimMain.EXIT_FAILED;
    }

}
