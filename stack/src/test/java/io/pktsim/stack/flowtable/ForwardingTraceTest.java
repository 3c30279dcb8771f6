package io.pktsim.stack.flowtable;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.random.RandomStream;
import io.pktsim.core.trace.TraceBus;
import io.pktsim.core.trace.TraceEvent;
import io.pktsim.core.trace.TraceNames;
import io.pktsim.core.trace.TraceSink;
import io.pktsim.stack.conntrack.ConntrackConfig;
import io.pktsim.stack.conntrack.ConntrackTable;
import io.pktsim.stack.qdisc.PfifoFast;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The conntrack, flowtable and qdisc decisions reach the trace bus with their numbers. */
class ForwardingTraceTest {

    static final class Collect implements TraceSink {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        @Override
        public String name() {
            return "collect";
        }

        @Override
        public void onEvent(final TraceEvent e, final TraceNames names, final boolean endOfBatch) {
            lines.add(e.timeNs() + " " + names.componentName(e.component()) + " " + names.kindName(e.kind()) + " "
                + e.arg(0) + " " + e.arg(1));
        }

        @Override
        public void close() {
        }
    }

    @Test
    void shouldTraceFlowAddTeardownTableFullAndQdiscDrops() throws IOException {
        final Collect sink = new Collect();
        final PacketStore store = new PacketStore(16, 256, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        try (TraceBus bus = TraceBus.start(new TraceNames(), 1024, sink)) {
            final ConntrackTable ct = new ConntrackTable(ConntrackConfig.kernelDefaults(1),
                RandomStream.derive(1, 0, "n"));
            ct.trace(bus, "conntrack");
            final FlowTable ft = new FlowTable(ct, 4, FlowTable.DEFAULT_TIMEOUT_NS, FlowTable.DEFAULT_TIMEOUT_NS);
            ft.trace(bus, "flowtable");
            final PfifoFast q = new PfifoFast(store, 1);
            q.trace(bus, "wan:qdisc");

            final int u1 = pb.reset().rawIp().udp(1, 2).ingressDevice(1).build();
            final int r = ct.in(store, u1, 10);
            ct.confirm(r);
            final int u2 = pb.reset().rawIp().udp(1, 2).ingressDevice(1).build();
            assertThat(ft.offloadEval(store, u2, ct.in(store, u2, 20), 2, 1500, 1500, 20)).isTrue();
            // the table holds one assured-less but offloaded connection: a second one cannot get in
            final int t = pb.reset().rawIp().tcp(5, 6, 1, 0, TcpView.SYN).build();
            assertThat(ct.in(store, t, 30)).isEqualTo(ConntrackTable.DROP_TABLE_FULL);
            ft.gc(20 + FlowTable.DEFAULT_TIMEOUT_NS);
            q.enqueue(pb.reset().build(), 40);
            q.enqueue(pb.reset().build(), 50);
        }
        assertThat(sink.lines).containsExactly(
            "20 flowtable ft_add 0 17",
            "30 conntrack ct_table_full 1 1",
            (20 + FlowTable.DEFAULT_TIMEOUT_NS) + " flowtable ft_teardown 0 1",
            "50 wan:qdisc qdisc_drop 1 1");
    }
}
