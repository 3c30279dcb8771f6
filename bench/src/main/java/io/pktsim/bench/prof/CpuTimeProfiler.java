package io.pktsim.bench.prof;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * JMH profiler: the benchmark JVM's process CPU time per operation, {@code -prof
 * io.pktsim.bench.prof.CpuTimeProfiler}. On a machine shared with other builds the wall-clock score includes the
 * time the benchmark thread waited for a core; CPU time does not (it still includes the JIT and GC threads,
 * idle after warm-up). Reports {@code cpu.ns/op} (mean of the iterations) and {@code cpu.min.ns/op} (the best
 * iteration, the figure least disturbed by other load).
 */
public final class CpuTimeProfiler implements InternalProfiler {

    private final com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long startNs;

    @Override
    public String getDescription() {
        return "process CPU time per operation (ns/op)";
    }

    @Override
    public void beforeIteration(final BenchmarkParams benchmarkParams, final IterationParams iterationParams) {
        startNs = os.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(final BenchmarkParams benchmarkParams,
        final IterationParams iterationParams, final IterationResult result) {
        final double perOp = (os.getProcessCpuTime() - startNs) / (double) result.getMetadata().getAllOps();
        return List.of(new ScalarResult("cpu.ns/op", perOp, "ns/op", AggregationPolicy.AVG),
            new ScalarResult("cpu.min.ns/op", perOp, "ns/op", AggregationPolicy.MIN));
    }
}
