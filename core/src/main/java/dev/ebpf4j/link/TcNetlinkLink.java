package dev.ebpf4j.link;

import java.nio.file.Path;
import java.util.Optional;

/** Placeholder: implemented on its feature branch before it lands. */
public final class TcNetlinkLink implements Link {
    private TcNetlinkLink() {
    }

    @Override
    public String describe() {
        throw new UnsupportedOperationException("TcNetlinkLink is being implemented");
    }

    @Override
    public Optional<LinkInfo> info() {
        throw new UnsupportedOperationException("TcNetlinkLink is being implemented");
    }

    @Override
    public void pin(Path path) {
        throw new UnsupportedOperationException("TcNetlinkLink is being implemented");
    }

    @Override
    public void unpin() {
        throw new UnsupportedOperationException("TcNetlinkLink is being implemented");
    }

    @Override
    public void detach() {
        throw new UnsupportedOperationException("TcNetlinkLink is being implemented");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("TcNetlinkLink is being implemented");
    }
}
