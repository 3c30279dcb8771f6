package io.pktsim.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.pktsim.cli.profile.ProfileLoader;
import io.pktsim.cli.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that are not a YAML scenario at all: each one line with the place, found by the bad-input fuzzer. */
class YamlConfigLoaderTest {

    @TempDir
    Path dir;

    private String scenarioError(final byte[] bytes) throws IOException {
        final Path f = dir.resolve("s.yaml");
        Files.write(f, bytes);
        try {
            new ScenarioLoader().load(f);
        } catch (final ConfigException e) {
            return e.getMessage().replace(f.toString(), "s.yaml");
        }
        throw new AssertionError("no error");
    }

    private static String yamlError(final String text) {
        try {
            new YamlConfigLoader().load("s.yaml", new StringReader(text));
        } catch (final ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("no error for " + text);
    }

    @Test
    void shouldRejectBytesThatAreNotUtf8AtTheirPlace() throws IOException {
        final byte[] latin1 = "device:\n  preset: k2p\nname: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(scenarioError(latin1)).isEqualTo("s.yaml:3:10: byte 0xE9 is not UTF-8; expected a UTF-8 text file");
    }

    @Test
    void shouldRejectAFileOfMoreThanOneMebibyteWithoutParsingIt() throws IOException {
        // SnakeYAML took minutes over one 30 MB comment line: the size is checked before parsing
        final byte[] huge = new byte[YamlConfigLoader.MAX_FILE_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) 'x');
        huge[0] = '#';
        final long t0 = System.nanoTime();
        assertThat(scenarioError(huge))
            .isEqualTo("s.yaml: more than 1048576 bytes (1 MiB); expected a YAML file of a few kilobytes");
        assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
    }

    @Test
    void shouldRejectADirectory() throws IOException {
        Files.createDirectory(dir.resolve("d.yaml"));
        try {
            new ScenarioLoader().load(dir.resolve("d.yaml"));
            throw new AssertionError("no error");
        } catch (final ConfigException e) {
            assertThat(e.detail()).isEqualTo("is a directory; expected a YAML file");
        }
    }

    @Test
    void shouldRejectTagsAndAliasesInsteadOfIgnoringThem() {
        assertThat(yamlError("name: !!binary aGVsbG8=\n"))
            .isEqualTo("s.yaml:1:7: 'name' has the YAML tag '!!binary'; tags are not read, expected a plain value");
        assertThat(yamlError("a: &x 4\nb: *x\n"))
            .isEqualTo("s.yaml:2:4: 'b' is the YAML alias '*x'; aliases are not read, expected the value written out");
    }

    @Test
    void shouldNameAComplexKeyAndDeepNestingWithoutTheParsersClassNames() {
        assertThat(yamlError("? [a, b]\n: 1\n"))
            .isEqualTo("s.yaml:1:4: not valid YAML: a key that is a list or a mapping; expected a plain key");
        assertThat(yamlError("a: " + "[".repeat(2000) + "]".repeat(2000) + "\n"))
            .startsWith("s.yaml").endsWith("not valid YAML: nested more than 1000 levels deep; expected a few levels "
                + "of mappings and lists");
    }

    @Test
    void shouldCheckAProfileFileTheSameWay() throws IOException {
        final Path f = dir.resolve("p.yaml");
        Files.write(f, "name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        try {
            new ProfileLoader().load(f.toString());
            throw new AssertionError("no error");
        } catch (final ConfigException e) {
            assertThat(e.detail()).isEqualTo("byte 0xE9 is not UTF-8; expected a UTF-8 text file");
        }
    }
}
