package io.dockhand.client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.dockhand.client.output.Format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where addresses and durations come from, and how they are read. */
class SettingsTest {
    @TempDir
    Path home;

    private Settings resolve(Map<String, String> env, ClientOptions... layers) {
        return Settings.resolve(Arrays.asList(layers), Cli.session(env, "", home));
    }

    private static ClientOptions options(String server, String agent) {
        ClientOptions options = new ClientOptions();
        options.server = server;
        options.agent = agent;
        return options;
    }

    @Test
    void defaultsWorkInsideTheStack() throws Exception {
        Files.writeString(home.resolve("no-route-table"), """
                Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
                eth1\t000012AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
                eth1\t00000000\t010012AC\t0003\t0\t0\t0\t00000000\t0\t0\t0
                """);
        Settings settings = resolve(Map.of());

        assertThat(settings.servers()).containsExactly(URI.create("http://server:5001"));
        assertThat(settings.agent()).isEqualTo(URI.create("http://172.18.0.1:5002"));
        assertThat(settings.format()).isEqualTo(Format.TABLE);
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void optionsBeatTheEnvironmentAndTheCommandsOwnBeatThePrompts() {
        Map<String, String> env = Map.of("DOCKHAND_SERVER", "http://env:1", "DOCKHAND_AGENT", "http://env:2",
                                         "DOCKHAND_TIMEOUT", "3s");

        assertThat(resolve(env).servers()).containsExactly(URI.create("http://env:1"));
        assertThat(resolve(env).timeout()).isEqualTo(Duration.ofSeconds(3));
        Settings layered = resolve(env, options(null, "http://own:2"), null, options("http://prompt:1", "x:9"));
        assertThat(layered.servers()).containsExactly(URI.create("http://prompt:1"));
        assertThat(layered.agent()).isEqualTo(URI.create("http://own:2"));
    }

    @Test
    void readsServerListsAndBareHostNames() {
        Settings settings = resolve(Map.of(), options(" server , 10.0.0.5:6000,https://store.example/base ", "node1"));

        assertThat(settings.servers()).containsExactly(URI.create("http://server:5001"),
                                                       URI.create("http://10.0.0.5:6000"),
                                                       URI.create("https://store.example/base"));
        assertThat(settings.agent()).isEqualTo(URI.create("http://node1:5002"));
    }

    @Test
    void rejectsWhatIsNoUrlAsBadUsage() {
        assertThatThrownBy(() -> resolve(Map.of(), options("ftp://x", null)))
                .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.code()).isEqualTo(2))
                .hasMessage("'ftp://x' is not a server URL such as http://host:5001");
        assertThatThrownBy(() -> resolve(Map.of(), options(",", null))).hasMessageContaining("no server address");
        assertThatThrownBy(() -> resolve(Map.of("DOCKHAND_TIMEOUT", "soon")))
                .hasMessageStartingWith("DOCKHAND_TIMEOUT: 'soon' is not a duration");
        assertThatThrownBy(() -> resolve(Map.of()).requireAgent()).hasMessageContaining("DOCKHAND_AGENT");
    }

    @Test
    void noColorTurnsColourOffWhateverTheTerminal() {
        assertThat(Settings.resolve(List.of(), Cli.session(Map.of(), "", home).withColour(true)).colour()).isTrue();
        assertThat(Settings.resolve(List.of(), Cli.session(Map.of("NO_COLOR", "1"), "", home).withColour(true))
                           .colour()).isFalse();
        assertThat(Settings.resolve(List.of(), Cli.session(Map.of("NO_COLOR", ""), "", home).withColour(true))
                           .colour()).isTrue();
    }

    @Test
    void readsDurationsAsPeopleWriteThem() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.parse("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> Durations.parse("5 minutes")).isInstanceOf(CommandLine.TypeConversionException.class);

        Instant tenMinutesAgo = new Durations.Since().convert("10m");
        assertThat(tenMinutesAgo).isBetween(Instant.now().minusSeconds(610), Instant.now().minusSeconds(590));
        assertThat(new Durations.Since().convert("2026-11-22T10:15:30Z"))
                .isEqualTo(Instant.parse("2026-11-22T10:15:30Z"));
    }

    @Test
    void findsNoGatewayWithoutADefaultRoute() {
        assertThat(DefaultGateway.parse(List.of("Iface\tDestination\tGateway",
                                                "eth0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF"))).isEmpty();
        assertThat(DefaultGateway.read(home.resolve("missing"))).isEmpty();
    }
}
