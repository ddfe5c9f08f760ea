package dev.ebpf4j.objects;

import dev.ebpf4j.BpfObject;
import dev.ebpf4j.ObjectSpec;

import java.nio.file.Path;

/** Child-JVM entry for {@link ObjectVerifierKernelTest}: loads the object named in args[0], prints the outcome. */
public final class ObjectUnprivilegedMain {
    private ObjectUnprivilegedMain() {
    }

    public static void main(String[] args) {
        try (BpfObject obj = BpfObject.load(ObjectSpec.read(Path.of(args[0])))) {
            System.out.println("loaded\t" + obj);
        } catch (RuntimeException e) {
            System.out.println("error\t" + e.getClass().getSimpleName() + "\t" + e.getMessage().replace('\n', ' '));
        }
    }
}
