package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import io.pktsim.lb.router.RouterConfig.AppKind;
import io.pktsim.lb.router.RouterConfig.CongestionControl;
import io.pktsim.lb.router.RouterConfig.Direction;
import io.pktsim.lb.router.RouterConfig.Redial;
import io.pktsim.lb.router.RouterConfig.Wan;
import org.junit.jupiter.api.Test;

/** The invariants {@link RouterConfig}'s records check: redials and the applications' idle timeouts. */
class RouterConfigTest {

    private static final long S = 1_000_000_000L;

    /** 4 lines x 2 dials: 8 dials. */
    private static Wan wan(final Redial... redials) {
        return new Wan(4, 2, 100_000_000L, 0, true, 1492, 20_000_000L, 8, List.of(redials));
    }

    @Test
    void shouldRejectARedialWithANegativeDialOrTimeOrANonPositiveDown() {
        assertThatThrownBy(() -> new Redial(-1, 0, S)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("redial.dial = -1, allowed >= 0");
        assertThatThrownBy(() -> new Redial(0, -1, S)).hasMessage("redial.atNs = -1, allowed >= 0");
        assertThatThrownBy(() -> new Redial(0, 0, 0)).hasMessage("redial.downNs = 0, allowed > 0");
        assertThatThrownBy(() -> new Redial(0, 0, -5)).hasMessage("redial.downNs = -5, allowed > 0");
        assertThat(new Redial(0, 0, 1).upNs()).isEqualTo(1L);
    }

    @Test
    void shouldKeepNoRedialsWithTheEightArgumentConstructor() {
        assertThat(new Wan(1, 1, 100_000_000L, 0, true, 1492, 0, 1).redials()).isEmpty();
    }

    @Test
    void shouldRejectARedialOfADialTheWanLacks() {
        assertThat(wan(new Redial(7, S, S)).redials()).containsExactly(new Redial(7, S, S));
        assertThatThrownBy(() -> wan(new Redial(8, S, S))).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("wan.redials[0].dial = 8, allowed 0..7 (lines * dialsPerLine = 8 dials)");
    }

    @Test
    void shouldRejectOverlappingRedialsOfOneDialInEitherOrder() {
        assertThatThrownBy(() -> wan(new Redial(3, 2 * S, 3 * S), new Redial(3, 4 * S, S)))
            .hasMessageStartingWith("wan.redials[1] = Redial[dial=3, atNs=4000000000, downNs=1000000000] overlaps "
                + "wan.redials[0] = Redial[dial=3, atNs=2000000000, downNs=3000000000]");
        assertThatThrownBy(() -> wan(new Redial(3, 4 * S, S), new Redial(3, 2 * S, 3 * S)))
            .hasMessageStartingWith("wan.redials[1] = Redial[dial=3, atNs=2000000000");
        assertThatThrownBy(() -> wan(new Redial(3, 2 * S, 3 * S), new Redial(3, 2 * S, S)))
            .hasMessageContaining("overlaps");
    }

    @Test
    void shouldAcceptBackToBackRedialsAndRedialsOfOtherDialsAtOnce() {
        final Wan w = wan(new Redial(3, 2 * S, 3 * S), new Redial(3, 5 * S, S), new Redial(4, 2 * S, 10 * S));
        assertThat(w.redials()).hasSize(3);
    }

    @Test
    void shouldCopyTheRedialList() {
        final List<Redial> list = new ArrayList<>(List.of(new Redial(0, S, S)));
        final Wan w = new Wan(1, 1, 100_000_000L, 0, true, 1492, 0, 1, list);
        list.clear();
        assertThat(w.redials()).hasSize(1);
        assertThatThrownBy(() -> w.redials().add(new Redial(0, 5 * S, S)))
            .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldTakeTheKindsIdleTimeoutByDefault() {
        assertThat(AppKind.BROWSER.defaultIdleTimeoutNs()).isEqualTo(300 * S);
        assertThat(AppKind.DOWNLOADER.defaultIdleTimeoutNs()).isEqualTo(60 * S);
        assertThat(AppKind.P2P.defaultIdleTimeoutNs()).isEqualTo(120 * S);
        assertThat(AppKind.SPEEDTEST.defaultIdleTimeoutNs()).isZero();
        assertThat(AppKind.UDP_CBR.defaultIdleTimeoutNs()).isZero();
        assertThat(AppKind.UDP_POISSON.defaultIdleTimeoutNs()).isZero();
        assertThat(AppKind.UDP_ONOFF.defaultIdleTimeoutNs()).isZero();
        assertThat(new RouterConfig.App(AppKind.P2P, 1, 4, Direction.DOWNLOAD, CongestionControl.CUBIC, 0, 0, 0)
            .idleTimeoutNs()).isEqualTo(120 * S);
        assertThat(new RouterConfig.App(AppKind.UDP_CBR, 1, 1, Direction.DOWNLOAD, CongestionControl.CUBIC,
            1_000_000L, 1200, 0).idleTimeoutNs()).isZero();
    }

    @Test
    void shouldRejectANegativeIdleTimeoutAndOneOnUdp() {
        assertThat(new RouterConfig.App(AppKind.DOWNLOADER, 1, 8, Direction.DOWNLOAD, CongestionControl.CUBIC, 0, 0,
            0, 0).idleTimeoutNs()).isZero();
        assertThatThrownBy(() -> new RouterConfig.App(AppKind.DOWNLOADER, 1, 8, Direction.DOWNLOAD,
            CongestionControl.CUBIC, 0, 0, 0, -1)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("app.idleTimeoutNs = -1, allowed >= 0");
        assertThatThrownBy(() -> new RouterConfig.App(AppKind.UDP_ONOFF, 1, 1, Direction.DOWNLOAD,
            CongestionControl.CUBIC, 1_000_000L, 1200, 0, S)).hasMessage("app.idleTimeoutNs = 1000000000, allowed 0 "
                + "for UDP_ONOFF");
    }
}
