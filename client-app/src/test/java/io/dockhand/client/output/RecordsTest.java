package io.dockhand.client.output;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How records look to people. */
class RecordsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode record(String json) throws Exception {
        return MAPPER.readTree(json);
    }

    @Test
    void aTableHasPlainPaddedColumnsAndToleratesMissingFields() throws Exception {
        StringWriter out = new StringWriter();
        Records.table(List.of(
                record("""
                        {"id":"9d0c6f1e-1111-2222-3333-444455556666","containerId":"3f2a1b4c5d6e7f8091a2b3c4",
                         "name":"/web-1","image":"nginx:1.27","node":"node-1","state":"running","cpuPercent":0.5,
                         "memoryBytes":1536,"observedAt":"2026-11-22T10:15:30.123456Z"}"""),
                record("{\"id\":\"x\",\"containerId\":\"ab\",\"observedAt\":\"2026-11-22T10:15:00Z\"}")),
                      new PrintWriter(out), new Colors(false));

        assertThat(out.toString()).isEqualTo("""
                ID        CONTAINER     NAME   IMAGE       NODE    STATE    CPU%  MEM     VERIFIED  OBSERVED
                9d0c6f1e  3f2a1b4c5d6e  web-1  nginx:1.27  node-1  running  0.50  1.5KiB  ?         2026-11-22T10:15:30Z
                x         ab                                                -     -       ?         2026-11-22T10:15:00Z
                """);
    }

    @Test
    void verifiedReadsYesNoOrUnknown() throws Exception {
        StringWriter out = new StringWriter();
        Records.table(List.of(record("{\"id\":\"a\",\"verified\":true}"),
                              record("{\"id\":\"b\",\"verified\":false}"),
                              record("{\"id\":\"c\",\"verified\":\"true\"}"),
                              record("{\"id\":\"d\"}")),
                      new PrintWriter(out), new Colors(false));

        assertThat(out.toString().lines().skip(1).map(l -> l.replaceAll(" +", " ")))
                .containsExactly("a - - yes", "b - - no", "c - - ?", "d - - ?");
    }

    @Test
    void theDetailViewSaysWhetherTheRecordIsVerifiedUnknownWhenAbsent() throws Exception {
        StringWriter vouched = new StringWriter();
        Records.detail(record("{\"id\":\"a\",\"node\":\"n1\",\"verified\":true,\"task\":\"t\"}"),
                       new PrintWriter(vouched), new Colors(false));
        StringWriter old = new StringWriter();
        Records.detail(record("{\"id\":\"a\"}"), new PrintWriter(old), new Colors(false));

        assertThat(vouched.toString()).isEqualTo("id        a\nnode      n1\nverified  yes\ntask      t\n");
        assertThat(old.toString()).isEqualTo("id        a\nverified  unknown\n");
    }

    @Test
    void colourStylesTheHeaderAndStateOnly() throws Exception {
        StringWriter out = new StringWriter();
        Records.table(List.of(record("{\"id\":\"a\",\"state\":\"exited\"}")), new PrintWriter(out), new Colors(true));

        assertThat(out.toString()).startsWith("\u001b[1mID").contains("\u001b[31mexited").doesNotContain("\u001b[32m");
    }

    @Test
    void aSummaryIsOneLine() throws Exception {
        assertThat(Records.summary(record("""
                {"containerId":"3f2a1b4c5d6e7f8091a2b3c4","name":"web-1","image":"nginx:1.27","node":"n1",
                 "state":"running","cpuPercent":12.345,"memoryBytes":104857600,
                 "observedAt":"2026-11-22T10:15:30Z"}""")))
                .isEqualTo("3f2a1b4c5d6e web-1 (nginx:1.27) on n1: running, cpu 12.35%, mem 100.0MiB, "
                                   + "observed 2026-11-22T10:15:30Z");
    }

    @Test
    void bytesInBinaryUnits() {
        assertThat(Records.bytes(0)).isEqualTo("0B");
        assertThat(Records.bytes(1023)).isEqualTo("1023B");
        assertThat(Records.bytes(1024)).isEqualTo("1.0KiB");
        assertThat(Records.bytes(5L * 1024 * 1024 * 1024)).isEqualTo("5.0GiB");
    }
}
