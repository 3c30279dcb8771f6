package io.pktsim.stack.gro;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import org.junit.jupiter.api.Test;

/** Every decision reaches the trace hook with its reason, and is counted. */
class GroTraceTest {

    @Test
    void shouldTraceAndCountEveryDecisionWithItsReason() {
        final PacketStore store = new PacketStore(64, 256, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        final List<String> events = new ArrayList<>();
        final GroTable gro = new GroTable(store, new GroConfig(), (h, r, t) -> store.free(h));
        gro.traceListener(new GroTraceListener() {
            @Override
            public void onReceive(final long nowNs, final int handle, final GroResult result, final GroReason reason,
                final int heldHandle) {
                events.add(result + (reason == null ? "" : ":" + reason.label()));
            }

            @Override
            public void onComplete(final long nowNs, final int handle, final int segments, final GroReason reason) {
                events.add("complete:" + segments + ":" + reason.label());
            }
        });
        final int[] seqs = {0, 100, 300};
        for (int i = 0; i < seqs.length; i++) {
            final int h = GroTrains.segment(pb, GroTrains.V4, 0, seqs[i], 100, TcpView.ACK, i, true, false);
            GroTrains.receiveState(store, h, 0, false);
            gro.receive(h, 0);
        }
        final int syn = GroTrains.segment(pb, GroTrains.V4, 0, 400, 0, TcpView.SYN, 4, true, false);
        GroTrains.receiveState(store, syn, 0, false);
        gro.receive(syn, 0);
        gro.onPollEnd(4, 64, 0);
        assertThat(events).containsExactly("HELD", "MERGED_FREE", "complete:2:sequence", "HELD",
            "complete:1:flag_word", "NORMAL:no_payload");
        assertThat(gro.counters().get(GroCounter.RECEIVED)).isEqualTo(4);
        assertThat(gro.counters().get(GroCounter.DELIVERED_SEGMENTS)).isEqualTo(4);
        assertThat(gro.reasonCounters().get(GroReason.SEQUENCE)).isEqualTo(1);
        assertThat(gro.reasonCounters().get(GroReason.FLAG_WORD)).isEqualTo(1);
        assertThat(store.inUse()).isZero();
    }
}
