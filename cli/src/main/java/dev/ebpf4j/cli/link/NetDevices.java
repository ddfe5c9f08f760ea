package dev.ebpf4j.cli.link;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Network interface names by index in this network namespace (what {@code if_indextoname} answers), from
 * {@code /sys/class/net/NAME/ifindex}.
 *
 * <pre>{@code
 * String name = NetDevices.nameOf(1);   // "lo", or null
 * }</pre>
 */
final class NetDevices {
    private NetDevices() {
    }

    static String nameOf(int ifindex) {
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(Path.of("/sys/class/net"))) {
            for (Path dev : devices) {
                try {
                    if (Integer.parseInt(Files.readString(dev.resolve("ifindex")).trim()) == ifindex) {
                        return dev.getFileName().toString();
                    }
                } catch (IOException | NumberFormatException e) {
                    // a device that vanished or has no index: skip it
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
