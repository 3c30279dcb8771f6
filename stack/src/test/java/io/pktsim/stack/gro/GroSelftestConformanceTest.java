package io.pktsim.stack.gro;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The kernel's own GRO selftest (tools/testing/selftests/net/gro.c and gro.sh, v6.18) as data: every case of
 * gro-selftest-cases.json must give the kernel's 6.18 result through the model.
 */
class GroSelftestConformanceTest {

    static final String SELFTEST = "gro-selftest-cases.json";
    static final String RULEBOOK = "gro-rulebook-cases.json";

    static JsonNode load(final String name) throws IOException {
        try (InputStream in = GroSelftestConformanceTest.class.getResourceAsStream(name)) {
            return new ObjectMapper().readTree(in);
        }
    }

    static Stream<DynamicTest> cases(final String file) throws IOException {
        final JsonNode root = load(file);
        final List<DynamicTest> tests = new ArrayList<>();
        for (final JsonNode c : root.get("cases")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> check(root.get("defaults"), c)));
        }
        return tests.stream();
    }

    static void check(final JsonNode defaults, final JsonNode c) {
        final List<GroCaseRunner.Delivered> got = GroCaseRunner.run(defaults, c);
        final JsonNode expect = c.get("expect");
        if (expect.has("payload_lengths")) {
            final List<Integer> lengths = new ArrayList<>();
            for (final GroCaseRunner.Delivered d : got) {
                if (d.tcp && d.fin) {
                    break;
                }
                lengths.add(d.payload);
            }
            final List<Integer> want = new ArrayList<>();
            expect.get("payload_lengths").forEach(n -> want.add(n.asInt()));
            assertThat(lengths).as(c.get("name").asText() + ": " + c.path("note").asText()).isEqualTo(want);
        }
        if (expect.has("all_payload_lengths")) {
            final List<String> all = new ArrayList<>();
            for (final GroCaseRunner.Delivered d : got) {
                all.add(d.tcp ? Integer.toString(d.payload) : "frame:" + d.frameLength);
            }
            final List<String> want = new ArrayList<>();
            expect.get("all_payload_lengths").forEach(n -> want.add(n.asText()));
            assertThat(all).as(c.get("name").asText()).isEqualTo(want);
        }
        if (expect.has("segs")) {
            final List<Integer> segs = new ArrayList<>();
            got.forEach(d -> segs.add(d.segs));
            final List<Integer> want = new ArrayList<>();
            expect.get("segs").forEach(n -> want.add(n.asInt()));
            assertThat(segs).as(c.get("name").asText()).isEqualTo(want);
        }
    }

    @TestFactory
    Stream<DynamicTest> kernelSelftestCases() throws IOException {
        return cases(SELFTEST);
    }

    @TestFactory
    Stream<DynamicTest> ruleBookVerifiedExamples() throws IOException {
        return cases(RULEBOOK);
    }

    @Test
    void shouldHaveAll72SelftestCases() throws IOException {
        assertThat(load(SELFTEST).get("cases").size()).isEqualTo(72);
    }

    @Test
    void shouldMatchTheSharedReferenceCopy() throws IOException {
        final Path shared = Path.of("..", "..", "shared", "reference", SELFTEST);
        if (Files.exists(shared)) {
            try (InputStream in = GroSelftestConformanceTest.class.getResourceAsStream(SELFTEST)) {
                assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(shared));
            }
        }
    }
}
