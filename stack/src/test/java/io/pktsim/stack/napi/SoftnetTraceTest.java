package io.pktsim.stack.napi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.pktsim.core.cpu.CpuStages;
import io.pktsim.core.cpu.CpuTopology;
import io.pktsim.core.event.EventLoop;
import io.pktsim.core.trace.TraceBus;
import io.pktsim.core.trace.TraceEvent;
import io.pktsim.core.trace.TraceNames;
import io.pktsim.core.trace.TraceSink;

/** Every NAPI decision is a trace event with its numbers. */
class SoftnetTraceTest {

    /** Keeps "kind component a0 a1 a2" lines. */
    private static final class Lines implements TraceSink {
        final List<String> lines = new ArrayList<>();

        @Override
        public String name() {
            return "lines";
        }

        @Override
        public void onEvent(final TraceEvent e, final TraceNames names, final boolean endOfBatch) {
            lines.add(e.timeNs() + " " + names.kindName(e.kind()) + " " + names.componentName(e.component()) + " "
                + e.arg(0) + " " + e.arg(1) + " " + e.arg(2));
        }

        @Override
        public void close() {
            // nothing
        }
    }

    @Test
    void shouldTraceSchedulePollRepollSqueezeKsoftirqdBacklogDropAndIpi() throws Exception {
        final Lines sink = new Lines();
        final EventLoop loop = new EventLoop();
        final CpuStages stages = new CpuStages();
        final int work = stages.register("work");
        final CpuTopology cpus = new CpuTopology(loop, stages, 2, 1, 1_000_000_000L, 100, 1000);
        try (TraceBus bus = TraceBus.start(new TraceNames(), 1 << 10, sink)) {
            final Softnet sn = new Softnet(cpus, loop, new NapiKnobs(100).netdevBudget(100).netdevMaxBacklog(1),
                new SoftnetCosts(), bus);
            final NapiInstance a = sn.addNapi("a", 0, 64, (n, budget, now) -> {
                cpus.thread(0).charge(work, 100);
                return budget;
            }, null);
            final NapiInstance b = sn.addNapi("b", 0, 64, (n, budget, now) -> {
                cpus.thread(0).charge(work, 100);
                sn.enqueueToBacklog(0, 1, 1, now);
                sn.enqueueToBacklog(0, 1, 2, now);
                sn.enqueueToBacklog(0, 1, 3, now);
                return 3;
            }, null);
            final int irq = loop.register((t, arg, now) -> cpus.thread(0).hardIrq((cpu, line, n) -> {
                sn.traceIrq(a.traceComponent(), 9, 0, n);
                a.napiSchedule(n);
                b.napiSchedule(n);
                a.napiSchedule(n);
            }, 9, now), "irq");
            loop.schedule(0, irq, 0, 0);
            loop.runUntil(250);
        }
        assertThat(sink.lines).startsWith(
            "0 irq a 9 0 0",
            "0 napi_schedule a 0 0 0",
            "0 napi_schedule b 0 0 0",
            "0 napi_missed a 0 0 0",
            "0 net_rx_action softnet/cpu0 100 2 2",
            "0 napi_poll a 64 64 36",
            "0 napi_repoll a 64 0 0",
            // b's poll ends the run: 3 more frames leave the budget at 33; a third enqueue finds qlen 2 > 1
            "100 backlog_drop softnet/cpu1 2 1 0",
            "100 napi_poll b 3 64 33",
            "200 rps_ipi softnet/cpu0 0 1 0");
        assertThat(sink.lines).contains("200 softirq_restart cpu0 8 9 0");
    }
}
