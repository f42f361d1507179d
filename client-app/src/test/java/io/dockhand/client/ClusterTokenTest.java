package io.dockhand.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where the cluster token is looked for, in order. */
class ClusterTokenTest {
    @TempDir
    Path dir;

    @Test
    void theEnvironmentComesFirstThenItsFileThenTheSecretThenTheUsersFile() throws Exception {
        Path named = Files.writeString(dir.resolve("named"), "from-named-file\n");
        Path secret = Files.writeString(dir.resolve("secret"), "from-secret\n");
        Path user = Files.writeString(dir.resolve("user"), "  from-user-file \n");

        assertThat(ClusterToken.find(Map.of("DOCKHAND_TOKEN", "from-env", "DOCKHAND_TOKEN_FILE", named.toString()),
                                     secret, user)).isEqualTo("from-env");
        assertThat(ClusterToken.find(Map.of("DOCKHAND_TOKEN_FILE", named.toString()), secret, user))
                .isEqualTo("from-named-file");
        assertThat(ClusterToken.find(Map.of("DOCKHAND_TOKEN", " "), secret, user)).isEqualTo("from-secret");
        assertThat(ClusterToken.find(Map.of(), dir.resolve("no-secret"), user)).isEqualTo("from-user-file");
    }

    @Test
    void noTokenSaysWhereItLooked() {
        assertThatThrownBy(() -> ClusterToken.find(Map.of(), dir.resolve("s"), dir.resolve("u")))
                .isInstanceOf(ExitException.class)
                .hasMessageContaining("DOCKHAND_TOKEN").hasMessageContaining("DOCKHAND_TOKEN_FILE")
                .hasMessageContaining(dir.resolve("s").toString()).hasMessageContaining(dir.resolve("u").toString())
                .extracting(e -> ((ExitException) e).code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aNamedFileThatCannotBeReadIsAnErrorNotASkip() throws Exception {
        Path user = Files.writeString(dir.resolve("user"), "from-user-file");
        assertThatThrownBy(() -> ClusterToken.find(Map.of("DOCKHAND_TOKEN_FILE", dir.resolve("nope").toString()),
                                                   dir.resolve("s"), user))
                .hasMessageContaining("DOCKHAND_TOKEN_FILE").hasMessageContaining("no such file");
    }

    @Test
    void anEmptyOrMultiLineTokenIsRefused() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        Path twoLines = Files.writeString(dir.resolve("two"), "abc\ndef\n");
        assertThatThrownBy(() -> ClusterToken.find(Map.of(), empty, dir.resolve("u"))).hasMessageContaining("empty");
        assertThatThrownBy(() -> ClusterToken.find(Map.of(), twoLines, dir.resolve("u")))
                .hasMessageContaining("one line");
    }
}
