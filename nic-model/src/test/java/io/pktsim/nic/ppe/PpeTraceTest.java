package io.pktsim.nic.ppe;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.trace.TraceBus;
import io.pktsim.core.trace.TraceEvent;
import io.pktsim.core.trace.TraceNames;
import io.pktsim.core.trace.TraceSink;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PpeTraceTest {

    @Test
    void shouldTraceRateReachedBindAndAgeing() throws IOException {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final TraceSink sink = new TraceSink() {
            @Override
            public String name() {
                return "collect";
            }

            @Override
            public void onEvent(final TraceEvent e, final TraceNames names, final boolean endOfBatch) {
                lines.add(e.timeNs() / 1_000_000 + "ms " + names.kindName(e.kind()) + " " + e.arg(1));
            }

            @Override
            public void close() {
            }
        };
        try (TraceBus bus = TraceBus.start(new TraceNames(), 256, sink)) {
            final PpeFlowTable ppe = new PpeFlowTable(PpeConfig.mt7621());
            ppe.trace(bus, "ppe0");
            final int flow = ppe.offloadReplace(1, 2, 3, 17, false, true, 0, true);
            for (int i = 0; i < 31; i++) {
                if (ppe.receive(1, 2, 3, 17, i * 1_000_000L) == PpeFlowTable.Result.TO_CPU_RATE_REACHED) {
                    ppe.checkSkb(ppe.lastHash(), i * 1_000_000L);
                }
            }
            assertThat(ppe.isBound(flow)).isTrue();
            ppe.age(30_000_000L + 12_000_000_000L);
        }
        assertThat(lines).containsExactly("29ms ppe_rate_reached 30", "29ms ppe_bind 0", "12030ms ppe_unbind 1");
    }
}
