package io.pktsim.cli.gro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.stack.gro.GroConfig;
import org.junit.jupiter.api.Test;

class ReplayTest {

    private final PacketStore store = new PacketStore(16, 70000, 64);
    private final PacketBuilder pb = new PacketBuilder(store);

    private byte[] frame(final int seq, final int payload, final int flags, final int id, final boolean df) {
        final int h = pb.reset().tcp(40000, 80, seq, 1, flags).payload(payload).ipId(id).fragWord(df ? 0x4000 : 0)
            .storePayload(true, 'x').build();
        final byte[] f = new byte[store.length(h)];
        store.getFrame(h, f, 0, f.length);
        store.free(h);
        return f;
    }

    @Test
    void shouldCoalesceFramesOfOneTimestampIntoOneLargeFrame() throws BadInputException {
        final GroReplay replay = new GroReplay(64, "l4", "none", new GroConfig());
        replay.add(1, 1000, frame(1, 100, TcpView.ACK, 1, true));
        replay.add(2, 1000, frame(101, 100, TcpView.ACK | TcpView.PSH, 2, true));
        replay.add(3, 5_000_000, frame(201, 100, TcpView.ACK, 3, true));
        final List<ReplayRecord> out = replay.run();
        assertThat(out).hasSize(2);
        assertThat(out.get(0).payloadLen()).isEqualTo(200);
        assertThat(out.get(0).segs()).isEqualTo(2);
        assertThat(out.get(0).gsoSize()).isEqualTo(100);
        assertThat(out.get(0).tcpFlags()).containsExactly("PSH", "ACK");
        assertThat(out.get(0).flushReason()).isEqualTo("psh");
        assertThat(out.get(0).frame()).hasSize(54 + 200);
        assertThat(out.get(0).frame()[253]).isEqualTo((byte) 'x');
        assertThat(out.get(1).flushReason()).isEqualTo("poll_complete");
        assertThat(out.get(1).seq()).isEqualTo(201L);
    }

    @Test
    void shouldCutASuperPacketAndDropDfSegmentsAboveTheMtu() throws BadInputException {
        final GsoReplay gso = new GsoReplay(1448, 1500, false, false, false);
        gso.add(1, 0, frame(1000, 3000, TcpView.ACK | TcpView.PSH, 7, true));
        final List<ReplayRecord> out = gso.run();
        assertThat(out).extracting(ReplayRecord::payloadLen).containsExactly(1448, 1448, 104);
        assertThat(out).extracting(ReplayRecord::seq).containsExactly(1000L, 2448L, 3896L);
        assertThat(out).extracting(ReplayRecord::ipId).containsExactly(7, 8, 9);
        assertThat(out.get(2).tcpFlags()).containsExactly("PSH", "ACK");
        final GsoReplay small = new GsoReplay(1460, 1400, false, false, false);
        small.add(1, 0, frame(1, 3000, TcpView.ACK, 7, true));
        assertThat(small.run()).isEmpty();
        assertThat(small.icmpReports()).hasSize(1);
        final GsoReplay frag = new GsoReplay(1460, 1400, false, false, false);
        frag.add(1, 0, frame(1, 2920, TcpView.ACK, 40, false));
        final List<ReplayRecord> pieces = frag.run();
        assertThat(pieces).extracting(ReplayRecord::ipId).containsExactly(40, 40, 41, 41);
        assertThat(pieces.get(1).seq()).isNull();
    }

    @Test
    void shouldRejectBadInputWithTheRecordNumber() {
        assertThatThrownBy(() -> new GsoReplay(0, 1500, false, false, false)).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> new GsoReplay(1448, 1500, false, false, false).add(3, 0, new byte[] {1, 2, 3}))
            .hasMessageContaining("record 3");
    }

    @Test
    void shouldWriteTheJsonFieldsOfTheIssue() throws Exception {
        final GroReplay replay = new GroReplay(64, "none", "none", new GroConfig());
        replay.add(1, 0, frame(1, 100, TcpView.ACK, 1, true));
        replay.add(2, 0, frame(101, 100, TcpView.ACK, 2, true));
        final java.io.StringWriter w = new java.io.StringWriter();
        ReplayJson.writeGro(replay.run(), w);
        final com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(w.toString());
        assertThat(n.size()).isEqualTo(1);
        assertThat(n.get(0).get("payload_len").asInt()).isEqualTo(200);
        assertThat(n.get(0).get("segs").asInt()).isEqualTo(2);
        assertThat(n.get(0).get("gso_size").asInt()).isEqualTo(100);
        assertThat(n.get(0).get("seq").asLong()).isEqualTo(1);
        assertThat(n.get(0).get("tcp_flags").get(0).asText()).isEqualTo("ACK");
        assertThat(n.get(0).get("flush_reason").asText()).isEqualTo("poll_complete");
        final GsoReplay gso = new GsoReplay(100, 1500, true, false, false);
        final int h = pb.reset().ipv6(1, 2, 3, 4).tcp(1, 2, 0, 0, TcpView.ACK).payload(200).storePayload(true, 1)
            .build();
        final byte[] f = new byte[store.length(h)];
        store.getFrame(h, f, 0, f.length);
        gso.add(1, 0, f);
        final java.io.StringWriter g = new java.io.StringWriter();
        ReplayJson.writeGso(gso.run(), g);
        final com.fasterxml.jackson.databind.JsonNode m = new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(g.toString());
        assertThat(m.size()).isEqualTo(2);
        assertThat(m.get(1).get("ip_id").isNull()).isTrue();
        assertThat(m.get(1).get("seq").asLong()).isEqualTo(100);
    }
}
