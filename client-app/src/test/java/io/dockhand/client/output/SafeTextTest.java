package io.dockhand.client.output;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a terminal could act on is shown, not sent. */
class SafeTextTest {

    @Test
    void showsControlsDelC1AndBidiAsEscapes() {
        assertThat(SafeText.line("a\u001b[2Jb\u0007c\u007fd\u009be\u202ef\u2066g\u2028h"))
                .isEqualTo("a\\u001b[2Jb\\u0007c\\u007fd\\u009be\\u202ef\\u2066g\\u2028h");
    }

    @Test
    void keepsOneFieldOnOneLine() {
        assertThat(SafeText.line("a\nerror: b\r\tc")).isEqualTo("a\\nerror: b\\r\\tc");
        assertThat(SafeText.lines("a\n\tat b\u001b")).isEqualTo("a\n\tat b\\u001b");
    }

    @Test
    void leavesOrdinaryTextAlone() {
        String text = "web-1 nginx:1.27 café 東京 \\ ✓";
        assertThat(SafeText.line(text)).isSameAs(text);
        assertThat(SafeText.line(null)).isNull();
    }
}
