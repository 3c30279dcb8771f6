package io.pktsim.bench.prof;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Two builds of pktsim compared in one JVM: {@code RouterBenchmark}'s simulation from each of two benchmark jars,
 * each in a class loader of its own, advanced in alternation, with the benchmark thread's CPU time per forwarded
 * packet measured for each. On a shared host whose speed drifts by a factor of two between minutes (bench/README.md)
 * separate JMH forks of the two jars compare poorly; here both see the same host state within a round of a few tens
 * of milliseconds, so their ratio holds where their absolute figures do not.
 *
 * <pre>
 * java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -XX:+UseParallelGC \
 *     -cp bench/target/benchmarks.jar io.pktsim.bench.prof.PairedRouterRun UDP 150 100 OLD.jar NEW.jar
 * </pre>
 *
 * <p>Arguments: the workload ({@code UDP} or {@code TCP}, {@code RouterBenchmark}'s), the rounds, the 10-ms steps
 * per simulation and round, and the two jars (A, then B). The simulations are built in the order A, B, B', A' (two
 * of each jar, each in its own loader), so that what the order of loading and compiling favours (the first
 * simulation built ran about 3 % faster than its twin in A/A runs) falls on both jars alike; every round runs the
 * four for the same number of steps, B before A in every other round, after {@value #WARM_UP_ROUNDS} rounds of
 * warm-up (the JIT's compilations). A round's ratio is the geometric mean of B/A and B'/A' in CPU time per
 * forwarded packet; the tool prints the median and the geometric mean of the rounds' ratios, their quartiles, and
 * each jar's median CPU time per packet. A ratio below 1 means B spends less CPU per forwarded packet than A.
 */
public final class PairedRouterRun {

    /** Rounds run before the measured ones: the simulations warmed and compiled. */
    static final int WARM_UP_ROUNDS = 200;

    private static final String BENCHMARK = "io.pktsim.bench.lb.RouterBenchmark";

    private PairedRouterRun() {
    }

    /** One {@code RouterBenchmark} of one jar, set up (its warm-up of simulated time run). */
    private static final class Simulation {
        private final Object benchmark;
        private final Method step;
        private final Object counter;
        private final Field forwarded;

        Simulation(final Path jar, final String workload) throws ReflectiveOperationException, MalformedURLException {
            // the platform loader as parent: nothing of pktsim comes from this jar's class path
            final URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
            final Class<?> type = Class.forName(BENCHMARK, true, loader);
            final Class<?> counterType = Class.forName(BENCHMARK + "$Forwarded", true, loader);
            benchmark = type.getConstructor().newInstance();
            type.getField("workload").set(benchmark, workload);
            type.getMethod("setUp").invoke(benchmark);
            step = type.getMethod("step", counterType);
            counter = counterType.getConstructor().newInstance();
            forwarded = counterType.getField("forwardedPackets");
        }

        /** Runs {@code steps} steps; returns the thread's CPU time per packet forwarded in them, ns. */
        double run(final int steps, final ThreadMXBean threads) throws ReflectiveOperationException {
            final long packets0 = forwarded.getLong(counter);
            final long cpu0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < steps; i++) {
                step.invoke(benchmark, counter);
            }
            final long cpu = threads.getCurrentThreadCpuTime() - cpu0;
            final long packets = forwarded.getLong(counter) - packets0;
            return packets == 0 ? Double.NaN : (double) cpu / packets;
        }
    }

    /**
     * Runs the comparison.
     *
     * @param args workload, rounds, steps per round, jar A, jar B
     * @throws Exception if a jar cannot be loaded or a step fails
     */
    public static void main(final String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: PairedRouterRun UDP|TCP ROUNDS STEPS A.jar B.jar");
            System.exit(2);
        }
        final String workload = args[0];
        final int rounds = Integer.parseInt(args[1]);
        final int steps = Integer.parseInt(args[2]);
        final Path a = Path.of(args[3]);
        final Path b = Path.of(args[4]);
        if (!"UDP".equals(workload) && !"TCP".equals(workload) || rounds < 4 || steps < 1
            || !Files.isRegularFile(a) || !Files.isRegularFile(b)) {
            System.err.println("PairedRouterRun: expected UDP or TCP, at least 4 rounds, at least 1 step and two "
                + "benchmark jars");
            System.exit(2);
        }
        System.out.println(compare(workload, rounds, steps, a, b));
    }

    /** The comparison as one line of text. */
    static String compare(final String workload, final int rounds, final int steps, final Path a, final Path b)
        throws ReflectiveOperationException, MalformedURLException {
        // A, B, B', A': the order of construction (and so of first compilation) favours neither jar
        final Simulation[] sims = {new Simulation(a, workload), new Simulation(b, workload),
            new Simulation(b, workload), new Simulation(a, workload)};
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final double[] perPacket = new double[4];
        for (int r = 0; r < WARM_UP_ROUNDS; r++) {
            runRound(sims, steps, threads, r, perPacket);
        }
        final double[] ratio = new double[rounds];
        final double[] nsA = new double[2 * rounds];
        final double[] nsB = new double[2 * rounds];
        for (int r = 0; r < rounds; r++) {
            runRound(sims, steps, threads, r, perPacket);
            ratio[r] = Math.sqrt(perPacket[1] / perPacket[0] * (perPacket[2] / perPacket[3]));
            nsA[2 * r] = perPacket[0];
            nsA[2 * r + 1] = perPacket[3];
            nsB[2 * r] = perPacket[1];
            nsB[2 * r + 1] = perPacket[2];
        }
        double logSum = 0;
        for (final double x : ratio) {
            logSum += Math.log(x);
        }
        Arrays.sort(ratio);
        Arrays.sort(nsA);
        Arrays.sort(nsB);
        return String.format(Locale.ROOT, "%s B/A: median %.4f, geometric mean %.4f, quartiles %.4f %.4f (%d rounds "
            + "of %d steps); CPU per forwarded packet: A median %.1f ns (best %.1f), B median %.1f ns (best %.1f)",
            workload, ratio[rounds / 2], Math.exp(logSum / rounds), ratio[rounds / 4], ratio[3 * rounds / 4],
            rounds, steps, nsA[rounds], nsA[0], nsB[rounds], nsB[0]);
    }

    /** One round: each simulation {@code steps} steps, B before A in every other round; CPU per packet into out. */
    private static void runRound(final Simulation[] sims, final int steps, final ThreadMXBean threads, final int r,
        final double[] out) throws ReflectiveOperationException {
        final boolean bFirst = (r & 1) == 1;
        for (int pair = 0; pair < 2; pair++) {
            final int ia = pair == 0 ? 0 : 3;
            final int ib = pair == 0 ? 1 : 2;
            if (bFirst) {
                out[ib] = sims[ib].run(steps, threads);
                out[ia] = sims[ia].run(steps, threads);
            } else {
                out[ia] = sims[ia].run(steps, threads);
                out[ib] = sims[ib].run(steps, threads);
            }
        }
    }
}
