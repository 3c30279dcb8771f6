package io.pktsim.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesTraceSinkTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldWriteOneParsableObjectPerEventWithNames() throws IOException {
        final TraceNames names = new TraceNames();
        final int eth0 = names.component("eth0");
        final int weird = names.component("quote\" back\\ tab\t nl\n ctl\u0001 é");
        final int poll = names.kind("napi_poll", "work", "budget");
        final int drop = names.kind("drop");
        final StringWriter out = new StringWriter();
        try (TraceBus bus = TraceBus.start(names, 16, new JsonLinesTraceSink(out, "test"))) {
            bus.publish(1_500, eth0, poll, TraceEvent.NO_PACKET, 64, 64, 99, 99);
            bus.publish(2_000, weird, drop, 17, 1, 2, 3, 4);
            bus.publish(Long.MAX_VALUE, eth0, poll, 0, Long.MIN_VALUE, -1);
        }
        final String[] lines = out.toString().split("\n", -1);
        assertThat(lines).hasSize(4);
        assertThat(lines[3]).isEmpty();
        assertThat(lines[0]).isEqualTo(
            "{\"time_ns\":1500,\"component\":\"eth0\",\"kind\":\"napi_poll\",\"work\":64,\"budget\":64}");
        final JsonNode second = JSON.readTree(lines[1]);
        assertThat(second.get("time_ns").asLong()).isEqualTo(2_000);
        assertThat(second.get("component").asText()).isEqualTo("quote\" back\\ tab\t nl\n ctl\u0001 é");
        assertThat(second.get("kind").asText()).isEqualTo("drop");
        assertThat(second.get("packet").asInt()).isEqualTo(17);
        assertThat(second.size()).isEqualTo(4);
        final JsonNode third = JSON.readTree(lines[2]);
        assertThat(third.get("time_ns").asLong()).isEqualTo(Long.MAX_VALUE);
        assertThat(third.get("packet").asInt()).isZero();
        assertThat(third.get("work").asLong()).isEqualTo(Long.MIN_VALUE);
        assertThat(third.get("budget").asLong()).isEqualTo(-1);
    }

    @Test
    void shouldMoveTheFileIntoPlaceOnlyOnClose() throws IOException {
        final Path file = dir.resolve("trace.jsonl");
        final TraceNames names = new TraceNames();
        final int c = names.component("cpu0");
        final int k = names.kind("charge", "cycles");
        final TraceBus bus = TraceBus.start(names, 1 << 8, JsonLinesTraceSink.toFile(file));
        for (int i = 0; i < 10_000; i++) {
            bus.publish(i, c, k, i, 100 + i);
        }
        assertThat(file).doesNotExist();
        bus.close();
        final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(10_000);
        for (int i = 0; i < lines.size(); i++) {
            final JsonNode n = JSON.readTree(lines.get(i));
            assertThat(n.get("time_ns").asLong()).isEqualTo(i);
            assertThat(n.get("cycles").asLong()).isEqualTo(100 + i);
        }
        try (var listing = Files.list(dir)) {
            assertThat(listing).containsExactly(file);
        }
    }

    @Test
    void shouldLeaveNoFileWhenTheSinkFails() throws IOException {
        final Path file = dir.resolve("trace.jsonl");
        final JsonLinesTraceSink sink = JsonLinesTraceSink.toFile(file);
        sink.abort();
        assertThat(file).doesNotExist();
        try (var listing = Files.list(dir)) {
            assertThat(listing).isEmpty();
        }
    }
}
