package io.pktsim.core.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TraceNamesTest {

    @Test
    void shouldRegisterComponentsAndKindsOnce() {
        final TraceNames names = new TraceNames();
        assertThat(names.component("eth0")).isZero();
        assertThat(names.component("eth1")).isEqualTo(1);
        assertThat(names.component("eth0")).isZero();
        assertThat(names.kind("gro_merge", "segs")).isZero();
        assertThat(names.kind("drop")).isEqualTo(1);
        assertThat(names.kind("gro_merge", "segs")).isZero();
        assertThat(names.componentName(1)).isEqualTo("eth1");
        assertThat(names.kindName(0)).isEqualTo("gro_merge");
        assertThat(names.argCount(0)).isEqualTo(1);
        assertThat(names.argName(0, 0)).isEqualTo("segs");
        assertThat(names.argCount(1)).isZero();
        assertThat(names.componentName(9)).isEqualTo("component#9");
        assertThat(names.kindName(-1)).isEqualTo("kind#-1");
        assertThat(names.componentCount()).isEqualTo(2);
        assertThat(names.kindCount()).isEqualTo(2);
    }

    @Test
    void shouldRefuseConflictingOrOversizedKinds() {
        final TraceNames names = new TraceNames();
        names.kind("poll", "work", "budget");
        assertThatThrownBy(() -> names.kind("poll", "work")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("[work, budget]");
        assertThatThrownBy(() -> names.kind("x", "a", "b", "c", "d", "e", "f"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 5");
        assertThatThrownBy(() -> names.component("")).isInstanceOf(IllegalArgumentException.class);
    }
}
