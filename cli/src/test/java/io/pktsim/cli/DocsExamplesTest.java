package io.pktsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Runs every runnable example in README.md and docs/ (convention: docs/README.md). */
class DocsExamplesTest {

    private static Path root() {
        final String root = System.getProperty("pktsim.root");
        return Path.of(root == null ? ".." : root).toAbsolutePath().normalize();
    }

    private static List<DocsExamples.Example> allExamples() throws Exception {
        final List<DocsExamples.Example> all = new ArrayList<>();
        for (final Path file : DocsExamples.markdownFiles(root())) {
            all.addAll(DocsExamples.parse(root().relativize(file), DocsExamples.read(file)));
        }
        return all;
    }

    @TestFactory
    Stream<DynamicTest> shouldRunEveryDocumentedExample() throws Exception {
        return allExamples().stream().map(ex -> DynamicTest.dynamicTest(ex.toString(), () -> {
            final String problem = DocsExamples.check(ex);
            if (problem != null) {
                fail(problem);
            }
        }));
    }

    @Test
    void shouldFindTheExamplesTheDocsPromise() throws Exception {
        assertThat(Files.isDirectory(root().resolve("docs"))).as("docs/ under %s", root()).isTrue();
        final List<DocsExamples.Example> all = allExamples();
        assertThat(all).extracting(e -> e.command).contains("./pktsim --help", "./pktsim --version");
    }

    @Test
    void shouldParseCommandsExpectedOutputAndExitCodes() {
        final String md = "text\n```console\n$ ./pktsim --a 'b c'\nline 1\n\n[exit 2]\n$ pktsim\n```\n"
            + "```sh\n./mvnw -B verify\n```\n";
        final List<DocsExamples.Example> ex = DocsExamples.parse(Path.of("x.md"), md);
        assertThat(ex).hasSize(2);
        assertThat(ex.get(0).args).containsExactly("--a", "b c");
        assertThat(ex.get(0).expected).containsExactly("line 1");
        assertThat(ex.get(0).expectedExit).isEqualTo(2);
        assertThat(ex.get(0).line).isEqualTo(3);
        assertThat(ex.get(1).args).isEmpty();
        assertThat(ex.get(1).expectedExit).isZero();
    }

    @Test
    void shouldRejectBlocksItCannotRun() {
        assertThatThrownBy(() -> DocsExamples.parse(Path.of("x.md"), "```console\n$ ls -l\n```\n"))
            .hasMessageContaining("x.md:2").hasMessageContaining("only './pktsim'");
        assertThatThrownBy(() -> DocsExamples.parse(Path.of("x.md"), "```console\noutput first\n```\n"))
            .hasMessageContaining("must start with");
        assertThatThrownBy(() -> DocsExamples.parse(Path.of("x.md"), "```console\n$ ./pktsim | head\n```\n"))
            .hasMessageContaining("shell syntax '|'");
        assertThatThrownBy(() -> DocsExamples.parse(Path.of("x.md"), "```console\n$ ./pktsim\n"))
            .hasMessageContaining("unclosed");
    }

    @Test
    void shouldFailAnExampleWhoseOutputOrExitCodeDiffers() {
        final List<DocsExamples.Example> ex = DocsExamples.parse(Path.of("x.md"),
            "```console\n$ ./pktsim --version\npktsim 0.0.0 (commit 0000000)\n$ ./pktsim --bogus\n```\n");
        assertThat(DocsExamples.check(ex.get(0))).contains("output differs").contains("pktsim 0.0.0");
        assertThat(DocsExamples.check(ex.get(1))).contains("exit code 2, expected 0");
    }

    @Test
    void shouldMatchWildcards() {
        assertThat(DocsExamples.matches(List.of("a", "[...]", "z"), 0, List.of("a", "b", "c", "z"), 0)).isTrue();
        assertThat(DocsExamples.matches(List.of("a", "[...]", "z"), 0, List.of("a", "z"), 0)).isTrue();
        assertThat(DocsExamples.matches(List.of("a", "[...]", "z"), 0, List.of("a", "b"), 0)).isFalse();
        assertThat(DocsExamples.lineMatches("pktsim [...] (commit [...])", "pktsim 1.0 (commit abc)")).isTrue();
        assertThat(DocsExamples.lineMatches("pktsim [...] (commit [...])", "pktsim 1.0 (rev abc)")).isFalse();
        assertThat(DocsExamples.lineMatches("a.b", "axb")).isFalse();
    }
}
