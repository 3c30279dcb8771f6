package io.pktsim.cli.gro;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example captures of docs/ are what {@link ExamplePcaps} builds, byte for byte. To regenerate them after
 * changing ExamplePcaps: {@code ./mvnw -B -q -o -pl cli -am verify -Dtest=DocsExamplePcapsTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dpktsim.regenerateExamples=true}.
 */
class DocsExamplePcapsTest {

    @TempDir
    Path tmp;

    static Path examples() {
        return Path.of(System.getProperty("pktsim.root", ".."), "docs", "examples").toAbsolutePath().normalize();
    }

    private interface Maker {
        void make(ExamplePcaps p, Path file) throws Exception;
    }

    private void check(final String name, final Maker maker) throws Exception {
        final Path built = tmp.resolve(name);
        maker.make(new ExamplePcaps(), built);
        final Path committed = examples().resolve(name);
        if (Boolean.getBoolean("pktsim.regenerateExamples")) {
            Files.copy(built, committed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertThat(committed).exists();
        assertThat(Files.readAllBytes(committed)).as("%s is what ExamplePcaps builds", committed)
            .isEqualTo(Files.readAllBytes(built));
    }

    @Test
    void shouldShipTheGroTrainAsBuilt() throws Exception {
        check("gro-train.pcap", ExamplePcaps::groTrain);
    }

    @Test
    void shouldShipTheGsoSuperPacketsAsBuilt() throws Exception {
        check("gso-super.pcap", ExamplePcaps::gsoSuper);
        check("gso-nodf.pcap", ExamplePcaps::gsoNoDf);
    }

    @Test
    void shouldShipThePppoeSessionFramesAsBuilt() throws Exception {
        check("gro-pppoe.pcap", ExamplePcaps::groPppoe);
        check("gso-pppoe.pcap", ExamplePcaps::gsoPppoe);
    }
}
