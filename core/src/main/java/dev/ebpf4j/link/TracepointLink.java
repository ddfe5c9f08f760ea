package dev.ebpf4j.link;

import java.nio.file.Path;
import java.util.Optional;

/** Placeholder: implemented on its feature branch before it lands. */
public final class TracepointLink implements Link {
    private TracepointLink() {
    }

    @Override
    public String describe() {
        throw new UnsupportedOperationException("TracepointLink is being implemented");
    }

    @Override
    public Optional<LinkInfo> info() {
        throw new UnsupportedOperationException("TracepointLink is being implemented");
    }

    @Override
    public void pin(Path path) {
        throw new UnsupportedOperationException("TracepointLink is being implemented");
    }

    @Override
    public void unpin() {
        throw new UnsupportedOperationException("TracepointLink is being implemented");
    }

    @Override
    public void detach() {
        throw new UnsupportedOperationException("TracepointLink is being implemented");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("TracepointLink is being implemented");
    }
}
