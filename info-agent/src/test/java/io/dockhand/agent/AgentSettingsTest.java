package io.dockhand.agent;

import java.time.Duration;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The agent's engine deadlines: a question's and a change's, each with its default and its key. */
class AgentSettingsTest {

    private static AgentSettings settings(Map<String, String> values) {
        return AgentSettings.create(Config.just(ConfigSources.create(values)));
    }

    @Test
    void aChangeMayTakeAMinuteAndAQuestionTwoSecondsByDefault() {
        AgentSettings settings = settings(Map.of());

        assertThat(settings.engineTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.changeTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void readsTheChangeDeadlineFromItsKey() {
        assertThat(settings(Map.of("agent.engine.changetimeout", "5m")).changeTimeout())
                .isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aBadChangeDeadlineNamesItsKey() {
        assertThatThrownBy(() -> settings(Map.of("agent.engine.changetimeout", "soon")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("agent.engine.changetimeout: ");
    }
}
