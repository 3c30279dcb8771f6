package io.pktsim.core.random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RandomStreamsTest {

    @Test
    void shouldDeriveEachStreamFromSeedRunAndName() {
        final RandomStreams streams = new RandomStreams(42, 7);
        final RandomStream s = streams.stream("workload.arrivals");
        assertThat(s.seed()).isEqualTo(42);
        assertThat(s.run()).isEqualTo(7);
        assertThat(s.name()).isEqualTo("workload.arrivals");
        assertThat(s.nextLong()).isEqualTo(RandomStream.derive(42, 7, "workload.arrivals").nextLong());
    }

    @Test
    void shouldNotShiftOneStreamWhenAnotherIsAddedOrDrawnFrom() {
        final RandomStreams first = new RandomStreams(1, 1);
        final RandomStream a1 = first.stream("a");
        final RandomStreams second = new RandomStreams(1, 1);
        final RandomStream extra = second.stream("extra");
        for (int i = 0; i < 1000; i++) {
            extra.nextLong();
        }
        final RandomStream a2 = second.stream("a");
        for (int i = 0; i < 1000; i++) {
            assertThat(a2.nextLong()).isEqualTo(a1.nextLong());
        }
        assertThat(second.names()).containsExactly("extra", "a");
    }

    @Test
    void shouldRefuseANameTakenTwice() {
        final RandomStreams streams = new RandomStreams(1, 1);
        streams.stream("nic0.loss");
        assertThatThrownBy(() -> streams.stream("nic0.loss")).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("'nic0.loss'").hasMessageContaining("already taken");
        assertThatThrownBy(() -> streams.stream("")).isInstanceOf(IllegalArgumentException.class);
    }
}
