package dev.ebpf4j.cli;

import dev.ebpf4j.cli.output.Hex;
import dev.ebpf4j.cli.output.JsonWriter;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The JSON writer reproduces bpftool's compact and pretty layouts byte for byte (expected texts taken from bpftool). */
class JsonWriterTest {

    private static String write(boolean pretty, Consumer<JsonWriter> body) {
        StringWriter s = new StringWriter();
        PrintWriter pw = new PrintWriter(s);
        JsonWriter w = new JsonWriter(pw, pretty);
        body.accept(w);
        w.finish();
        pw.flush();
        return s.toString();
    }

    private static void mapRecord(JsonWriter w) {
        w.startArray().startObject().uintField("id", 402).stringField("type", "hash").stringField("name", "tst")
                .name("flags").integer(0).uintField("bytes_key", 4).intField("frozen", 0).endObject().endArray();
    }

    private static void dumpEntry(JsonWriter w) {
        byte[] key = {1, 0, 0, 0};
        byte[] value = {2, 0};
        w.startArray().startObject().name("key").hexBytes(key, 0, 4).name("value").hexBytes(value, 0, 2).endObject()
                .endArray();
    }

    @Test
    void compactLayoutHasNoWhitespace() {
        assertEquals("[{\"id\":402,\"type\":\"hash\",\"name\":\"tst\",\"flags\":0,\"bytes_key\":4,\"frozen\":0}]\n",
                write(false, JsonWriterTest::mapRecord));
        assertEquals("[{\"key\":[\"0x01\",\"0x00\",\"0x00\",\"0x00\"],\"value\":[\"0x02\",\"0x00\"]}]\n",
                write(false, JsonWriterTest::dumpEntry));
    }

    @Test
    void prettyLayoutMatchesBpftool() {
        assertEquals("""
                [{
                        "id": 402,
                        "type": "hash",
                        "name": "tst",
                        "flags": 0,
                        "bytes_key": 4,
                        "frozen": 0
                    }
                ]
                """, write(true, JsonWriterTest::mapRecord));
        assertEquals("""
                [{
                        "key": ["0x01","0x00","0x00","0x00"
                        ],
                        "value": ["0x02","0x00"
                        ]
                    }
                ]
                """, write(true, JsonWriterTest::dumpEntry));
    }

    @Test
    void prettyObjectAtTopLevel() {
        assertEquals("""
                {
                    "key": ["0x01"
                    ],
                    "next": null,
                    "empty": []
                }
                """, write(true, w -> w.startObject().name("key").hexBytes(new byte[] {1}, 0, 1).nullField("next")
                .name("empty").startArray().endArray().endObject()));
    }

    @Test
    void stringsAreEscapedAsValidJson() {
        assertEquals("\"a\\\"b\\\\c\\n\\u0001'\"\n", write(false, w -> w.string("a\"b\\c\n\u0001'")));
    }

    @Test
    void closeAllClosesWhateverIsOpen() {
        assertEquals("[{\"a\":[1]}]\n", write(false, w -> {
            w.startArray().startObject().name("a").startArray().uint(1);
            w.closeAll();
        }));
    }

    @Test
    void hexDumpMatchesBpftoolsProgRunLayout() {
        byte[] data = new byte[18];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (0x41 + i);
        data[0] = (byte) 0xab;
        assertEquals("0000000\tab42 4344 4546 4748 494a 4b4c 4d4e 4f50 | .BCDEFGH IJKLMNOP\n"
                + "0000010\t5152                                    | QR\n", Hex.dump(data));
    }
}
