package io.dockhand.server.deployments;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.dockhand.api.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestParserTest {

    private static final String KRAKEN = """
            # Kraken's manifest, as its users wrote them
            [app]
            name = "hello-api"
            version = 1.0
            author = "Ada"
            endpoint = "/api"

            [config]
            port = 8080
            lang = "python3"
            run = "python3 app.py"
            """;

    @Test
    void readsKrakensShipwreckAsItIsWithDefaults() {
        Manifest manifest = ManifestParser.parse("shipwreck.toml", KRAKEN);

        assertThat(manifest.file()).isEqualTo("shipwreck.toml");
        assertThat(manifest.app()).isEqualTo(new Manifest.App("hello-api", "1.0", "Ada", "/api"));
        assertThat(manifest.config()).isEqualTo(
                new Manifest.Config(8080, "python", "python3 app.py", Map.of(), 1, "/", 0, 0, 8080));
    }

    @Test
    void readsEveryKeyBeyondKrakens() {
        Manifest manifest = ManifestParser.parse("dockhand.toml", """
                [app]
                name = "web-1"
                [config]
                port = 3000
                lang = "node"
                run = "node server.js"
                replicas = 3
                health = "/healthz"
                cpus = 0.5
                memory = "256m"
                publish = 8081
                [config.env]
                GREETING = "hi there"
                EMPTY = ""
                """);

        assertThat(manifest.config()).isEqualTo(new Manifest.Config(3000, "node", "node server.js",
                Map.of("GREETING", "hi there", "EMPTY", ""), 3, "/healthz", 0.5, 256L << 20, 8081));
        assertThat(manifest.app().version()).isNull();
    }

    @ParameterizedTest
    @CsvSource({"custom,custom", "dockerfile,custom", "Dockerfile,custom", "python3,python", "static,static",
            "Node,node"})
    void acceptsKrakensSpellingsOfLang(String written, String lang) {
        String text = "[app]\nname = \"a\"\n[config]\nport = 80\nlang = \"" + written + "\"\nrun = \"x\"\n";

        assertThat(ManifestParser.parse("shipwreck.toml", text).config().lang()).isEqualTo(lang);
    }

    @Test
    void readsAnInlineEnvTableAndSizes() {
        Manifest.Config config = ManifestParser.parse("dockhand.toml", """
                [app]
                name = "s"
                [config]
                port = 80
                lang = "static"
                env = { A = "1", B = "two" }
                memory = "1.5GiB"
                """).config();

        assertThat(config.env()).containsExactly(Map.entry("A", "1"), Map.entry("B", "two"));
        assertThat(config.memoryBytes()).isEqualTo(3L << 29);
        assertThat(config.run()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            lang = "ruby"          | 7 | lang must be one of node, python, static, custom, not 'ruby'
            port = 0               | 6 | port must be a whole number from 1 to 65535, not 0
            port = 70000           | 6 | port must be a whole number from 1 to 65535, not 70000
            port = "8080"          | 6 | port must be a whole number from 1 to 65535, not '8080'
            port = 8080.5          | 6 | port must be a whole number from 1 to 65535, not 8080.5
            port = 5001            | 6 | port 5001 is Dockhand's own
            publish = 5000         | 9 | port 5000 is Dockhand's own
            replicas = 21          | 9 | replicas must be a whole number from 1 to 20, not 21
            replicas = 0           | 9 | replicas must be a whole number from 1 to 20, not 0
            memory = "lots"        | 9 | memory must be a size such as "256m" or "1g", not 'lots'
            memory = 256           | 9 | memory must be a size such as "256m" or "1g", not 256
            memory = "1k"          | 9 | memory must be at least 6m
            health = "healthz"     | 9 | health must be an HTTP path starting with '/'
            cpus = "two"           | 9 | cpus must be a number of CPUs
            colour = "blue"        | 9 | unknown key 'colour' in [config]; [config] has port, lang, run, env
            env = { A = 1 }        | 9 | env A must be a string: A = "1"
            env = "A=1"            | 9 | env must be a table
            run = 42               | 8 | run must be a string
            """)
    void refusesABadConfigAtTheLineOfItsKey(String line, int expectedLine, String reason) {
        String[] config = {"port = 8080", "lang = \"python\"", "run = \"python3 app.py\""};
        String key = line.substring(0, line.indexOf(' '));
        StringBuilder text = new StringBuilder("# my app\n[app]\nname = \"a\"\n\n[config]\n");
        boolean replaced = false;
        for (String written : config) {
            if (written.startsWith(key + " ")) {
                text.append(line).append('\n');
                replaced = true;
            } else {
                text.append(written).append('\n');
            }
        }
        if (!replaced) {
            text.append(line).append('\n');
        }

        assertThatThrownBy(() -> ManifestParser.parse("dockhand.toml", text.toString()))
                .isInstanceOf(ManifestException.class)
                .hasMessageStartingWith("dockhand.toml line " + expectedLine + ": " + reason)
                .satisfies(e -> assertThat(((ManifestException) e).line()).isEqualTo(expectedLine));
    }

    @Test
    void saysWhichLineAndReasonInOneSentence() {
        String text = """
                [app]
                name = "shop"

                [config]
                port = 8080
                run = "ruby app.rb"
                lang = "ruby"
                """;

        assertThatThrownBy(() -> ManifestParser.parse("dockhand.toml", text))
                .hasMessage("dockhand.toml line 7: lang must be one of node, python, static, custom, not 'ruby'");
    }

    @Test
    void refusesAMissingNameAtTheAppHeader() {
        assertThatThrownBy(() -> ManifestParser.parse("shipwreck.toml", "\n\n[app]\nversion = \"2\"\n[config]\n"
                + "port = 1\nlang = \"static\"\n"))
                .hasMessage("shipwreck.toml line 3: [app] has no name; write name = \"my-app\"");
    }

    @ParameterizedTest
    @CsvSource({"My_App", "-app", "a.b", "''", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void refusesANameThatIsNotADnsLabel(String name) {
        assertThatThrownBy(() -> ManifestParser.parse("dockhand.toml", "[app]\n\nname = \"" + name + "\"\n"))
                .hasMessageStartingWith("dockhand.toml line 3: name must be 1 to 41 lowercase letters");
    }

    @Test
    void refusesMissingTablesAndKeys() {
        assertThatThrownBy(() -> ManifestParser.parse("dockhand.toml", "[config]\nport = 80\n"))
                .hasMessageStartingWith("dockhand.toml line 1: [app] is missing");
        assertThatThrownBy(() -> ManifestParser.parse("dockhand.toml", "[app]\nname = \"a\"\n"))
                .hasMessageStartingWith("dockhand.toml line 1: [config] is missing");
        assertThatThrownBy(() -> ManifestParser.parse("dockhand.toml", "[app]\nname = \"a\"\n[config]\n"
                + "lang = \"static\""))
                .hasMessageStartingWith("dockhand.toml line 3: [config] has no port");
        assertThatThrownBy(() -> ManifestParser.parse("dockhand.toml", "[app]\nname = \"a\"\n[config]\nport = 80\n"))
                .hasMessageStartingWith("dockhand.toml line 3: [config] has no lang");
        assertThatThrownBy(() -> ManifestParser.parse("dockhand.toml", "[app]\nname = \"a\"\n[config]\nport = 80\n"
                + "lang = \"node\""))
                .hasMessageStartingWith("dockhand.toml line 3: lang node needs run");
        assertThatThrownBy(() -> ManifestParser.parse("dockhand.toml", " \n# nothing\n"))
                .hasMessageStartingWith("dockhand.toml line 1: the file is empty");
        assertThatThrownBy(() -> ManifestParser.parse("dockhand.toml", "[app]\nname = \"a\"\n[deploy]\nx = 1\n"))
                .hasMessageStartingWith("dockhand.toml line 3: unknown key 'deploy'; a manifest has [app] and"
                        + " [config]");
        assertThatThrownBy(() -> ManifestParser.parse("dockhand.toml", "app = \"a\"\n"))
                .hasMessageStartingWith("dockhand.toml line 1: app must be a table");
    }

    @Test
    void findsKeysInEnvTablesAndDottedKeys() {
        String header = "[app]\nname = \"a\"\n[config]\nport = 80\nlang = \"static\"\n";

        assertThatThrownBy(() -> ManifestParser.parse("dockhand.toml", header + "[config.env]\nA = \"1\"\n"
                + "B = true\n"))
                .hasMessage("dockhand.toml line 8: env B must be a string: B = \"true\"");
        assertThatThrownBy(() -> ManifestParser.parse("dockhand.toml", header + "env.A = \"1\"\nenv.\"1X\" = \"2\"\n"))
                .hasMessageStartingWith("dockhand.toml line 7: env name '1X' is not a variable name");
        assertThatThrownBy(() -> ManifestParser.parse("dockhand.toml", "config.lang = \"static\"\n"
                + "config.port = 99999\n[app]\nname = \"a\"\n"))
                .hasMessageStartingWith("dockhand.toml line 2: port must be a whole number");
    }

    @Test
    void skipsMultiLineStringsWhenLookingForKeys() {
        String text = "[app]\nname = \"a\"\n[config]\nrun = \"\"\"\nlang = 'x'\n\"\"\"\nport = 80\nlang = \"go\"\n";

        assertThatThrownBy(() -> ManifestParser.parse("dockhand.toml", text))
                .hasMessageStartingWith("dockhand.toml line 8: lang must be one of");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            an unterminated string | [app]\\nname = "a\\n                     | 2 | not valid TOML: newline
            a bare value           | [app]\\n\\nname = a\\n                  | 3 | not valid TOML: unknown token
            a broken header        | [app]\\nname = "a"\\n[config\\nport = 1 | 3 | not valid TOML:
            a duplicate key        | [app]\\nname = "a"\\nname = "b"\\n\\n   | 3 | not valid TOML: duplicate key
            a table written twice  | [app]\\nname = "a"\\n[app]\\n           | 3 | not valid TOML: table redefined
            """)
    void refusesBadTomlAtTheParsersLine(String what, String text, int line, String reason) {
        assertThatThrownBy(() -> ManifestParser.parse("dockhand.toml", text.replace("\\n", "\n")))
                .isInstanceOf(ManifestException.class)
                .hasMessageStartingWith("dockhand.toml line " + line + ": " + reason);
    }

    @Test
    void readsAFileThatStartsWithAByteOrderMark() {
        byte[] bytes = ("\uFEFF" + KRAKEN).getBytes(StandardCharsets.UTF_8);

        assertThat(ManifestParser.parse("shipwreck.toml", bytes).app().name()).isEqualTo("hello-api");
    }

    @Test
    void refusesTextThatIsNotUtf8AtItsLine() {
        byte[] bytes = "[app]\nname = \"a\"\nauthor = \"X\"\n".getBytes(StandardCharsets.UTF_8);
        bytes[bytes.length - 3] = (byte) 0xC3;

        assertThatThrownBy(() -> ManifestParser.parse("dockhand.toml", bytes))
                .hasMessage("dockhand.toml line 3: the file is not UTF-8 text");
    }
}
