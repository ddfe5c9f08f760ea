package dev.ebpf4j.cli;

import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * {@code version} (and {@code -V/--version}): the ebpf4j version and the Java runtime, in bpftool's layout.
 *
 * <pre>{@code
 * ebpf4j version        # ebpf4j v0.1.0 / using Java 25.0.1
 * ebpf4j -j version     # {"version":"0.1.0","java_version":"25.0.1"}
 * }</pre>
 */
@Command(name = "version", description = "Show the version.")
public final class VersionCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        words.end();
        return print(session);
    }

    static int print(Session session) {
        String version = version();
        String java = Runtime.version().toString();
        if (session.json()) {
            session.jsonWriter().startObject().stringField("version", version).stringField("java_version", java)
                    .endObject();
        } else {
            session.out().print(RootCommand.NAME + " v" + version + "\nusing Java " + java + "\n");
        }
        return 0;
    }

    /** The version the CLI was built as, or "unknown". */
    public static String version() {
        try (InputStream in = VersionCommand.class.getResourceAsStream("version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
