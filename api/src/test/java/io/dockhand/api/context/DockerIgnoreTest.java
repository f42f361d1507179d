package io.dockhand.api.context;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cases of Docker's documentation of {@code .dockerignore}, and of moby's patternmatcher tests. */
class DockerIgnoreTest {

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            // Docker docs: */temp* ignores temp-things one folder down, not at the root or deeper.
            "*/temp*|somedir/temporary.txt|true",
            "*/temp*|somedir/temp|true",
            "*/temp*|temp.txt|false",
            "*/temp*|a/b/temp|false",
            "*/*/temp*|somedir/subdir/temporary.txt|true",
            "*/*/temp*|somedir/temporary.txt|false",
            "temp?|tempa|true",
            "temp?|temp|false",
            "temp?|tempab|false",
            // ** matches any number of folders, none included.
            "**/*.go|main.go|true",
            "**/*.go|x/y/z.go|true",
            "**/*.go|x/y/z.goo|false",
            "**/temp|temp|true",
            "**/temp|a/b/temp|true",
            "a/**/b|a/b|true",
            "a/**/b|a/x/y/b|true",
            "a/**/b|c/a/b|false",
            "foo/**|foo/bar|true",
            "foo/**|foo/bar/baz|true",
            "foo/**|foo|false",
            "**|anything/at/all|true",
            // A pattern that matches a folder leaves out everything under it.
            "node_modules|node_modules/a/b.js|true",
            "node_modules|src/node_modules/a.js|false",
            "*.log|logs/a.log|false",
            // Leading / and ./ are dropped, the rest cleaned as filepath.Clean does.
            "/foo|foo|true",
            "./foo|foo/x|true",
            "foo/../bar|bar|true",
            "foo//bar/|foo/bar|true",
            // * and ? do not cross /.
            "a*b|a/b|false",
            "a?b|a/b|false",
            "*|a|true",
            "*|a/b|true",
            // Character classes and escapes as Go's filepath.Match.
            "[a-c].txt|b.txt|true",
            "[a-c].txt|d.txt|false",
            "[^a-c].txt|d.txt|true",
            "[^a-c].txt|a.txt|false",
            "[!a-c].txt|!.txt|true",
            "\\*.txt|*.txt|true",
            "\\*.txt|a.txt|false",
            "a.b|axb|false",
            "(x)+|(x)+|true",
            })
    void matchesAsDockerDoes(String pattern, String path, boolean ignored) {
        assertThat(DockerIgnore.parse(pattern).ignores(path)).isEqualTo(ignored);
    }

    @Test
    void theLastMatchingLineWins() {
        // Docker docs: README.md kept, README-secret.md left out only when its line comes after the exception.
        DockerIgnore secretLast = DockerIgnore.parse("*.md\n!README*.md\nREADME-secret.md\n");
        assertThat(secretLast.ignores("a.md")).isTrue();
        assertThat(secretLast.ignores("README-x.md")).isFalse();
        assertThat(secretLast.ignores("README-secret.md")).isTrue();

        DockerIgnore exceptionLast = DockerIgnore.parse("*.md\nREADME-secret.md\n!README*.md\n");
        assertThat(exceptionLast.ignores("README-secret.md")).isFalse();
    }

    @Test
    void anExceptionTakesBackAFileInsideAnIgnoredFolder() {
        DockerIgnore ignore = DockerIgnore.parse("docs\n!docs/keep.md\n");
        assertThat(ignore.ignores("docs/other.md")).isTrue();
        assertThat(ignore.ignores("docs/keep.md")).isFalse();
        assertThat(ignore.mayKeepUnder("docs")).isTrue();
        assertThat(ignore.mayKeepUnder("src")).isFalse();
        assertThat(DockerIgnore.parse("*\n!*/keep.txt").mayKeepUnder("a")).isTrue();
        assertThat(DockerIgnore.parse("*\n!**/keep.txt").mayKeepUnder("a/b")).isTrue();
        assertThat(DockerIgnore.parse("a\n").mayKeepUnder("a")).isFalse();
    }

    @Test
    void commentsAndBlankLinesAreSkippedAndLinesTrimmed() {
        DockerIgnore ignore = DockerIgnore.parse("# a comment\n\n   secret.txt   \r\n ! secret.txt.keep\n");
        assertThat(ignore.ignores("# a comment")).isFalse();
        assertThat(ignore.ignores("secret.txt")).isTrue();
        assertThat(ignore.ignores("secret.txt.keep")).isFalse();
    }

    @Test
    void keepingAddsAnExceptionOnlyWhenThePathIsIgnored() {
        DockerIgnore ignore = DockerIgnore.parse("*\n").keeping("Dockerfile").keeping("build/Dockerfile.dev");
        assertThat(ignore.ignores("Dockerfile")).isFalse();
        assertThat(ignore.ignores("build/Dockerfile.dev")).isFalse();
        assertThat(ignore.ignores("build/other")).isTrue();
        assertThat(ignore.mayKeepUnder("build")).isTrue();
    }

    @Test
    void anUnclosedClassNamesItsLine() {
        assertThatThrownBy(() -> DockerIgnore.parse("ok\n[abc\n"))
                .hasMessageContaining("line 2").hasMessageContaining("[abc");
    }
}
