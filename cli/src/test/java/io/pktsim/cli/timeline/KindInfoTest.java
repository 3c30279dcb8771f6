package io.pktsim.cli.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.pktsim.cli.run.ScenarioMapper;
import io.pktsim.cli.scenario.Scenario;
import io.pktsim.cli.scenario.ScenarioLoader;
import io.pktsim.core.trace.TraceBus;
import io.pktsim.core.trace.TraceEvent;
import io.pktsim.core.trace.TraceNames;
import io.pktsim.core.trace.TraceSink;
import io.pktsim.lb.router.RouterSimulation;
import org.junit.jupiter.api.Test;

/**
 * The timeline explains every kind of event the router engine can trace: each kind the engine registers on its bus
 * has a description in {@link KindInfo} (the drops by their {@code drop_} prefix), so a new trace event cannot reach
 * the timeline unexplained.
 */
class KindInfoTest {

    /** A sink that receives nothing (no event is published before the run). */
    private static final TraceSink NONE = new TraceSink() {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public void onEvent(final TraceEvent event, final TraceNames names, final boolean endOfBatch) {
            // no run, no events
        }

        @Override
        public void close() {
            // nothing to close
        }
    };

    @Test
    void shouldDescribeEveryKindTheRouterEngineRegisters() throws Exception {
        final String root = System.getProperty("pktsim.root");
        final Path file = Path.of(root == null ? ".." : root, "docs", "scenarios", "k2p-8dial.yaml");
        final Scenario s = new ScenarioLoader().parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8)
            .getBytes(StandardCharsets.UTF_8));
        final TraceNames names = new TraceNames();
        try (TraceBus bus = TraceBus.start(names, 1024, NONE)) {
            new RouterSimulation(ScenarioMapper.toConfig(s, null, null)).trace(bus);
        }
        assertThat(names.kindCount()).as("the engine registers its kinds").isGreaterThan(40);
        for (int k = 0; k < names.kindCount(); k++) {
            final String kind = names.kindName(k);
            assertThat(KindInfo.meaning(kind)).as("what %s means", kind).isNotBlank();
        }
    }
}
