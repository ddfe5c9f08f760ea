package dev.ebpf4j.cli.map;

import dev.ebpf4j.MapType;
import dev.ebpf4j.cli.CommandGroup;
import dev.ebpf4j.cli.HelpCommand;
import dev.ebpf4j.cli.HelpSpec;
import dev.ebpf4j.cli.Session;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code ebpf4j map}: bpftool's map commands. Alone it lists every map, as {@code bpftool map} does.
 *
 * <pre>{@code
 * ebpf4j map create /sys/fs/bpf/m type hash key 4 value 8 entries 16 name m
 * ebpf4j map update pinned /sys/fs/bpf/m key 1 0 0 0 value 2 0 0 0 0 0 0 0
 * ebpf4j map dump pinned /sys/fs/bpf/m
 * }</pre>
 */
@Command(name = "map", description = "Inspect and manipulate BPF maps.",
        subcommands = {MapShowCommand.class, MapCreateCommand.class, MapDumpCommand.class, MapUpdateCommand.class,
                MapLookupCommand.class, MapGetNextCommand.class, MapDeleteCommand.class, MapPinCommand.class,
                MapPeekCommand.class, MapPushCommand.class, MapPopCommand.class, MapFreezeCommand.class,
                HelpCommand.class})
public final class MapCommand extends CommandGroup {
    @Override
    protected int runDefault(Session session) {
        return MapShowCommand.showAll(session);
    }

    @Override
    public String usage(String bin) {
        String p = "       " + bin + " map ";
        return "Usage: " + bin + " map { show | list }   [MAP]\n"
                + p + "create     FILE type TYPE key KEY_SIZE value VALUE_SIZE \\\n"
                + "                                  entries MAX_ENTRIES name NAME [flags FLAGS] \\\n"
                + "                                  [inner_map MAP] [dev NAME]\n"
                + p + "dump       MAP\n"
                + p + "update     MAP [key DATA] [value VALUE] [UPDATE_FLAGS]\n"
                + p + "lookup     MAP [key DATA]\n"
                + p + "getnext    MAP [key DATA]\n"
                + p + "delete     MAP  key DATA\n"
                + p + "pin        MAP  FILE\n"
                + p + "peek       MAP\n"
                + p + "push       MAP value VALUE\n"
                + p + "pop        MAP\n"
                + p + "enqueue    MAP value VALUE\n"
                + p + "dequeue    MAP\n"
                + p + "freeze     MAP\n"
                + p + "help\n"
                + "\n"
                + "       " + HelpSpec.MAP + "\n"
                + "       DATA := { [hex] BYTES }\n"
                + "       " + HelpSpec.PROGRAM + "\n"
                + "       VALUE := { DATA | MAP | PROG }\n"
                + "       UPDATE_FLAGS := { any | exist | noexist }\n"
                + typeList()
                + "       " + HelpSpec.OPTIONS + " |\n"
                + "                    {-f|--bpffs} }\n";
    }

    /** "TYPE := { hash | array | ... }" wrapped like bpftool's help. */
    static String typeList() {
        List<String> names = new ArrayList<>();
        for (MapType t : MapType.values()) if (t != MapType.UNSPEC) names.add(t.bpftoolName());
        StringBuilder sb = new StringBuilder("       TYPE := { ");
        int lineStart = 0;
        for (int i = 0; i < names.size(); i++) {
            String item = names.get(i) + (i == names.size() - 1 ? " }" : " |");
            if (sb.length() - lineStart + item.length() > 86) {
                sb.append('\n');
                lineStart = sb.length();
                sb.append("                 ");
            } else if (i > 0) {
                sb.append(' ');
            }
            sb.append(item);
        }
        return sb.append('\n').toString();
    }

    /** The valid type names, comma-separated, for error messages. */
    static String typeNames() {
        List<String> names = new ArrayList<>();
        for (MapType t : MapType.values()) if (t != MapType.UNSPEC) names.add(t.bpftoolName());
        return String.join(", ", names);
    }
}
