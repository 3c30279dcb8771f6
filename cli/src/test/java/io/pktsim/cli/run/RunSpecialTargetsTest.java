package io.pktsim.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pktsim.cli.PktsimMain;
import io.pktsim.core.io.Fifos;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs that are not regular files: {@code --json} and {@code --trace} to a named pipe (as to {@code /dev/null} or
 * {@code /dev/stdout}) are written in place. Before, the result went to a temporary file moved onto the target,
 * which replaced the pipe, and, run as root, replaced {@code /dev/null} itself with a regular file.
 */
class RunSpecialTargetsTest {

    @TempDir
    Path tmp;

    @Test
    void shouldWriteTheJsonAndTheTraceIntoNamedPipesWithoutReplacingThem() throws Exception {
        final Path scenario = Files.writeString(tmp.resolve("tiny.yaml"), RunEndToEndTest.TINY,
            StandardCharsets.UTF_8);
        final Path json = Fifos.make(tmp.resolve("json.pipe"));
        final Path trace = Fifos.make(tmp.resolve("trace.pipe"));
        final CompletableFuture<byte[]> jsonBytes = Fifos.drain(json);
        final CompletableFuture<byte[]> traceBytes = Fifos.drain(trace);
        final StringWriter err = new StringWriter();
        final int code = PktsimMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "run",
            scenario.toString(), "--quiet", "--json", json.toString(), "--trace", trace.toString());
        assertThat(code).as(err.toString()).isZero();
        final JsonNode result = new ObjectMapper().readTree(jsonBytes.get(60, TimeUnit.SECONDS));
        assertThat(result.at("/scenario/name").asText()).isNotEmpty();
        final String lines = new String(traceBytes.get(60, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        assertThat(lines).contains("\"kind\":\"dial_ecmp\"");
        assertThat(Fifos.isFifo(json)).as("the pipe is still a pipe").isTrue();
        assertThat(Fifos.isFifo(trace)).as("the pipe is still a pipe").isTrue();
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).as("no temporary file left")
                .containsExactlyInAnyOrder("tiny.yaml", "json.pipe", "trace.pipe");
        }
    }
}
